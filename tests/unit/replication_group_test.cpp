// core/create_replication_group.h and core/replication_group.h: the
// planning rules of CreateReplicationGroup, the record's TOML, and the
// pure parts of the daemons' replication code.
#include <gtest/gtest.h>

#include <chrono>

#include "core/create_replication_group.h"
#include "core/replication_group_view.h"
#include "node/group_daemon.h"
#include "node/replication_role.h"

namespace cachectl::core {
namespace {

using json = nlohmann::json;
using namespace std::chrono;

class PlanNewGroup : public ::testing::Test {
 protected:
  const TimePoint now_ = TimePoint(sys_days{2026y / December / 2} + hours{6});
  const ServiceContext context_{{{"redis", "7.0.15"}},
                                now_,
                                "us-east-1",
                                [](const std::string&) { return false; },
                                nullptr,
                                nullptr};

  static json Request(int members) {
    return {{"ReplicationGroupId", "MyGroup"},
            {"ReplicationGroupDescription", "d"},
            {"CacheNodeType", "cache.t3.micro"},
            {"NumCacheClusters", members}};
  }
  std::string ErrorOf(const json& req,
                      const std::optional<CacheClusterRecord>& existing = std::nullopt) const {
    auto r = plan_new_replication_group(req, context_, existing);
    return r.ok() ? "" : r.error().code;
  }
};

TEST_F(PlanNewGroup, MembersAreNamedAfterTheGroupPrimaryFirst) {
  auto r = plan_new_replication_group(Request(3), context_, std::nullopt);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->group.id, "mygroup");
  EXPECT_EQ(r->group.members,
            (std::vector<std::string>{"mygroup-001", "mygroup-002", "mygroup-003"}));
  EXPECT_EQ(r->group.primary, "mygroup-001");
  ASSERT_EQ(r->members.size(), 3u);
  for (const auto& m : r->members) {
    EXPECT_EQ(m.replication_group_id, "mygroup");
    EXPECT_EQ(m.num_cache_nodes, 1);
    EXPECT_EQ(m.node_type, "cache.t3.micro");
  }
  EXPECT_EQ(r->group.port, 6379);
}

TEST_F(PlanNewGroup, ReplicasPerNodeGroupCountsReplicasOnly) {
  json req = Request(1);
  req.erase("NumCacheClusters");
  req["ReplicasPerNodeGroup"] = 0;
  auto r = plan_new_replication_group(req, context_, std::nullopt);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->members.size(), 1u);  // no replica made when none was asked for
  req["ReplicasPerNodeGroup"] = 2;
  EXPECT_EQ(plan_new_replication_group(req, context_, std::nullopt)->members.size(), 3u);
  req["NumCacheClusters"] = 2;
  EXPECT_EQ(ErrorOf(req), "InvalidParameterCombination");
}

TEST_F(PlanNewGroup, RefusesWhatElastiCacheRefuses) {
  EXPECT_EQ(ErrorOf(Request(7)), "InvalidParameterValue");
  EXPECT_EQ(ErrorOf(Request(0)), "InvalidParameterValue");
  json multi_az = Request(2);
  multi_az["MultiAZEnabled"] = true;
  EXPECT_EQ(ErrorOf(multi_az), "InvalidParameterCombination");
  json single = Request(1);
  single["AutomaticFailoverEnabled"] = true;
  EXPECT_EQ(ErrorOf(single), "InvalidParameterCombination");
  json sharded = Request(2);
  sharded["NumNodeGroups"] = 2;
  EXPECT_EQ(ErrorOf(sharded), "InvalidParameterValue");
  json memcached = Request(2);
  memcached["Engine"] = "memcached";
  EXPECT_EQ(ErrorOf(memcached), "InvalidParameterValue");
  json no_description = Request(2);
  no_description.erase("ReplicationGroupDescription");
  EXPECT_EQ(ErrorOf(no_description), "InvalidParameterValue");
  json zones = Request(2);
  zones["PreferredCacheClusterAZs"] = {"us-east-1a"};
  EXPECT_EQ(ErrorOf(zones), "InvalidParameterValue");
  json nothing = Request(2);
  nothing.erase("NumCacheClusters");
  EXPECT_EQ(ErrorOf(nothing), "InvalidParameterValue");
}

