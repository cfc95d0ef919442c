// libFuzzer target: the JMESPath lexer, parser and evaluator (cli/jmespath/).
// Input: the first line is the expression, the rest a JSON document to search. When the
// rest is not JSON (or deeper than cachectl's own responses ever are), the expression is
// searched over a fixed document, so that mutations of the expression alone still reach
// the evaluator. Any jmespath::Error is an expected outcome; anything else escaping, or a
// sanitizer report, is a finding.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "cli/jmespath/jmespath.h"

namespace {

// --query searches cachectl's own responses, a few levels deep; deeper documents would
// only measure nlohmann::json's recursive copy, not our code.
constexpr int kMaxDocumentDepth = 64;

const nlohmann::json& fixed_document() {
  static const nlohmann::json document = nlohmann::json::parse(R"({
    "CacheClusters": [
      {"CacheClusterId": "a", "Engine": "redis", "NumCacheNodes": 1, "Port": 6379,
       "Tags": [{"Key": "env", "Value": "dev"}], "Pending": null, "Ok": true,
       "CacheNodes": [{"Id": "0001", "Endpoint": {"Address": "127.0.0.1", "Port": 6379}}]},
      {"CacheClusterId": "b", "Engine": "memcached", "NumCacheNodes": 3, "Port": 11211,
       "Tags": [], "Weight": -2.5, "Ok": false,
       "CacheNodes": [{"Id": "0001"}, {"Id": "0002"}, {"Id": "0003"}]}
    ],
    "foo": {"bar": [[1, 2, [3]], "x", {"baz": "qux"}]}, "n": 0, "s": "héllo"
  })");
  return document;
}

nlohmann::json document_of(std::string_view text) {
  bool too_deep = false;
  nlohmann::json::parser_callback_t limit = [&too_deep](int depth, nlohmann::json::parse_event_t,
                                                        nlohmann::json&) {
    if (depth > kMaxDocumentDepth) too_deep = true;
    return !too_deep;
  };
  nlohmann::json parsed = nlohmann::json::parse(text, limit, false);
  if (too_deep || parsed.is_discarded()) return fixed_document();
  return parsed;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t newline = input.find('\n');
  std::string_view expression = input.substr(0, newline);
  std::string_view rest = newline == std::string_view::npos ? "" : input.substr(newline + 1);
  try {
    auto compiled = cachectl::jmespath::Expression::compile(expression);
    nlohmann::json result = compiled.search(document_of(rest));
    // Printing is part of every --query: the result must serialise.
    (void)result.dump();
  } catch (const cachectl::jmespath::Error&) {
    // A syntax, type, value, arity or unknown-function error: the expected refusal.
  }
  return 0;
}
