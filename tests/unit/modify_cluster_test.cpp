// core/modify_cluster.h: ModifyCacheCluster's rules (all but the node list).
#include "core/modify_cluster.h"

#include <gtest/gtest.h>

namespace cachectl::core {
namespace {

using json = nlohmann::json;

CacheClusterRecord Cluster(std::string engine = "redis") {
  CacheClusterRecord c;
  c.id = "mod";
  c.engine = engine;
  c.engine_version = engine == "redis" ? "7.0.15" : "1.6.18";
  c.node_type = "cache.m5.large";
  c.maintenance_window = "sun:10:00-sun:11:00";
  if (engine == "redis") c.snapshot_window = "05:00-06:00";
  return c;
}

ModifyContext Installed(std::optional<std::int64_t> used = std::nullopt) {
  ModifyContext ctx;
  ctx.installed = {
      {"redis", "7.0.15"}, {"redis", "7.0.20"}, {"redis", "7.2.4"}, {"memcached", "1.6.18"}};
  ctx.used_memory = [used] { return used; };
  return ctx;
}

TEST(PlanModify, NodeTypeWaitsForTheWindowUnlessApplyImmediately) {
  auto later = plan_modify(Cluster(), {{"CacheNodeType", "cache.m5.xlarge"}}, Installed());
  ASSERT_TRUE(later) << later.error().message;
  EXPECT_EQ(later->record.node_type, "cache.m5.large");
  EXPECT_EQ(later->record.pending.cache_node_type, "cache.m5.xlarge");
  EXPECT_FALSE(later->restart);
  auto now = plan_modify(later->record, {{"ApplyImmediately", true}}, Installed());
  ASSERT_TRUE(now);
  EXPECT_EQ(now->record.node_type, "cache.m5.xlarge") << "pending changes go with it";
  EXPECT_TRUE(now->record.pending.empty());
  EXPECT_TRUE(now->restart);
}

TEST(PlanModify, InvalidNodeTypesAndShrinkingBelowTheData) {
  auto bad = plan_modify(Cluster(), {{"CacheNodeType", "cache.m5.huge"}}, Installed());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "InvalidParameterValue");
  auto full = plan_modify(Cluster(), {{"CacheNodeType", "cache.t3.micro"}},
                          Installed(std::int64_t{1} << 30));
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code, "InvalidParameterCombination");
  EXPECT_NE(full.error().message.find("does not fit"), std::string::npos);
  EXPECT_TRUE(plan_modify(Cluster(), {{"CacheNodeType", "cache.t3.micro"}},
                          Installed(std::int64_t{1} << 20)));
}

TEST(PlanModify, EngineVersionUpwardOnlyAndInstalled) {
  auto up =
      plan_modify(Cluster(), {{"EngineVersion", "7.2"}, {"ApplyImmediately", true}}, Installed());
  ASSERT_TRUE(up);
  EXPECT_EQ(up->record.engine_version, "7.2.4");
  auto missing = plan_modify(Cluster(), {{"EngineVersion", "7.4.0"}}, Installed());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "InvalidParameterValue");
  auto c = Cluster();
  c.engine_version = "7.0.20";
  auto down = plan_modify(c, {{"EngineVersion", "7.0.15"}}, Installed());
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code, "InvalidParameterCombination");
  EXPECT_NE(down.error().message.find("cannot be downgraded"), std::string::npos);
}

TEST(PlanModify, ImmediateMembersChangeAtOnce) {
  json req{{"PreferredMaintenanceWindow", "mon:01:00-mon:02:00"},
           {"SnapshotWindow", "03:00-04:00"},
           {"SnapshotRetentionLimit", 5},
           {"NotificationTopicArn", "arn:aws:sns:us-east-1:123456789012:t"},
           {"NotificationTopicStatus", "inactive"},
           {"SecurityGroupIds", {"sg-1234"}},
           {"AutoMinorVersionUpgrade", false}};
  auto p = plan_modify(Cluster(), req, Installed());
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->record.maintenance_window, "mon:01:00-mon:02:00");
  EXPECT_EQ(p->record.snapshot_window, "03:00-04:00");
  EXPECT_EQ(p->record.snapshot_retention_limit, 5);
  EXPECT_EQ(p->record.notification_topic_status, "inactive");
  EXPECT_EQ(p->record.security_group_ids, std::vector<std::string>{"sg-1234"});
  EXPECT_FALSE(p->record.auto_minor_version_upgrade);
  EXPECT_TRUE(p->record.pending.empty());
  EXPECT_FALSE(p->restart);
}

TEST(PlanModify, BadImmediateValuesAreRefused) {
  auto code = [](json req, std::string engine = "redis") {
    auto p = plan_modify(Cluster(engine), req, Installed());
    return p ? std::string("ok") : p.error().code;
  };
  EXPECT_EQ(code({{"SnapshotRetentionLimit", 36}}), "InvalidParameterValue");
  EXPECT_EQ(code({{"PreferredMaintenanceWindow", "sun:10:00-sun:10:30"}}), "InvalidParameterValue");
  EXPECT_EQ(code({{"SnapshotWindow", "10:00-11:00"}}), "InvalidParameterCombination")
      << "overlaps the maintenance window";
  EXPECT_EQ(code({{"NotificationTopicArn", "topic"}}), "InvalidParameterValue");
  EXPECT_EQ(code({{"NotificationTopicStatus", "active"}}), "InvalidParameterCombination");
  EXPECT_EQ(code({{"SecurityGroupIds", {"x-1"}}}), "InvalidParameterValue");
  EXPECT_EQ(code({{"SnapshotRetentionLimit", 1}}, "memcached"), "InvalidParameterCombination");
  EXPECT_EQ(code({{"CacheNodeType", "cache.t1.micro"}, {"SnapshotRetentionLimit", 1}}),
            "InvalidParameterCombination");
}

TEST(AllowedNodeTypes, BiggerAndSmallerByEngineMemory) {
  auto allowed = allowed_node_type_modifications(Cluster());
  auto has = [](const std::vector<std::string>& v, const char* t) {
    return std::find(v.begin(), v.end(), t) != v.end();
  };
  EXPECT_TRUE(has(allowed.scale_up, "cache.m5.xlarge"));
  EXPECT_TRUE(has(allowed.scale_down, "cache.t3.micro"));
  EXPECT_FALSE(has(allowed.scale_up, "cache.m5.large"));
  EXPECT_FALSE(has(allowed.scale_down, "cache.m5.large"));
}

}  // namespace
}  // namespace cachectl::core
