// cli/paging.h: automatic pagination as botocore's PageIterator does it,
// against a fake DescribeCacheClusters (Marker = the last id of a page).
#include "cli/paging.h"

#include <gtest/gtest.h>

namespace cachectl::cli {
namespace {

using nlohmann::json;

// 45 clusters c01..c45, paged like the real handler: MaxRecords (20-100,
// default 100) per page, Marker = the last id returned.
struct FakeClusters {
  std::vector<json> requests;
  core::Result<json> operator()(const json& request) {
    requests.push_back(request);
    int limit = request.value("MaxRecords", 100);
    if (limit < 20 || limit > 100) return core::ApiError{"InvalidParameterValue", "MaxRecords"};
    std::string marker = request.value("Marker", "");
    json page = json::array();
    int i = 1;
    while (i <= 45 && !marker.empty() && id(i) <= marker) ++i;
    for (; i <= 45 && static_cast<int>(page.size()) < limit; ++i)
      page.push_back({{"CacheClusterId", id(i)}});
    json response{{"CacheClusters", page}};
    if (i <= 45) response["Marker"] = page.back()["CacheClusterId"];
    return response;
  }
  static std::string id(int i) { return (i < 10 ? "c0" : "c") + std::to_string(i); }
};

Paginator ClustersPaginator() {
  auto p = find_paginator("DescribeCacheClusters");
  EXPECT_TRUE(p.has_value());
  return p.value_or(Paginator{});
}

Pages Fetch(FakeClusters& fake, PagingOptions options, json request = json::object()) {
  auto pages = fetch_pages(ClustersPaginator(), options, std::move(request),
                           [&](const json& r) { return fake(r); });
  EXPECT_TRUE(pages.ok()) << (pages.ok() ? "" : pages.error().message);
  return pages.ok() ? *pages : Pages{};
}

std::vector<std::string> Ids(const json& full) {
  std::vector<std::string> ids;
  for (const auto& c : full["CacheClusters"]) ids.push_back(c["CacheClusterId"]);
  return ids;
}

TEST(Paginator, ComesFromTheModelsPaginators) {
  Paginator p = ClustersPaginator();
  EXPECT_EQ(p.input_tokens, std::vector<std::string>{"Marker"});
  EXPECT_EQ(p.output_tokens, std::vector<std::string>{"Marker"});
  EXPECT_EQ(p.limit_key, "MaxRecords");
  EXPECT_EQ(p.result_keys, std::vector<std::string>{"CacheClusters"});
  auto engine_defaults = find_paginator("DescribeEngineDefaultParameters");
  ASSERT_TRUE(engine_defaults);
  EXPECT_EQ(engine_defaults->output_tokens, std::vector<std::string>{"EngineDefaults.Marker"});
  EXPECT_FALSE(find_paginator("CreateCacheCluster"));
}

TEST(FetchPages, FollowsTheMarkerThroughEveryPageAndMergesTheResultKey) {
  FakeClusters fake;
  Pages pages = Fetch(fake, {.page_size = 20});
  ASSERT_EQ(fake.requests.size(), 3u);
  EXPECT_FALSE(fake.requests[0].contains("Marker"));
  EXPECT_EQ(fake.requests[1]["Marker"], "c20");
  EXPECT_EQ(fake.requests[2]["Marker"], "c40");
  for (const auto& r : fake.requests) EXPECT_EQ(r["MaxRecords"], 20);
  json full = full_result(ClustersPaginator(), pages);
  EXPECT_EQ(Ids(full).size(), 45u);
  EXPECT_EQ(Ids(full).back(), "c45");
  EXPECT_FALSE(full.contains("Marker"));  // the API's Marker is not part of the merged result
  EXPECT_FALSE(full.contains("NextToken"));
}

TEST(FetchPages, OneCallWhenEverythingFitsTheDefaultPage) {
  FakeClusters fake;
  Pages pages = Fetch(fake, {});
  EXPECT_EQ(fake.requests.size(), 1u);
  EXPECT_FALSE(fake.requests[0].contains("MaxRecords"));
  EXPECT_EQ(Ids(full_result(ClustersPaginator(), pages)).size(), 45u);
}

TEST(FetchPages, MaxItemsCutsInsideAPageAndTheTokenResumesThere) {
  FakeClusters fake;
  Pages first = Fetch(fake, {.max_items = 30, .page_size = 20});
  json full = full_result(ClustersPaginator(), first);
  EXPECT_EQ(Ids(full).size(), 30u);
  EXPECT_EQ(Ids(full).back(), "c30");
  // Byte for byte botocore's token: base64 of {"Marker": "c20", "boto_truncate_amount": 10}.
  EXPECT_EQ(full["NextToken"], "eyJNYXJrZXIiOiAiYzIwIiwgImJvdG9fdHJ1bmNhdGVfYW1vdW50IjogMTB9");

  FakeClusters again;
  Pages rest =
      Fetch(again, {.page_size = 20, .starting_token = full["NextToken"].get<std::string>()});
  EXPECT_EQ(again.requests[0]["Marker"], "c20");
  std::vector<std::string> ids = Ids(full_result(ClustersPaginator(), rest));
  ASSERT_EQ(ids.size(), 15u);
  EXPECT_EQ(ids.front(), "c31");
  EXPECT_EQ(ids.back(), "c45");
}

TEST(FetchPages, MaxItemsOnAPageBoundaryGivesTheServicesMarker) {
  FakeClusters fake;
  json full = full_result(ClustersPaginator(), Fetch(fake, {.max_items = 20, .page_size = 20}));
  EXPECT_EQ(Ids(full).size(), 20u);
  EXPECT_EQ(full["NextToken"], "eyJNYXJrZXIiOiAiYzIwIn0=");  // {"Marker": "c20"}
  EXPECT_EQ(fake.requests.size(), 1u);
}

TEST(FetchPages, MaxItemsInsideTheFirstPageResumesFromTheStart) {
  FakeClusters fake;
  json full = full_result(ClustersPaginator(), Fetch(fake, {.max_items = 5}));
  EXPECT_EQ(full["NextToken"], "eyJNYXJrZXIiOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiA1fQ==");
  FakeClusters again;
  Pages rest =
      Fetch(again, {.max_items = 5, .starting_token = full["NextToken"].get<std::string>()});
  EXPECT_FALSE(again.requests[0].contains("Marker"));
  EXPECT_EQ(Ids(full_result(ClustersPaginator(), rest)),
            (std::vector<std::string>{"c06", "c07", "c08", "c09", "c10"}));
}

TEST(FetchPages, AStartingTokenThatIsNotOursIsTheServicesMarker) {
  FakeClusters fake;
  Pages pages = Fetch(fake, {.starting_token = "c40"});
  EXPECT_EQ(fake.requests[0]["Marker"], "c40");
  EXPECT_EQ(Ids(full_result(ClustersPaginator(), pages)).size(), 5u);
  FakeClusters old;  // botocore's older "MARKER___INDEX" form
  Pages older = Fetch(old, {.starting_token = "c40___2"});
  EXPECT_EQ(Ids(full_result(ClustersPaginator(), older)),
            (std::vector<std::string>{"c43", "c44", "c45"}));
}

TEST(FetchPages, TheOperationsErrorsComeBackAsTheyAre) {
  FakeClusters fake;
  auto pages = fetch_pages(ClustersPaginator(), {.page_size = 5}, json::object(),
                           [&](const json& r) { return fake(r); });
  ASSERT_FALSE(pages.ok());
  EXPECT_EQ(pages.error().code, "InvalidParameterValue");
}

TEST(FetchPages, TheSameTokenTwiceStopsWithAPaginationError) {
  int calls = 0;
  auto pages =
      fetch_pages(ClustersPaginator(), {}, json::object(), [&](const json&) -> core::Result<json> {
        ++calls;
        return json{{"CacheClusters", json::array({json::object()})}, {"Marker", "same"}};
      });
  ASSERT_FALSE(pages.ok());
  EXPECT_EQ(pages.error().code, kPaginationError);
  EXPECT_NE(pages.error().message.find("same next token"), std::string::npos);
  EXPECT_EQ(calls, 2);
}

TEST(TextPages, AreThePagesResultKeysThenTheNextToken) {
  FakeClusters fake;
  Pages pages = Fetch(fake, {.max_items = 25, .page_size = 20});
  std::vector<json> parts = text_pages(ClustersPaginator(), pages);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0]["CacheClusters"].size(), 20u);
  EXPECT_FALSE(parts[0].contains("Marker"));
  EXPECT_EQ(parts[1]["CacheClusters"].size(), 5u);
  EXPECT_EQ(parts[2], (json{{"NextToken", {{"NextToken", *pages.next_token}}}}));
}

