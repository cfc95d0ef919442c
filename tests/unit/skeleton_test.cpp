// cli/skeleton.h: --generate-cli-skeleton as botocore's ArgumentGenerator.
#include "cli/skeleton.h"

#include <gtest/gtest.h>

namespace cachectl::cli {
namespace {

TEST(InputSkeleton, HasEveryMemberWithAPlaceholderInTheModelsOrder) {
  nlohmann::ordered_json s = input_skeleton("CreateCacheCluster");
  EXPECT_EQ(s.begin().key(), "CacheClusterId");
  EXPECT_EQ(s["CacheClusterId"], "");
  EXPECT_EQ(s["NumCacheNodes"], 0);
  EXPECT_EQ(s["AutoMinorVersionUpgrade"], true);
  EXPECT_EQ(s["AZMode"], "single-az");  // the first allowed value
  EXPECT_EQ(s["SecurityGroupIds"], nlohmann::ordered_json::array({""}));
  EXPECT_EQ(s["Tags"], nlohmann::ordered_json::parse(R"([{"Key": "", "Value": ""}])"));
  EXPECT_EQ(input_skeleton("DescribeEvents")["StartTime"], "1970-01-01T00:00:00");
}

TEST(OutputSkeleton, NamesEachStringAfterItsMember) {
  nlohmann::ordered_json s = output_skeleton("DescribeCacheClusters");
  EXPECT_EQ(s["Marker"], "Marker");
  const auto& cluster = s["CacheClusters"][0];
  EXPECT_EQ(cluster["CacheClusterId"], "CacheClusterId");
  EXPECT_EQ(cluster["NumCacheNodes"], 0);
  EXPECT_EQ(cluster["CacheNodes"][0]["Endpoint"]["Address"], "Address");
  EXPECT_EQ(cluster["SecurityGroups"][0]["SecurityGroupId"], "SecurityGroupId");
}

TEST(Skeletons, EveryOperationHasThem) {
  for (const char* op :
       {"CreateCacheCluster", "DeleteCacheCluster", "DescribeEvents", "RebootCacheCluster",
        "ModifyReplicationGroup", "DescribeServerlessCaches"}) {
    EXPECT_TRUE(input_skeleton(op).is_object()) << op;
    EXPECT_TRUE(output_skeleton(op).is_object()) << op;
  }
}

}  // namespace
}  // namespace cachectl::cli
