// cli/format_text.h: --output text prints what aws-cli prints (the expected
// texts are aws-cli 1.45's awscli/text.py output for the same documents).
#include "cli/format_text.h"

#include <gtest/gtest.h>

#include <sstream>

namespace cachectl::cli {
namespace {

std::string Text(const char* json) {
  std::ostringstream out;
  format_text(nlohmann::ordered_json::parse(json), out);
  return out.str();
}

TEST(FormatText, AScalarPrintsAloneSoShellsCanCaptureIt) {
  EXPECT_EQ(Text(R"("127.0.0.1")"), "127.0.0.1\n");
  EXPECT_EQ(Text("6379"), "6379\n");
  EXPECT_EQ(Text("true"), "True\n");
  EXPECT_EQ(Text("null"), "None\n");
}

TEST(FormatText, ListsOfScalarsAreOneLineAtTheTopAndOneLinePerItemUnderAKey) {
  EXPECT_EQ(Text(R"(["a", "b", 3])"), "a\tb\t3\n");
  EXPECT_EQ(Text(R"({"Ids": ["a", "b"]})"), "IDS\ta\nIDS\tb\n");
  EXPECT_EQ(Text(R"({"Nested": [["x", "y"], ["z"]]})"), "NESTED\tx\nNESTED\ty\nNESTED\tz\n");
  EXPECT_EQ(Text("[]"), "");
}

TEST(FormatText, RecordsShareOneColumnOrderAndNestedStructuresFollowUnderTheirKey) {
  const char* doc = R"({"CacheClusters": [
      {"CacheClusterId": "a", "Engine": "redis", "NumCacheNodes": 1, "AutoMinorVersionUpgrade": true,
       "CacheNodes": [{"CacheNodeId": "0001", "Endpoint": {"Address": "127.0.0.1", "Port": 6379}}]},
      {"CacheClusterId": "b", "Engine": "memcached", "NumCacheNodes": 2, "SecurityGroups": []}]})";
  EXPECT_EQ(Text(doc),
            "CACHECLUSTERS\tTrue\ta\tredis\t1\n"
            "CACHENODES\t0001\n"
            "ENDPOINT\t127.0.0.1\t6379\n"
            "CACHECLUSTERS\t\tb\tmemcached\t2\n");
}

TEST(FormatText, TopLevelScalarsComeFirstWithoutAPrefix) {
  EXPECT_EQ(Text(R"({"Events": [{"SourceIdentifier": "x", "Message": "Cache cluster created",
                                 "Date": "2024-01-01T00:00:00.000Z"}], "Marker": null})"),
            "None\nEVENTS\t2024-01-01T00:00:00.000Z\tCache cluster created\tx\n");
}

TEST(FormatText, NonAsciiKeysAreUpperCasedAsPythonDoes) {
  EXPECT_EQ(Text(R"({"café": ["x"]})"), "CAFÉ\tx\n");
}

TEST(ScalarText, IsPythonsStr) {
  using nlohmann::ordered_json;
  EXPECT_EQ(scalar_text(ordered_json("s")), "s");
  EXPECT_EQ(scalar_text(ordered_json(false)), "False");
  EXPECT_EQ(scalar_text(ordered_json(nullptr)), "None");
  EXPECT_EQ(scalar_text(ordered_json(1.5)), "1.5");
  EXPECT_EQ(scalar_text(ordered_json(3.0)), "3.0");
  EXPECT_EQ(scalar_text(ordered_json(1e-05)), "1e-05");
  EXPECT_EQ(scalar_text(ordered_json(-7)), "-7");
}

}  // namespace
}  // namespace cachectl::cli