TEST_F(PlanNewGroup, BackupsComeFromAReplica) {
  json req = Request(3);
  req["SnapshotRetentionLimit"] = 5;
  auto r = plan_new_replication_group(req, context_, std::nullopt);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->group.snapshotting_cluster, "mygroup-002");
  for (const auto& m : r->members)
    EXPECT_EQ(m.snapshot_retention_limit, m.id == "mygroup-002" ? 5 : 0) << m.id;
}

TEST_F(PlanNewGroup, AroundAnExistingClusterItStaysPrimaryAndNewReplicasTakeAfterIt) {
  CacheClusterRecord solo;
  solo.id = "solo";
  solo.engine = "redis";
  solo.engine_version = "7.0.15";
  solo.node_type = "cache.m5.large";
  solo.parameter_group = "default.redis7";
  solo.port = 6380;
  json req = Request(2);
  req["PrimaryClusterId"] = "solo";
  auto r = plan_new_replication_group(req, context_, solo);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->group.members, (std::vector<std::string>{"solo", "mygroup-002"}));
  EXPECT_EQ(r->group.primary, "solo");
  ASSERT_EQ(r->members.size(), 1u);
  EXPECT_EQ(r->members[0].node_type, "cache.m5.large");
  EXPECT_EQ(r->members[0].port, 6380);
  solo.replication_group_id = "other";
  EXPECT_EQ(ErrorOf(req, solo), "InvalidParameterValue");
  EXPECT_EQ(ErrorOf(req), "CacheClusterNotFound");
}

TEST(ReplicationGroupRecord, SurvivesTomlAndRefusesABrokenFile) {
  ReplicationGroupRecord g;
  g.id = "rg";
  g.description = "a \"quoted\" description";
  g.members = {"rg-001", "rg-002"};
  g.primary = "rg-002";
  g.automatic_failover = true;
  g.primary_address = "127.20.0.9";
  g.reader_address = "127.20.0.10";
  g.node_type = "cache.t3.micro";
  g.engine_version = "7.0.15";
  g.parameter_group = "default.redis7";
  g.intent = {"add", 42, {}, {"rg-002"}, false};
  auto back = replication_group_from_toml(to_toml(g), "rg.toml");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->description, g.description);
  EXPECT_EQ(back->members, g.members);
  EXPECT_EQ(back->primary, "rg-002");
  EXPECT_TRUE(back->automatic_failover);
  EXPECT_EQ(back->intent.operation, "add");
  EXPECT_EQ(back->intent.members, std::vector<std::string>{"rg-002"});

  std::string text = to_toml(g);
  auto broken = [&](std::string from, std::string to) {
    std::string t = text;
    t.replace(t.find(from), from.size(), to);
    auto r = replication_group_from_toml(t, "rg.toml");
    EXPECT_FALSE(r.ok()) << to;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, kRegistryFileInvalid);
      EXPECT_NE(r.error().message.find("rg.toml"), std::string::npos);
    }
  };
  broken("primary = 'rg-002'", "primary = 'rg-009'");
  broken("'127.20.0.9'", "'10.0.0.1'");
  broken("operation = 'add'", "operation = 'explode'");
  broken("'rg-001', 'rg-002'", "'rg-001', 'rg-001'");
}

