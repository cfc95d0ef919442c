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
                                nullptr,
                                nullptr,
                                false,
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
  // Cluster mode counts NumNodeGroups and ReplicasPerNodeGroup, not
  // NumCacheClusters.
  json sharded = Request(2);
  sharded["NumNodeGroups"] = 2;
  EXPECT_EQ(ErrorOf(sharded), "InvalidParameterCombination");
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

// A group record with what every record must have.
ReplicationGroupRecord GroupRecord(const std::string& id, std::vector<std::string> members,
                                   const std::string& primary) {
  ReplicationGroupRecord g;
  g.id = id;
  g.members = std::move(members);
  g.primary = primary;
  g.automatic_failover = true;
  g.node_type = "cache.t3.micro";
  g.engine_version = "7.0.15";
  g.parameter_group = "default.redis7";
  return g;
}

// A record's text with `from` replaced by `to` is refused, naming the file.
void ExpectRefused(const std::string& text, const std::string& from, const std::string& to,
                   const std::string& origin) {
  std::string t = text;
  ASSERT_NE(t.find(from), std::string::npos) << from;
  t.replace(t.find(from), from.size(), to);
  auto r = replication_group_from_toml(t, origin);
  EXPECT_FALSE(r.ok()) << to;
  if (!r.ok()) {
    EXPECT_EQ(r.error().code, kRegistryFileInvalid);
    EXPECT_NE(r.error().message.find(origin), std::string::npos);
  }
}

TEST(ReplicationGroupRecord, SurvivesTomlAndRefusesABrokenFile) {
  ReplicationGroupRecord g = GroupRecord("rg", {"rg-001", "rg-002"}, "rg-002");
  g.description = "a \"quoted\" description";
  g.primary_address = "127.20.0.9";
  g.reader_address = "127.20.0.10";
  g.intent = {"add", 42, {}, {"rg-002"}, false, {}};
  auto back = replication_group_from_toml(to_toml(g), "rg.toml");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->description, g.description);
  EXPECT_EQ(back->members, g.members);
  EXPECT_EQ(back->primary, "rg-002");
  EXPECT_TRUE(back->automatic_failover);
  EXPECT_EQ(back->intent.operation, "add");
  EXPECT_EQ(back->intent.members, std::vector<std::string>{"rg-002"});

  std::string text = to_toml(g);
  auto broken = [&](std::string from, std::string to) { ExpectRefused(text, from, to, "rg.toml"); };
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
                                         "0123456789abcdef0123456789abcdef", "/tmp/x");
  EXPECT_NE(conf.find("sentinel monitor rg 127.20.0.1 6379 1\n"), std::string::npos);
  EXPECT_NE(conf.find("sentinel rename-command rg REPLICAOF REPLICAOF-0123456789abcdef"),
            std::string::npos);
  EXPECT_NE(conf.find("sentinel rename-command rg CONFIG CONFIG-"), std::string::npos);
  EXPECT_NE(conf.find("bind 127.20.0.10\n"), std::string::npos);
}

// Cluster mode.

class PlanClusterMode : public PlanNewGroup {
 protected:
  const ServiceContext cluster_context_{
      {{"redis", "7.0.15"}},
      now_,
      "us-east-1",
      [](const std::string& name) { return name == "snap"; },
      [](const std::string& name) -> Result<std::string> {
        if (name == "default.redis7" || name == "default.redis7.cluster.on" || name == "mine")
          return std::string("redis7");
        return ApiError{"CacheParameterGroupNotFound", name};
      },
      [](const std::string& name) { return name == "default.redis7.cluster.on"; },
      [](const std::string& name) { return name == "snap"; },
      false,
      nullptr,
      {}};
  static json Sharded(int groups, int replicas) {
    return {{"ReplicationGroupId", "Shop"},
            {"ReplicationGroupDescription", "d"},
            {"CacheNodeType", "cache.t3.micro"},
            {"NumNodeGroups", groups},
            {"ReplicasPerNodeGroup", replicas}};
  }
  std::string ClusterErrorOf(const json& req) const {
    auto r = plan_new_replication_group(req, cluster_context_, std::nullopt);
    return r.ok() ? "" : r.error().code;
  }
};

TEST_F(PlanClusterMode, NodeGroupsSplitTheSlotsAndNameTheirMembers) {
  auto r = plan_new_replication_group(Sharded(3, 1), cluster_context_, std::nullopt);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& g = r->group;
  EXPECT_TRUE(g.cluster_enabled);
  EXPECT_EQ(g.cluster_mode, "enabled");
  EXPECT_TRUE(g.automatic_failover);
  EXPECT_EQ(g.parameter_group, "default.redis7.cluster.on");
  ASSERT_EQ(g.node_groups.size(), 3u);
  EXPECT_EQ(g.node_groups[1].id, "0002");
  EXPECT_EQ(format_slots(g.node_groups[1].slots), "5462-10922");
  EXPECT_EQ(g.node_groups[1].members, (std::vector<std::string>{"shop-0002-001", "shop-0002-002"}));
  EXPECT_EQ(g.node_groups[1].primary, "shop-0002-001");
  EXPECT_EQ(g.members.size(), 6u);
  ASSERT_EQ(r->members.size(), 6u);
  for (const auto& m : r->members) {
    EXPECT_EQ(m.replication_group_id, "shop");
    EXPECT_EQ(m.parameter_group, "default.redis7.cluster.on");
  }
  EXPECT_FALSE(g.seeding);
}

