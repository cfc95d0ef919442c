// libFuzzer target: --starting-token decoding (cli/paging.h) of any text,
// then resuming a fake 45-item listing from it, as `describe-cache-clusters
// --max-items 7 --starting-token TEXT` does, for a paginator whose token is
// a top-level member and one whose token is nested (EngineDefaults.Marker).
// "Bad starting token" is an answer; an exception, a crash or a hang is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cli/paging.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using nlohmann::json;
  const std::string token(reinterpret_cast<const char*>(data), size);

  if (auto decoded = cachectl::cli::decode_token(token))
    (void)cachectl::cli::encode_token(*decoded);

  // Items i01..i45; Marker is the last item of a page; MaxRecords 20-100.
  auto listing = [](const std::string& key, const std::string& marker_path) {
    return [key, marker_path](const json& request) -> cachectl::core::Result<json> {
      int limit = 100;
      if (request.contains("MaxRecords") && request["MaxRecords"].is_number_integer())
        limit = request["MaxRecords"].get<int>();
      std::string marker;
      if (request.contains("Marker") && request["Marker"].is_string())
        marker = request["Marker"].get<std::string>();
      json items = json::array();
      int i = 1;
      auto id = [](int n) { return std::string(n < 10 ? "i0" : "i") + std::to_string(n); };
      while (i <= 45 && !marker.empty() && id(i) <= marker) ++i;
      for (; i <= 45 && static_cast<int>(items.size()) < limit; ++i) items.push_back(id(i));
      json page = json::object();
      if (marker_path == "Marker") {
        page[key] = items;
        if (i <= 45) page["Marker"] = items.back();
      } else {
        page["EngineDefaults"]["Parameters"] = items;
        if (i <= 45) page["EngineDefaults"]["Marker"] = items.back();
      }
      return page;
    };
  };

  for (const char* operation : {"DescribeCacheClusters", "DescribeEngineDefaultParameters"}) {
    auto paginator = cachectl::cli::find_paginator(operation);
    if (!paginator) __builtin_trap();  // the model lost a paginator: the target is broken
    (void)cachectl::cli::parse_starting_token(*paginator, token);
    cachectl::cli::PagingOptions options;
    options.max_items = 7;
    options.starting_token = token;
    bool nested = std::string(operation) == "DescribeEngineDefaultParameters";
    auto pages = cachectl::cli::fetch_pages(*paginator, options, json::object(),
                                            listing(nested ? "Parameters" : "CacheClusters",
                                                    nested ? "EngineDefaults.Marker" : "Marker"));
    if (pages) (void)cachectl::cli::full_result(*paginator, *pages);
  }
  return 0;
}