TEST(ReplicationGroupView, AvailableOnlyWithOnePrimaryAndEveryReplicaLinked) {
  ReplicationGroupRecord g;
  g.id = "rg";
  g.members = {"rg-001", "rg-002"};
  g.primary = "rg-001";
  std::vector<MemberState> m = {
      {"rg-001", "127.0.0.2", 6379, "us-east-1a", "available", "primary", false},
      {"rg-002", "127.0.0.3", 6379, "us-east-1a", "available", "replica", true}};
  EXPECT_EQ(replication_group_status(g, m), "available");
  m[1].link_up = false;
  EXPECT_EQ(replication_group_status(g, m), "modifying");
  m[1].link_up = true;
  m[1].role = "primary";
  EXPECT_EQ(replication_group_status(g, m), "modifying");
  m[1].role = "replica";
  m[0].status = "failed";
  EXPECT_EQ(replication_group_status(g, m), "modifying");
  m[0].status = "creating";
  EXPECT_EQ(replication_group_status(g, m), "creating");
  g.lifecycle = Lifecycle::kDeleting;
  EXPECT_EQ(replication_group_status(g, m), "deleting");
  json j = replication_group_json(g, m, "available", "us-east-1");
  EXPECT_EQ(j["ARN"], "arn:aws:elasticache:us-east-1:000000000000:replicationgroup:rg");
  EXPECT_EQ(j["NodeGroups"][0]["NodeGroupMembers"][0]["CurrentRole"], "primary");
  EXPECT_EQ(j["ClusterEnabled"], false);
  EXPECT_FALSE(j.contains("ConfigurationEndpoint"));
}

TEST(ReplicationRole, ReadsRoleLinkAndOffsetFromInfo) {
  admin::ReplicationStatus s;
  node::parse_replication_info(
      "# Replication\r\nrole:slave\r\nmaster_host:127.20.0.1\r\nmaster_port:6379\r\n"
      "master_link_status:up\r\nslave_repl_offset:1234\r\n",
      s);
  EXPECT_EQ(s.role, "replica");
  EXPECT_TRUE(s.link_up);
  EXPECT_EQ(s.upstream, "127.20.0.1");
  EXPECT_EQ(s.offset, 1234);
  node::parse_replication_info("# Replication\r\nrole:master\r\nmaster_repl_offset:99\r\n", s);
  EXPECT_EQ(s.role, "primary");
  EXPECT_FALSE(s.link_up);
  EXPECT_EQ(s.offset, 99);
}

TEST(ReplicationRole, ThePrimaryHoldsThePrimaryEndpointAndReplicasTheReaderEndpoint) {
  using node::member_bind_list;
  EXPECT_EQ(member_bind_list("127.0.0.3", "primary", "127.0.0.1", "127.0.0.2", 2),
            "127.0.0.3 127.0.0.1");
  EXPECT_EQ(member_bind_list("127.0.0.3", "primary", "127.0.0.1", "127.0.0.2", 0),
            "127.0.0.3 127.0.0.1 127.0.0.2")
      << "with no replica the primary serves the ReaderEndpoint too";
  EXPECT_EQ(member_bind_list("127.0.0.4", "replica", "127.0.0.1", "127.0.0.2", 2),
            "127.0.0.4 127.0.0.2");
  EXPECT_EQ(member_bind_list("127.0.0.4", "", "127.0.0.1", "127.0.0.2", 2), "127.0.0.4");
}

TEST(GroupDaemon, ReadsSentinelsArrayAndWritesItsConfiguration) {
  EXPECT_EQ(node::resp_array_strings("*2\r\n$10\r\n127.20.0.3\r\n$4\r\n6379"),
            (std::vector<std::string>{"127.20.0.3", "6379"}));
  EXPECT_TRUE(node::resp_array_strings("*-1").empty());
  EXPECT_TRUE(node::resp_array_strings("-ERR no such master").empty());
  std::string conf = node::sentinel_conf("rg", "127.20.0.10", "127.20.0.1", 6379,
                                         "0123456789abcdef0123456789abcdef", "", "/tmp/x");
  EXPECT_NE(conf.find("sentinel monitor rg 127.20.0.1 6379 1\n"), std::string::npos);
  EXPECT_NE(conf.find("sentinel rename-command rg REPLICAOF REPLICAOF-0123456789abcdef"),
            std::string::npos);
  EXPECT_NE(conf.find("sentinel rename-command rg CONFIG CONFIG-"), std::string::npos);
  EXPECT_NE(conf.find("bind 127.20.0.10\n"), std::string::npos);
}

}  // namespace
}  // namespace cachectl::core