TEST(Tokens, EncodeAsPythonsJsonDumpsAndDecodeBack) {
  nlohmann::ordered_json token = {{"Marker", "café"}};
  EXPECT_EQ(encode_token(token), "eyJNYXJrZXIiOiAiY2FmXHUwMGU5In0=");
  EXPECT_EQ(decode_token(encode_token(token)), token);
  EXPECT_FALSE(decode_token("exampleredis").has_value() &&
               decode_token("exampleredis")->is_object());
  EXPECT_FALSE(decode_token("c40").has_value());
}

TEST(StartingToken, OurTokenTheIndexFormAndAServiceMarker) {
  Paginator p = ClustersPaginator();
  auto ours = parse_starting_token(
      p, "eyJNYXJrZXIiOiAiYzEwIiwgImJvdG9fdHJ1bmNhdGVfYW1vdW50IjogMn0=");  // c10, 2
  ASSERT_TRUE(ours.ok());
  EXPECT_EQ(ours->tokens["Marker"], "c10");
  EXPECT_EQ(ours->skip, 2);
  auto indexed = parse_starting_token(p, "c10___5");
  ASSERT_TRUE(indexed.ok());
  EXPECT_EQ(indexed->tokens["Marker"], "c10");
  EXPECT_EQ(indexed->skip, 5);
  auto marker = parse_starting_token(p, "exampleredis");
  ASSERT_TRUE(marker.ok());
  EXPECT_EQ(marker->tokens["Marker"], "exampleredis");
  EXPECT_EQ(marker->skip, 0);
  // An index too large to be one is part of the marker, as in botocore.
  auto huge = parse_starting_token(p, "c10___99999999999999999999");
  ASSERT_TRUE(huge.ok());
  EXPECT_EQ(huge->tokens["Marker"], "c10___99999999999999999999");
}

