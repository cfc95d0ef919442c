// cli/format_table.h: --output table draws what aws-cli draws (the expected
// tables are aws-cli 1.45's TableFormatter output, colour off, 80 columns).
#include "cli/format_table.h"

#include <gtest/gtest.h>

#include <sstream>

namespace cachectl::cli {
namespace {

std::string Table(const char* json, std::size_t width = 80, bool color = false) {
  std::ostringstream out;
  format_table("Op", nlohmann::ordered_json::parse(json), TableStyle{width, color}, out);
  return out.str();
}

TEST(FormatTable, AStructureIsASectionWithItsScalarsAsColumns) {
  EXPECT_EQ(
      Table(
          R"({"CacheCluster": {"NumCacheNodes": 1, "CacheClusterId": "exampleredis", "Engine": "redis"}})"),
      R"(-------------------------------------------------
|                      Op                       |
+-----------------------------------------------+
||                CacheCluster                 ||
|+-----------------+---------+-----------------+|
|| CacheClusterId  | Engine  |  NumCacheNodes  ||
|+-----------------+---------+-----------------+|
||  exampleredis   |  redis  |  1              ||
|+-----------------+---------+-----------------+|
)");
}

TEST(FormatTable, NestedStructuresAreIndentedSectionsAndElementsWithThemRepeatTheTitle) {
  EXPECT_EQ(Table(R"({"CacheClusters": [
                       {"CacheClusterId": "a", "NumCacheNodes": 1, "Endpoint": {"Address": "127.0.0.1", "Port": 6379}},
                       {"CacheClusterId": "b", "NumCacheNodes": 2}]})"),
            R"(---------------------------------------
|                 Op                  |
+-------------------------------------+
||           CacheClusters           ||
|+-----------------+-----------------+|
|| CacheClusterId  |  NumCacheNodes  ||
|+-----------------+-----------------+|
||  a              |  1              ||
|+-----------------+-----------------+|
|||            Endpoint             |||
||+--------------------+------------+||
|||       Address      |   Port     |||
||+--------------------+------------+||
|||  127.0.0.1         |  6379      |||
||+--------------------+------------+||
||           CacheClusters           ||
|+-----------------+-----------------+|
|| CacheClusterId  |  NumCacheNodes  ||
|+-----------------+-----------------+|
||  b              |  2              ||
|+-----------------+-----------------+|
)");
}

TEST(FormatTable, TooWideForTheTerminalTurnsSingleRowsIntoKeyValueRows) {
  EXPECT_EQ(
      Table(
          R"({"CacheCluster": {"CacheClusterId": "a-cluster-with-a-rather-long-name-to-push-the-width",
                       "Engine": "redis", "ARN": "arn:aws:elasticache:us-east-1:000000000000:cluster:a-cluster"}})"),
      R"(--------------------------------------------------------------------------------------
|                                         Op                                         |
+------------------------------------------------------------------------------------+
||                                   CacheCluster                                   ||
|+----------------+-----------------------------------------------------------------+|
||  ARN           |  arn:aws:elasticache:us-east-1:000000000000:cluster:a-cluster   ||
||  CacheClusterId|  a-cluster-with-a-rather-long-name-to-push-the-width            ||
||  Engine        |  redis                                                          ||
|+----------------+-----------------------------------------------------------------+|
)");
}

TEST(FormatTable, ScalarsListsAndSinglePairs) {
  EXPECT_EQ(Table(R"(["a", "b"])"), "-------\n| Op  |\n+-----+\n|  a  |\n|  b  |\n+-----+\n");
  EXPECT_EQ(Table(R"({"Id": "x"})"),
            "-------------\n|    Op     |\n+-----+-----+\n|  Id |  x  |\n+-----+-----+\n");
  // aws-cli draws only the title for a scalar, and for a structure whose
  // only member is an empty list.
  EXPECT_EQ(Table(R"("scalar")"), "----\n|Op|\n+--+\n");
  EXPECT_EQ(Table(R"({"Events": []})"), "----\n|Op|\n+--+\n");
}

TEST(FormatTable, NothingAtAllForEmptyOrFalseDocuments) {
  for (const char* doc : {"{}", "[]", "null", "false", "0", "\"\""})
    EXPECT_EQ(Table(doc), "") << doc;
}

TEST(FormatTable, WideCharactersCountTwoColumns) {
  EXPECT_EQ(Table(R"({"Tags": [{"Key": "日本", "Value": "v"}]})"),
            R"(---------------------
|        Op         |
+-------------------+
||      Tags       ||
|+-------+---------+|
||  Key  |  Value  ||
|+-------+---------+|
||  日本 |  v      ||
|+-------+---------+|
)");
}

TEST(FormatTable, ColourMarksValuesAndNestingBarsLikeAwsCli) {
  std::string t = Table(R"({"A": {"Id": "x"}})", 80, true);
  EXPECT_NE(t.find("\x1b[1m\x1b[34mx\x1b[0m"), std::string::npos) << t;
  EXPECT_NE(t.find("\x1b[2m\x1b[33m|\x1b[0m"), std::string::npos) << t;
}

}  // namespace
}  // namespace cachectl::cli
