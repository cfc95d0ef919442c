// serve/form_decoder.h: the Query protocol's form text, then its parameters
// decoded against real input shapes of the API model.
#include <gtest/gtest.h>

#include "serve/form_decoder.h"

namespace cachectl::serve {
namespace {

using nlohmann::json;

FormParams parsed(std::string_view text) {
  FormParams p;
  core::Status err = parse_form(text, p);
  EXPECT_FALSE(err) << text << ": " << err->message;
  return p;
}

std::string form_error(std::string_view text) {
  FormParams p;
  core::Status err = parse_form(text, p);
  return err ? err->code : "";
}

const cli::ModelJson& input_of(const std::string& operation) {
  const cli::ApiModel& model = cli::ApiModel::get();
  return model.shape(model.operation(operation)["input"]["shape"]);
}

core::Result<json> decode(const std::string& operation, std::string_view text) {
  return decode_request(parsed(text), input_of(operation), operation);
}

json decoded(const std::string& operation, std::string_view text) {
  auto r = decode(operation, text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : json();
}

std::string code_of(const std::string& operation, std::string_view text) {
  auto r = decode(operation, text);
  return r.ok() ? "" : r.error().code;
}

TEST(ParseForm, PercentDecodesNamesAndValuesAndAPlusIsASpace) {
  FormParams p = parsed("A%2eb=x+y%26z%3D&C=&D=%C3%A9%2B");
  EXPECT_EQ(p, (FormParams{{"A.b", "x y&z="}, {"C", ""}, {"D", "\xC3\xA9+"}}));
}

TEST(ParseForm, EmptyPairsAreSkippedAndANameAloneHasAnEmptyValue) {
  EXPECT_EQ(parsed("&&A&B=1&"), (FormParams{{"A", ""}, {"B", "1"}}));
  EXPECT_TRUE(parsed("").empty());
}

TEST(ParseForm, ABadEscapeANameTwiceOrNoNameIsMalformed) {
  for (const char* text : {"a=%", "a=%4", "a=%zz", "a=%g0", "%=1", "a=1&a=2", "=x", "A=1&%41=2"})
    EXPECT_EQ(form_error(text), "MalformedQueryString") << text;
}

TEST(DecodeRequest, ScalarsTakeTheirMembersTypes) {
  EXPECT_EQ(decoded("DescribeCacheClusters",
                    "CacheClusterId=a1&MaxRecords=20&ShowCacheNodeInfo=true&"
                    "ShowCacheClustersNotInReplicationGroups=FALSE"),
            (json{{"CacheClusterId", "a1"},
                  {"MaxRecords", 20},
                  {"ShowCacheNodeInfo", true},
                  {"ShowCacheClustersNotInReplicationGroups", false}}));
}

TEST(DecodeRequest, ListItemsAreNamedByTheirLocationNameAndOrderedByNumber) {
  std::string text = "CacheClusterId=a";
  for (int i = 10; i >= 1; --i)
    text += "&CacheNodeIdsToReboot.CacheNodeId." + std::to_string(i) + "=n" + std::to_string(i);
  json want = json::array();
  for (int i = 1; i <= 10; ++i) want.push_back("n" + std::to_string(i));
  EXPECT_EQ(decoded("RebootCacheCluster", text)["CacheNodeIdsToReboot"], want);
}

TEST(DecodeRequest, ListsOfStructuresAndListsWithoutALocationName) {
  json r = decoded("CreateCacheCluster",
                   "CacheClusterId=c&Tags.Tag.1.Key=team&Tags.Tag.1.Value=cache&Tags.Tag.2.Key=k");
  EXPECT_EQ(r["Tags"], json::parse(R"([{"Key":"team","Value":"cache"},{"Key":"k"}])"));
  // FilterList's items have no locationName: "member".
  json f =
      decoded("DescribeUsers",
              "Filters.member.1.Name=user-id&Filters.member.1.Values.member.1=a&Filters.member."
              "1.Values.member.2=b");
  EXPECT_EQ(f["Filters"], json::parse(R"([{"Name":"user-id","Values":["a","b"]}])"));
}

TEST(DecodeRequest, TheNameOfAListAloneIsAnEmptyList) {
  auto r = decode_members(parsed("CacheClusterId=a&CacheNodeIdsToRemove="),
                          input_of("ModifyCacheCluster"), "ModifyCacheCluster");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)["CacheNodeIdsToRemove"], json::array());
  EXPECT_EQ(code_of("ModifyCacheCluster", "CacheClusterId=a&CacheNodeIdsToRemove=0001"),
            "InvalidQueryParameter");
}

TEST(DecodeRequest, TimestampsStayAsSentWhenTheyAreTimestamps) {
  EXPECT_EQ(decoded("DescribeEvents", "StartTime=2026-01-01T00%3A00%3A00Z")["StartTime"],
            "2026-01-01T00:00:00Z");
  EXPECT_EQ(code_of("DescribeEvents", "StartTime=yesterday"), "InvalidParameterValue");
}

TEST(DecodeRequest, AValueNotOfItsMembersTypeIsInvalidParameterValue) {
  for (const char* text :
       {"MaxRecords=abc", "MaxRecords=", "MaxRecords=1.5", "MaxRecords=+20", "MaxRecords= 20",
        "MaxRecords=99999999999", "ShowCacheNodeInfo=yes", "ShowCacheNodeInfo=1"})
    EXPECT_EQ(code_of("DescribeCacheClusters", text), "InvalidParameterValue") << text;
  auto r = decode("DescribeCacheClusters", "MaxRecords=abc");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "Value 'abc' for parameter MaxRecords is not an integer.");
}

