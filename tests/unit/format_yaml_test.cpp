// cli/format_yaml.h: --output yaml prints what aws-cli v2 prints, i.e.
// PyYAML's safe_dump(default_flow_style=False, allow_unicode=True); the
// expected texts are PyYAML 6.0's output for the same documents.
#include "cli/format_yaml.h"

#include <gtest/gtest.h>

#include <sstream>

namespace cachectl::cli {
namespace {

std::string Yaml(const char* json) {
  std::ostringstream out;
  format_yaml(nlohmann::ordered_json::parse(json), out);
  return out.str();
}

TEST(FormatYaml, BlockStyleKeysSortedSequencesUnderKeysNotIndented) {
  EXPECT_EQ(Yaml(R"({"CacheClusters": [{"CacheClusterId": "exampleredis",
                      "CacheClusterCreateTime": "2024-01-01T00:00:00.000Z", "NumCacheNodes": 1,
                      "AutoMinorVersionUpgrade": true,
                      "CacheNodes": [{"CacheNodeId": "0001", "Endpoint": {"Address": "127.0.0.1", "Port": 6379}}],
                      "SecurityGroups": [], "PendingModifiedValues": {}}]})"),
            R"(CacheClusters:
- AutoMinorVersionUpgrade: true
  CacheClusterCreateTime: '2024-01-01T00:00:00.000Z'
  CacheClusterId: exampleredis
  CacheNodes:
  - CacheNodeId: '0001'
    Endpoint:
      Address: 127.0.0.1
      Port: 6379
  NumCacheNodes: 1
  PendingModifiedValues: {}
  SecurityGroups: []
)");
}

TEST(FormatYaml, StringsAreQuotedExactlyWhenAReaderWouldTakeThemForSomethingElse) {
  EXPECT_EQ(
      Yaml(R"({"Values": ["yes", "no", "on", "1.5", "0x1F", "~", "null", "", "2024-01-01", " lead",
                                "trail ", "a: b", "- x", "#c", "x #y", "it's", "tab\tx", "new\nline", "café",
                                "日本", "plain text"]})"),
      "Values:\n- 'yes'\n- 'no'\n- 'on'\n- '1.5'\n- '0x1F'\n- '~'\n- 'null'\n- ''\n- '2024-01-01'\n"
      "- ' lead'\n- 'trail '\n- 'a: b'\n- '- x'\n- '#c'\n- 'x #y'\n- it's\n- \"tab\\tx\"\n"
      "- 'new\n\n  line'\n- café\n- 日本\n- plain text\n");
}

TEST(FormatYaml, LongLinesFoldAtSpacesNearEightyColumns) {
  EXPECT_EQ(
      Yaml(
          R"({"Message": "Recovering cache nodes 0001: redis-server (pid 12345) was killed by signal 9, restarting it now again and again"})"),
      "Message: 'Recovering cache nodes 0001: redis-server (pid 12345) was killed by signal\n"
      "  9, restarting it now again and again'\n");
}

TEST(FormatYaml, TopLevelScalarsEndTheDocumentExplicitly) {
  EXPECT_EQ(Yaml(R"("scalar")"), "scalar\n...\n");
  EXPECT_EQ(Yaml("42"), "42\n...\n");
  EXPECT_EQ(Yaml("null"), "null\n...\n");
  EXPECT_EQ(Yaml("[]"), "[]\n");
  EXPECT_EQ(Yaml("{}"), "{}\n");
}

TEST(FormatYaml, AStreamItemIsAOneItemList) {
  EXPECT_EQ(Yaml(R"([{"Events": [{"Message": "m"}], "Marker": "20"}])"),
            "- Events:\n  - Message: m\n  Marker: '20'\n");
}

}  // namespace
}  // namespace cachectl::cli