TEST_F(PlanClusterMode, NodeGroupConfigurationGivesSlotsAndReplicasPerGroup) {
  json req = Sharded(2, 0);
  req.erase("ReplicasPerNodeGroup");
  req["NodeGroupConfiguration"] = {{{"NodeGroupId", "7"}, {"Slots", "0-99"}, {"ReplicaCount", 2}},
                                   {{"Slots", "100-16383"}, {"ReplicaCount", 0}}};
  auto r = plan_new_replication_group(req, cluster_context_, std::nullopt);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->group.node_groups.size(), 2u);
  EXPECT_EQ(r->group.node_groups[0].id, "0007");
  EXPECT_EQ(r->group.node_groups[0].members.size(), 3u);
  EXPECT_EQ(r->group.node_groups[1].id, "0002");
  EXPECT_EQ(format_slots(r->group.node_groups[1].slots), "100-16383");
  // Slots that overlap or leave a gap are refused.
  req["NodeGroupConfiguration"][1]["Slots"] = "99-16383";
  EXPECT_EQ(ClusterErrorOf(req), "InvalidParameterValue");
  req["NodeGroupConfiguration"][1]["Slots"] = "101-16383";
  EXPECT_EQ(ClusterErrorOf(req), "InvalidParameterValue");
  req["NodeGroupConfiguration"][1].erase("Slots");
  EXPECT_EQ(ClusterErrorOf(req), "InvalidParameterCombination");
}

TEST_F(PlanClusterMode, ARestoreLoadsTheSnapshotIntoTheGroupNotEachMember) {
  json req = Sharded(2, 1);
  req["SnapshotName"] = "snap";
  auto r = plan_new_replication_group(req, cluster_context_, std::nullopt);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->group.seeding);
  EXPECT_EQ(r->seed_snapshot, "snap");
  for (const auto& m : r->members) EXPECT_TRUE(m.snapshot_name.empty());
  req["SnapshotName"] = "other";
  EXPECT_EQ(ClusterErrorOf(req), "SnapshotNotFoundFault");
  req.erase("SnapshotName");
  req["SnapshotArns"] = {"https://example.com/x.rdb"};
  EXPECT_EQ(ClusterErrorOf(req), "InvalidParameterValue");
}

TEST_F(PlanClusterMode, RefusesWhatElastiCacheRefuses) {
  EXPECT_EQ(ClusterErrorOf(Sharded(91, 0)), "InvalidParameterValue");
  EXPECT_EQ(ClusterErrorOf(Sharded(2, 6)), "InvalidParameterValue");
  json disabled = Sharded(2, 0);
  disabled["ClusterMode"] = "disabled";
  EXPECT_EQ(ClusterErrorOf(disabled), "InvalidParameterCombination");
  json off_group = Sharded(2, 0);
  off_group["CacheParameterGroupName"] = "mine";
  EXPECT_EQ(ClusterErrorOf(off_group), "InvalidParameterCombination");
  json no_failover = Sharded(2, 0);
  no_failover["AutomaticFailoverEnabled"] = false;
  EXPECT_EQ(ClusterErrorOf(no_failover), "InvalidParameterCombination");
  json backups = Sharded(2, 0);
  backups["SnapshotRetentionLimit"] = 3;
  EXPECT_EQ(ClusterErrorOf(backups), "InvalidParameterValue");
  json high_port = Sharded(2, 0);
  high_port["Port"] = 60000;
  EXPECT_EQ(ClusterErrorOf(high_port), "InvalidParameterValue");
  // A parameter group with cluster-enabled yes alone means cluster mode.
  json one = Sharded(1, 0);
  one["CacheParameterGroupName"] = "default.redis7.cluster.on";
  auto r = plan_new_replication_group(one, cluster_context_, std::nullopt);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->group.cluster_enabled);
  // ... and a single cluster cannot use it.
  json cluster = {{"CacheClusterId", "c"},
                  {"CacheNodeType", "cache.t3.micro"},
                  {"CacheParameterGroupName", "default.redis7.cluster.on"}};
  EXPECT_FALSE(plan_new_cluster(cluster, cluster_context_).ok());
  json restore = {
      {"CacheClusterId", "c"}, {"CacheNodeType", "cache.t3.micro"}, {"SnapshotName", "snap"}};
  auto refused = plan_new_cluster(restore, cluster_context_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "InvalidParameterCombination");
}

