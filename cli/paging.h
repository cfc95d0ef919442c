// aws-cli's automatic pagination (botocore's PageIterator), generic over any
// operation of paginators-1.json: call the handler, follow the output token
// (Marker) into the next request until there is none, and merge the result
// key (CacheClusters, Events, ...) of every page. --max-items stops after
// that many items and hands back a NextToken (aws-cli's format: base64 of
// {"Marker": ..., "boto_truncate_amount": N}) that --starting-token resumes
// from; --page-size is the API's limit key (MaxRecords) of each call.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace cachectl::cli {

// How an operation pages, from paginators-1.json.
struct Paginator {
  std::vector<std::string> input_tokens;   // request members: "Marker"
  std::vector<std::string> output_tokens;  // response paths: "Marker", "EngineDefaults.Marker"
  std::optional<std::string> limit_key;    // "MaxRecords"
  std::vector<std::string> result_keys;    // "CacheClusters", "EngineDefaults.Parameters"
  std::optional<std::string> more_results;
  std::vector<std::string> non_aggregate_keys;
};

// nullopt when the operation does not page.
std::optional<Paginator> find_paginator(const std::string& api_operation);

// --max-items, --page-size, --starting-token.
struct PagingOptions {
  std::optional<long long> max_items{};
  std::optional<long long> page_size{};
  std::optional<std::string> starting_token{};
  bool any() const { return max_items || page_size || starting_token; }
  // "--starting-token, --page-size, --max-items" (those given), for messages.
  std::string given_names() const;
};

struct Pages {
  std::vector<nlohmann::json> responses;  // as answered; the last one cut to --max-items
  nlohmann::json non_aggregate_part = nlohmann::json::object();
  std::optional<std::string> next_token;  // when --max-items stopped before the end
};

// aws-cli reports these as "Error during pagination: MESSAGE" (exit 255).
inline constexpr const char* kPaginationError = "PaginationError";

using OperationCall = std::function<core::Result<nlohmann::json>(const nlohmann::json& request)>;

core::Result<Pages> fetch_pages(const Paginator& paginator, const PagingOptions& options,
                                nlohmann::json request, const OperationCall& call);

// botocore's build_full_result: every page's result keys merged, then
// NextToken when there is one. What json, table and yaml print.
nlohmann::json full_result(const Paginator& paginator, const Pages& pages);

// What aws-cli's text format prints page by page: each page's result keys
// (the first page also its non-aggregate keys), then {"NextToken":
// {"NextToken": ...}} when there is one.
std::vector<nlohmann::json> text_pages(const Paginator& paginator, const Pages& pages);

// Where --starting-token resumes: the input tokens (Marker -> value, null:
// from the start) and how many items of the first page were already printed.
struct StartingPoint {
  nlohmann::json tokens = nlohmann::json::object();
  long long skip = 0;
};

// A page holds at most 100 items (MaxRecords); the bound only keeps the
// arithmetic of a hostile token in range.
inline constexpr long long kMaxTruncate = 1LL << 31;

// botocore's token (base64 JSON), its "TOKEN___INDEX" form, or a service
// marker as it is. Any other text is a PaginationError "Bad starting token".
core::Result<StartingPoint> parse_starting_token(const Paginator& paginator,
                                                 const std::string& token);

// The token format of botocore's TokenEncoder/TokenDecoder.
std::string encode_token(const nlohmann::ordered_json& token);
std::optional<nlohmann::ordered_json> decode_token(const std::string& token);

}  // namespace cachectl::cli