TEST(DecodeRequest, ListItemsNumberedOtherThanOneToNAreInvalidQueryParameter) {
  for (const char* text :
       {"CacheClusterId=a&CacheNodeIdsToReboot.CacheNodeId.2=x",
        "CacheClusterId=a&CacheNodeIdsToReboot.CacheNodeId.0=x",
        "CacheClusterId=a&CacheNodeIdsToReboot.CacheNodeId.01=x",
        "CacheClusterId=a&CacheNodeIdsToReboot.CacheNodeId.x=x",
        "CacheClusterId=a&CacheNodeIdsToReboot.CacheNodeId.1=x&CacheNodeIdsToReboot.CacheNodeId.3="
        "y",
        "CacheClusterId=a&CacheNodeIdsToReboot.CacheNodeId.99999999999999999999999=x"})
    EXPECT_EQ(code_of("RebootCacheCluster", text), "InvalidQueryParameter") << text;
}

TEST(DecodeRequest, AParameterNoMemberHasIsInvalidQueryParameter) {
  for (const char* text :
       {"Foo=1", "CacheClusterId.x=1", "MaxRecords.member.1=20", "CacheClusterid=a"})
    EXPECT_EQ(code_of("DescribeCacheClusters", text), "InvalidQueryParameter") << text;
  // A value where a structure is, and items under the wrong name.
  EXPECT_EQ(code_of("CreateCacheCluster", "CacheClusterId=c&Tags.Tag.1=team"),
            "InvalidQueryParameter");
  EXPECT_EQ(code_of("CreateCacheCluster", "CacheClusterId=c&Tags.member.1.Key=team"),
            "InvalidQueryParameter");
  auto r = decode("DescribeCacheClusters", "Foo=1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "DescribeCacheClusters has no parameter Foo.");
}

TEST(DecodeRequest, ARequiredMemberMissingIsMissingParameter) {
  auto r = decode("RebootCacheCluster", "CacheClusterId=a");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "MissingParameter");
  EXPECT_EQ(r.error().message, "The request must contain the parameter CacheNodeIdsToReboot.");
  // Inside a list item too (a Filter needs its Values).
  EXPECT_EQ(code_of("DescribeUsers", "Filters.member.1.Name=user-id"), "MissingParameter");
}

TEST(DecodeRequest, WhatTheModelRefusesIsInvalidParameterValue) {
  EXPECT_EQ(code_of("DescribeEvents", "SourceType=galaxy"), "InvalidParameterValue");
  EXPECT_EQ(code_of("DescribeUsers", "Filters.member.1.Name=user-id&Filters.member.1.Values="),
            "InvalidParameterValue");  // at least one value
  EXPECT_EQ(code_of("DescribeCacheClusters", "CacheClusterId=%FF"), "InvalidParameterValue");
}

}  // namespace
}  // namespace cachectl::serve