ReplicationGroupRecord ClusterRecord() {
  ReplicationGroupRecord g =
      GroupRecord("cg", {"cg-0001-001", "cg-0001-002", "cg-0002-001"}, "cg-0001-001");
  g.cluster_enabled = true;
  g.cluster_mode = "enabled";
  g.configuration_address = "127.20.0.11";
  g.parameter_group = "default.redis7.cluster.on";
  g.layout_version = 4;
  g.formed = true;
  auto split = even_split(2);
  g.node_groups = {{"0001", split[0], {"cg-0001-001", "cg-0001-002"}, "cg-0001-002"},
                   {"0002", split[1], {"cg-0002-001"}, "cg-0002-001"}};
  return g;
}

TEST(ReplicationGroupRecord, ClusterModeSurvivesTomlAndRefusesABrokenLayout) {
  ReplicationGroupRecord g = ClusterRecord();
  g.intent = {"reshard", 42, {}, {"cg-0002-001"}, false, {"0002"}};
  auto back = replication_group_from_toml(to_toml(g), "cg.toml");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_TRUE(back->cluster_enabled);
  EXPECT_EQ(back->configuration_address, "127.20.0.11");
  EXPECT_EQ(back->layout_version, 4);
  EXPECT_TRUE(back->formed);
  ASSERT_EQ(back->node_groups.size(), 2u);
  EXPECT_EQ(format_slots(back->node_groups[1].slots), "8192-16383");
  EXPECT_EQ(back->node_groups[0].primary, "cg-0001-002");
  EXPECT_EQ(back->intent.node_groups, std::vector<std::string>{"0002"});
  EXPECT_EQ(back->daemon_address(), "127.20.0.11");
  EXPECT_EQ(back->node_group_of("cg-0002-001")->id, "0002");

  std::string text = to_toml(g);
  auto broken = [&](std::string from, std::string to) { ExpectRefused(text, from, to, "cg.toml"); };
  broken("slots = '8192-16383'", "slots = '8000-16383'");  // a slot in two node groups
  broken("slots = '8192-16383'", "slots = 'x'");
  broken("members = [ 'cg-0002-001' ]\nnode_group_id",
         "members = [ 'cg-0009-001' ]\nnode_group_id");
  broken("primary = 'cg-0001-002'", "primary = 'cg-0002-001'");
  broken("node_group_id = '0002'", "node_group_id = '2'");
  broken("'127.20.0.11'", "'10.0.0.1'");
}

TEST(ReplicationGroupView, ClusterModeIsAvailableOnlyWhenTheManagerReportsTheLayout) {
  ReplicationGroupRecord g = ClusterRecord();
  std::vector<MemberState> m = {
      {"cg-0001-001", "127.0.0.2", 6379, "us-east-1a", "available", "replica", true},
      {"cg-0001-002", "127.0.0.3", 6379, "us-east-1a", "available", "primary", false},
      {"cg-0002-001", "127.0.0.4", 6379, "us-east-1a", "available", "primary", false}};
  admin::ClusterReport report;
  report.layout_version = 4;
  report.converged = true;
  report.healthy = true;
  report.shards = {{"0001", "0-8191", "cg-0001-002", {"cg-0001-001"}},
                   {"0002", "8192-16383", "cg-0002-001", {}}};
  EXPECT_EQ(replication_group_status(g, m, report), "available");
  EXPECT_EQ(replication_group_status(g, m, std::nullopt), "modifying");
  auto stale = report;
  stale.layout_version = 3;
  EXPECT_EQ(replication_group_status(g, m, stale), "modifying");
  auto sick = report;
  sick.healthy = false;
  EXPECT_EQ(replication_group_status(g, m, sick), "modifying");
  g.formed = false;
  EXPECT_EQ(replication_group_status(g, m, report), "creating");
  g.formed = true;
  g.seeding = true;
  EXPECT_EQ(replication_group_status(g, m, report), "creating");
  g.seeding = false;
  g.intent = {"reshard", 1, {}, {}, false, {}};
  EXPECT_EQ(replication_group_status(g, m, report), "modifying");
  report.progress = 40;
  json doc = replication_group_json(g, m, "modifying", "us-east-1", report);
  EXPECT_EQ(doc["ClusterEnabled"], true);
  EXPECT_EQ(doc["ConfigurationEndpoint"]["Address"], "127.20.0.11");
  EXPECT_EQ(doc["PendingModifiedValues"]["Resharding"]["SlotMigration"]["ProgressPercentage"],
            40.0);
  ASSERT_EQ(doc["NodeGroups"].size(), 2u);
  EXPECT_EQ(doc["NodeGroups"][0]["Slots"], "0-8191");
  EXPECT_FALSE(doc["NodeGroups"][0].contains("PrimaryEndpoint"));
  EXPECT_EQ(doc["NodeGroups"][0]["NodeGroupMembers"].size(), 2u);
}

}  // namespace
}  // namespace cachectl::core