TEST(StartingToken, GarbageIsABadStartingTokenNeverAnException) {
  Paginator p = ClustersPaginator();
  const std::vector<std::string> bad = {
      "eyJNYXJrZXIiOiB7IngiOiAxfX0=",                                  // {"Marker": {"x": 1}}
      "eyJNYXJrZXIiOiA1fQ==",                                          // {"Marker": 5}
      "eyJNYXJrZXIiOiAiYzEwIiwgImJvdG9fdHJ1bmNhdGVfYW1vdW50IjogLTF9",  // truncate -1
      "eyJNYXJrZXIiOiAiYzEwIiwgImJvdG9fdHJ1bmNhdGVfYW1vdW50IjogMTg0NDY3NDQwNzM3MDk1NTE2MTV9",
      "eyJNYXJrZXIiOiAiYzEwIiwgImJvdG9fdHJ1bmNhdGVfYW1vdW50IjogMWUzMH0=",  // 1e30
      "eyJDb2xvdXIiOiAicmVkIn0=",                                          // {"Colour": "red"}
      "a___b___c",
  };
  for (const auto& token : bad) {
    auto start = parse_starting_token(p, token);
    ASSERT_FALSE(start.ok()) << token;
    EXPECT_EQ(start.error().code, kPaginationError);
    EXPECT_EQ(start.error().message.rfind("Bad starting token: ", 0), 0u);
    // And through fetch_pages: the same error, and no call made.
    FakeClusters fake;
    auto pages = fetch_pages(p, {.starting_token = token}, json::object(),
                             [&](const json& r) { return fake(r); });
    ASSERT_FALSE(pages.ok()) << token;
    EXPECT_TRUE(fake.requests.empty());
  }
}

TEST(StartingToken, DeeplyNestedTokensAreNotFollowed) {
  // base64 of {"Marker": [[[...]]]} 100,000 levels deep: not our token (its
  // nesting is refused before a document is built), so a service marker.
  std::string json_text =
      "{\"Marker\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  std::string token;
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < json_text.size(); i += 3) {
    unsigned n = static_cast<unsigned char>(json_text[i]) << 16;
    if (i + 1 < json_text.size()) n |= static_cast<unsigned char>(json_text[i + 1]) << 8;
    if (i + 2 < json_text.size()) n |= static_cast<unsigned char>(json_text[i + 2]);
    token += kAlphabet[(n >> 18) & 63];
    token += kAlphabet[(n >> 12) & 63];
    token += i + 1 < json_text.size() ? kAlphabet[(n >> 6) & 63] : '=';
    token += i + 2 < json_text.size() ? kAlphabet[n & 63] : '=';
  }
  EXPECT_FALSE(decode_token(token).has_value());
  auto start = parse_starting_token(ClustersPaginator(), token);
  ASSERT_TRUE(start.ok());
  EXPECT_EQ(start->tokens["Marker"], token);
}

TEST(StartingToken, RandomTextNeverThrows) {
  // A small fixed-seed fuzz (fuzz/fuzz_starting_token.cpp is the real one).
  Paginator p = ClustersPaginator();
  std::uint32_t state = 12345;
  auto next = [&] { return state = state * 1103515245u + 12345u; };
  const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_\x01\xff\"{}[]:,";
  for (int run = 0; run < 3000; ++run) {
    std::string token;
    std::size_t len = next() % 40;
    for (std::size_t i = 0; i < len; ++i) token += alphabet[(next() >> 8) % alphabet.size()];
    // Every tenth one: a real token's JSON, mangled, base64-encoded.
    if (run % 10 == 0)
      token =
          encode_token(nlohmann::ordered_json{{"Marker", token}, {"boto_truncate_amount", run}});
    FakeClusters fake;
    EXPECT_NO_THROW({
      auto pages = fetch_pages(p, {.max_items = 7, .starting_token = token}, json::object(),
                               [&](const json& r) { return fake(r); });
      (void)pages;
    }) << token;
  }
}

}  // namespace
}  // namespace cachectl::cli
