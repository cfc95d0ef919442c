// core/identifiers.h: what a cache cluster id may be, and the names derived
// from region and id.
#include "core/identifiers.h"

#include <gtest/gtest.h>

#include <string>

namespace cachectl::core {
namespace {

void ExpectRejected(std::string_view id) {
  auto r = normalize_cluster_id(id);
  ASSERT_FALSE(r.ok()) << "accepted '" << id << "'";
  EXPECT_EQ(r.error().code, "InvalidParameterValue") << id;
  EXPECT_NE(r.error().message.find("CacheClusterId"), std::string::npos) << r.error().message;
}

TEST(ClusterId, LettersDigitsAndSingleHyphensAreAccepted) {
  for (std::string_view id : {"a", "exampleredis", "my-cluster-1", "a1b2c3", "x-0-y"}) {
    auto r = normalize_cluster_id(id);
    ASSERT_TRUE(r.ok()) << id << ": " << r.error().message;
    EXPECT_EQ(*r, id);
  }
}

TEST(ClusterId, ResultIsLowerCased) {
  auto r = normalize_cluster_id("My-Redis-CLUSTER");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "my-redis-cluster");
}

TEST(ClusterId, FiftyCharactersIsTheMaximum) {
  std::string fifty(50, 'a');
  auto ok = normalize_cluster_id(fifty);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, fifty);
  ExpectRejected(std::string(51, 'a'));
}

TEST(ClusterId, EmptyIsRejected) { ExpectRejected(""); }

TEST(ClusterId, MustBeginWithALetter) {
  ExpectRejected("1cluster");
  ExpectRejected("-cluster");
}

TEST(ClusterId, OnlyLettersDigitsAndHyphens) {
  for (std::string_view id : {"my_cluster", "my.cluster", "my cluster", "my/cluster", "café"}) {
    ExpectRejected(id);
  }
}

TEST(ClusterId, TrailingHyphenIsRejected) { ExpectRejected("cluster-"); }

TEST(ClusterId, DoubleHyphenIsRejected) { ExpectRejected("my--cluster"); }

TEST(ClusterId, ErrorNamesTheParameterGiven) {
  auto r = normalize_cluster_id("1x", "TargetCacheClusterId");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("TargetCacheClusterId"), std::string::npos);
}

TEST(Names, SnapshotNamesMayBeLongerThanClusterIds) {
  std::string long_name(200, 'b');
  EXPECT_TRUE(normalize_name(long_name, "SnapshotName", 255).ok());
  EXPECT_FALSE(normalize_name(std::string(256, 'b'), "SnapshotName", 255).ok());
}

TEST(ClusterArn, IsRegionAccountAndId) {
  EXPECT_EQ(cluster_arn("us-east-1", "exampleredis"),
            "arn:aws:elasticache:us-east-1:000000000000:cluster:exampleredis");
  EXPECT_EQ(cluster_arn("eu-west-2", "c"), "arn:aws:elasticache:eu-west-2:000000000000:cluster:c");
}

TEST(AvailabilityZones, AreTheRegionWithSuffixesAToC) {
  EXPECT_EQ(availability_zones("us-east-1"),
            (std::vector<std::string>{"us-east-1a", "us-east-1b", "us-east-1c"}));
  EXPECT_EQ(availability_zones("ap-south-1").front(), "ap-south-1a");
}

}  // namespace
}  // namespace cachectl::core
