// Replication groups against real redis-server and Redis Sentinel: roles,
// the PrimaryEndpoint and ReaderEndpoint, failover by kill -9 and by
// test-failover, building a group around a cluster, and deleting.
#include <signal.h>

#include <fstream>
#include <set>
#include <thread>

#include "tests/integration/harness.h"

namespace cachectl::testing {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

class ReplicationGroup : public CachectlTest {
 protected:
  json describe(const std::string& id) { return describe_group(id); }
  json create(const std::string& id, std::vector<std::string> extra) {
    return create_group(id, std::move(extra));
  }
  std::pair<std::string, int> endpoint(const json& group, const char* which) {
    const json& e = group["NodeGroups"][0][which];
    return {e["Address"].get<std::string>(), e["Port"].get<int>()};
  }
  std::string role_of(const json& group, const std::string& cluster) {
    for (const auto& m : group["NodeGroups"][0]["NodeGroupMembers"])
      if (m["CacheClusterId"] == cluster) return m["CurrentRole"];
    return "";
  }
  // redis-cli with several commands on one connection (stdin).
  std::string session(const std::pair<std::string, int>& at, const std::string& commands) {
    RunResult r =
        run_program({"redis-cli", "-h", at.first, "-p", std::to_string(at.second)}, commands);
    return r.out;
  }
  bool writes(const std::pair<std::string, int>& at) {
    RunResult r = redis_cli(at.first, at.second, {"SET", "probe", "1"});
    return r.exit_code == 0 && r.out.rfind("OK", 0) == 0;
  }
  int daemon_pid(const std::string& cluster) {
    std::ifstream in(home_ + "/nodes/" + cluster + "/0001/daemon.pid");
    int pid = 0;
    in >> pid;
    return pid;
  }
  // kill -9 of a member's daemon and its engine, as a dying machine would.
  void kill_member(const std::string& cluster, const std::string& address) {
    json status = node_status(address);
    int engine = status["engine"]["pid"].get<int>();
    int daemon = daemon_pid(cluster);
    ASSERT_GT(engine, 1);
    ASSERT_GT(daemon, 1);
    ::kill(daemon, SIGKILL);
    ::kill(engine, SIGKILL);
  }
  std::string primary_of(const json& group) {
    for (const auto& m : group["NodeGroups"][0]["NodeGroupMembers"])
      if (m["CurrentRole"] == "primary") return m["CacheClusterId"];
    return "";
  }
  std::string read_endpoint(const json& group, const std::string& cluster) {
    for (const auto& m : group["NodeGroups"][0]["NodeGroupMembers"])
      if (m["CacheClusterId"] == cluster) return m["ReadEndpoint"]["Address"];
    return "";
  }
};

TEST_F(ReplicationGroup, ThreeMembersReplicateThroughThePrimaryEndpoint) {
  json g = create("rg", {"--num-cache-clusters", "3"});
  ASSERT_FALSE(g.is_null());
  EXPECT_EQ(g["Status"], "available");
  EXPECT_EQ(g["MemberClusters"], json({"rg-001", "rg-002", "rg-003"}));
  EXPECT_EQ(g["ClusterEnabled"], false);
  EXPECT_FALSE(g.contains("ConfigurationEndpoint"));
  EXPECT_EQ(g["AutomaticFailover"], "disabled");
  ASSERT_EQ(g["NodeGroups"].size(), 1u);
  EXPECT_EQ(g["NodeGroups"][0]["NodeGroupId"], "0001");
  EXPECT_EQ(role_of(g, "rg-001"), "primary");
  EXPECT_EQ(role_of(g, "rg-002"), "replica");
  EXPECT_EQ(role_of(g, "rg-003"), "replica");
  auto primary = endpoint(g, "PrimaryEndpoint");
  auto reader = endpoint(g, "ReaderEndpoint");
  EXPECT_NE(primary.first, read_endpoint(g, "rg-001"));
  EXPECT_NE(primary.first, reader.first);

  // Written through the PrimaryEndpoint, acknowledged by both replicas.
  std::string out = session(primary, "SET k1 v1\nWAIT 2 2000\n");
  EXPECT_EQ(out, "OK\n2\n");
  // Every member has it; replicas refuse writes.
  for (const char* m : {"rg-001", "rg-002", "rg-003"}) {
    RunResult r = redis_cli(read_endpoint(g, m), 6379, {"GET", "k1"});
    EXPECT_EQ(r.out, "v1\n") << m;
  }
  RunResult w = redis_cli(read_endpoint(g, "rg-002"), 6379, {"SET", "x", "1"});
  EXPECT_NE(w.out.find("READONLY"), std::string::npos) << w.out;
  // The ReaderEndpoint reaches a replica.
  RunResult role = redis_cli(reader.first, reader.second, {"ROLE"});
  EXPECT_EQ(role.out.rfind("slave", 0), 0u) << role.out;
  EXPECT_EQ(redis_cli(reader.first, reader.second, {"GET", "k1"}).out, "v1\n");

  // Members are clusters of the group.
  json c = ok("describe-cache-clusters", {"--cache-cluster-id", "rg-002"});
  EXPECT_EQ(c["CacheClusters"][0]["ReplicationGroupId"], "rg");

  json d = ok("delete-replication-group", {"--replication-group-id", "rg"});
  EXPECT_EQ(d["ReplicationGroup"]["Status"], "deleting");
  RunResult gone = cachectl({"describe-replication-groups", "--replication-group-id", "rg"});
  EXPECT_EQ(gone.exit_code, 254);
  EXPECT_NE(gone.err.find("ReplicationGroupNotFoundFault"), std::string::npos) << gone.err;
  EXPECT_EQ(cachectl({"describe-cache-clusters", "--cache-cluster-id", "rg-001"}).exit_code, 254);
  EXPECT_TRUE(wait_until([&] { return running_pids().empty(); }, 5s));
  EXPECT_TRUE(std::filesystem::is_empty(home_ + "/addresses"));
}

TEST_F(ReplicationGroup, AKilledPrimaryIsReplacedAndAcknowledgedWritesSurvive) {
  json g = create("fo", {"--num-cache-clusters", "3", "--automatic-failover-enabled"});
  ASSERT_FALSE(g.is_null());
  EXPECT_EQ(g["AutomaticFailover"], "enabled");
  auto primary = endpoint(g, "PrimaryEndpoint");
  std::string commands;
  for (int i = 0; i < 200; ++i)
    commands += "SET key:" + std::to_string(i) + " v" + std::to_string(i) + "\n";
  commands += "WAIT 2 1000\n";
  std::string out = session(primary, commands);
  ASSERT_EQ(out.substr(out.size() - 2), "2\n") << out.substr(out.size() - 20);

  kill_member("fo-001", read_endpoint(g, "fo-001"));
  // A replica takes over; the PrimaryEndpoint accepts writes again.
  EXPECT_TRUE(wait_until([&] { return writes(primary); }, 20s));
  RunResult role = redis_cli(primary.first, primary.second, {"ROLE"});
  EXPECT_EQ(role.out.rfind("master", 0), 0u) << role.out;
  for (int i = 0; i < 200; i += 37) {
    RunResult r = redis_cli(primary.first, primary.second, {"GET", "key:" + std::to_string(i)});
    EXPECT_EQ(r.out, "v" + std::to_string(i) + "\n") << i;
  }
  // The old primary comes back, as a replica of the new one, with the data.
  json after;
  ASSERT_TRUE(wait_until(
      [&] {
        RunResult r = cachectl({"describe-replication-groups", "--replication-group-id", "fo"});
        if (r.exit_code != 0) return false;
        after = r.json()["ReplicationGroups"][0];
        return after["Status"] == "available" && role_of(after, "fo-001") == "replica";
      },
      30s))
      << after.dump();
  EXPECT_NE(primary_of(after), "fo-001");
  EXPECT_EQ(redis_cli(read_endpoint(after, "fo-001"), 6379, {"GET", "key:5"}).out, "v5\n");
  expect_shape("describe-replication-groups", json{{"ReplicationGroups", {after}}}.dump());

  // test-failover does the same without a kill.
  std::string before = primary_of(after);
  json t = ok("test-failover", {"--replication-group-id", "fo", "--node-group-id", "0001"});
  EXPECT_EQ(t["ReplicationGroup"]["ReplicationGroupId"], "fo");
  json moved;
  ASSERT_TRUE(wait_until(
      [&] {
        RunResult r = cachectl({"describe-replication-groups", "--replication-group-id", "fo"});
        if (r.exit_code != 0) return false;
        moved = r.json()["ReplicationGroups"][0];
        return moved["Status"] == "available" && !primary_of(moved).empty() &&
               primary_of(moved) != before && role_of(moved, before) == "replica";
      },
      30s))
      << moved.dump();
  EXPECT_TRUE(wait_until([&] { return writes(primary); }, 10s));
  EXPECT_EQ(redis_cli(primary.first, primary.second, {"GET", "key:7"}).out, "v7\n");
  RunResult events = cachectl(
      {"describe-events", "--source-identifier", "fo", "--source-type", "replication-group"});
  EXPECT_NE(events.out.find("Failover from primary"), std::string::npos) << events.out;
}

TEST_F(ReplicationGroup, FailoversInARowAndTheReaderEndpointSpreadsOverReplicas) {
  json g = create("row", {"--num-cache-clusters", "3", "--automatic-failover-enabled"});
  ASSERT_FALSE(g.is_null());
  auto primary = endpoint(g, "PrimaryEndpoint");
  auto reader = endpoint(g, "ReaderEndpoint");
  // New connections to the ReaderEndpoint land on both replicas (the
  // kernel spreads them over the replicas' shared listening port).
  std::set<std::string> servers;
  for (int i = 0; i < 24; ++i) {
    RunResult r = redis_cli(reader.first, reader.second, {"INFO", "server"});
    auto at = r.out.find("run_id:");
    if (at != std::string::npos) servers.insert(r.out.substr(at, 47));
  }
  EXPECT_EQ(servers.size(), 2u) << "connections reached " << servers.size() << " servers";

  // A second failure soon after a failover (once the group is available
  // again) is handled as quickly as the first: Sentinel is restarted on each
  // new primary, instead of still finishing the last failover for 30 s.
  kill_member("row-001", read_endpoint(g, "row-001"));
  ASSERT_TRUE(wait_until([&] { return writes(primary); }, 10s));
  std::string second;
  ASSERT_TRUE(wait_until(
      [&] {
        RunResult r = cachectl({"describe-replication-groups", "--replication-group-id", "row"});
        if (r.exit_code != 0) return false;
        json now = r.json()["ReplicationGroups"][0];
        second = primary_of(now);
        return now["Status"] == "available" && !second.empty() && second != "row-001";
      },
      30s));
  kill_member(second, read_endpoint(g, second));
  auto killed_at = std::chrono::steady_clock::now();
  EXPECT_TRUE(wait_until([&] { return writes(primary); }, 10s));
  EXPECT_LT(std::chrono::steady_clock::now() - killed_at, 10s);

  // test-failover: the old primary follows the new one at once, not after
  // Sentinel's failover timeout.
  json settled;
  ASSERT_TRUE(wait_until(
      [&] {
        RunResult r = cachectl({"describe-replication-groups", "--replication-group-id", "row"});
        if (r.exit_code != 0) return false;
        settled = r.json()["ReplicationGroups"][0];
        return settled["Status"] == "available";
      },
      30s));
  std::string before = primary_of(settled);
  ok("test-failover", {"--replication-group-id", "row", "--node-group-id", "0001"});
  EXPECT_TRUE(wait_until(
      [&] {
        RunResult r = redis_cli(read_endpoint(settled, before), 6379, {"ROLE"});
        return r.out.rfind("slave", 0) == 0;
      },
      3s))
      << before << " is still a primary 3 s after test-failover";
}

TEST_F(ReplicationGroup, BuiltAroundAClusterKeepsItsDataAndRetainsItOnDelete) {
  auto at = create_redis("solo");
  write_keys(at.first, at.second, 100);
  json out = ok("create-replication-group",
                {"--replication-group-id", "wrap", "--replication-group-description", "around solo",
                 "--primary-cluster-id", "solo", "--num-cache-clusters", "2"});
  EXPECT_EQ(out["ReplicationGroup"]["MemberClusters"], json({"solo", "wrap-002"}));
  RunResult w = cachectl({"wait", "replication-group-available", "--replication-group-id", "wrap"});
  ASSERT_EQ(w.exit_code, 0) << w.err;
  json g = describe("wrap");
  EXPECT_EQ(role_of(g, "solo"), "primary");
  auto primary = endpoint(g, "PrimaryEndpoint");
  EXPECT_EQ(redis_cli(primary.first, primary.second, {"DBSIZE"}).out, "100\n");
  EXPECT_TRUE(wait_until(
      [&] { return redis_cli(read_endpoint(g, "wrap-002"), 6379, {"DBSIZE"}).out == "100\n"; },
      10s));

  ok("delete-replication-group", {"--replication-group-id", "wrap", "--retain-primary-cluster"});
  json c = ok("describe-cache-clusters", {"--cache-cluster-id", "solo"});
  EXPECT_FALSE(c["CacheClusters"][0].contains("ReplicationGroupId"));
  EXPECT_EQ(cachectl({"describe-cache-clusters", "--cache-cluster-id", "wrap-002"}).exit_code, 254);
  RunResult wait = cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "solo"});
  EXPECT_EQ(wait.exit_code, 0) << wait.err;
  EXPECT_TRUE(
      wait_until([&] { return redis_cli(at.first, at.second, {"DBSIZE"}).out == "100\n"; }, 10s));
  EXPECT_EQ(redis_cli(at.first, at.second, {"SET", "after", "1"}).out, "OK\n");
}

TEST_F(ReplicationGroup, ReplicasComeAndGo) {
  json g = create("rc", {"--replicas-per-node-group", "2"});
  ASSERT_EQ(g["MemberClusters"].size(), 3u);
  auto primary = endpoint(g, "PrimaryEndpoint");
  write_keys(primary.first, primary.second, 50);

  // To zero replicas, then back to two: the new ones copy the data.
  json down = ok("decrease-replica-count", {"--replication-group-id", "rc", "--new-replica-count",
                                            "0", "--apply-immediately"});
  EXPECT_EQ(down["ReplicationGroup"]["MemberClusters"], json({"rc-001"}));
  EXPECT_EQ(cachectl({"describe-cache-clusters", "--cache-cluster-id", "rc-003"}).exit_code, 254);
  json up = ok("increase-replica-count",
               {"--replication-group-id", "rc", "--new-replica-count", "2", "--apply-immediately"});
  EXPECT_EQ(up["ReplicationGroup"]["MemberClusters"], json({"rc-001", "rc-002", "rc-003"}));
  ASSERT_EQ(
      cachectl({"wait", "replication-group-available", "--replication-group-id", "rc"}).exit_code,
      0);
  g = describe("rc");
  EXPECT_EQ(redis_cli(read_endpoint(g, "rc-003"), 6379, {"DBSIZE"}).out, "50\n");
  RunResult zero = cachectl({"increase-replica-count", "--replication-group-id", "rc",
                             "--new-replica-count", "2", "--apply-immediately"});
  EXPECT_EQ(zero.exit_code, 254);
  EXPECT_NE(zero.err.find("InvalidParameterValue"), std::string::npos) << zero.err;

  // A replica added by name, and deleted by name; the primary cannot be.
  json added = ok("create-cache-cluster",
                  {"--cache-cluster-id", "rc-extra", "--replication-group-id", "rc"});
  EXPECT_EQ(added["CacheCluster"]["ReplicationGroupId"], "rc");
  ASSERT_EQ(
      cachectl({"wait", "replication-group-available", "--replication-group-id", "rc"}).exit_code,
      0);
  g = describe("rc");
  EXPECT_EQ(role_of(g, "rc-extra"), "replica");
  EXPECT_EQ(redis_cli(read_endpoint(g, "rc-extra"), 6379, {"GET", "key:7"}).out, "value-7\n");
  RunResult refused = cachectl({"modify-cache-cluster", "--cache-cluster-id", "rc-extra",
                                "--cache-node-type", "cache.m5.large", "--apply-immediately"});
  EXPECT_EQ(refused.exit_code, 254);
  EXPECT_NE(refused.err.find("InvalidParameterCombination"), std::string::npos) << refused.err;
  RunResult primary_delete = cachectl({"delete-cache-cluster", "--cache-cluster-id", "rc-001"});
  EXPECT_EQ(primary_delete.exit_code, 254);
  EXPECT_NE(primary_delete.err.find("InvalidCacheClusterState"), std::string::npos)
      << primary_delete.err;
  ok("delete-cache-cluster", {"--cache-cluster-id", "rc-extra"});
  EXPECT_EQ(describe("rc")["MemberClusters"], json({"rc-001", "rc-002", "rc-003"}));

  // A snapshot of the group comes from a replica; a new group restores it.
  json snap = ok("create-snapshot", {"--replication-group-id", "rc", "--snapshot-name", "rcsnap"});
  EXPECT_EQ(snap["Snapshot"]["ReplicationGroupId"], "rc");
  EXPECT_NE(snap["Snapshot"]["CacheClusterId"], "rc-001");
  json restored = create("rc2", {"--num-cache-clusters", "2", "--snapshot-name", "rcsnap"});
  auto p2 = endpoint(restored, "PrimaryEndpoint");
  EXPECT_EQ(redis_cli(p2.first, p2.second, {"DBSIZE"}).out, "50\n");
}

TEST_F(ReplicationGroup, DocumentsHaveTheMembersOfTheModelsExamples) {
  // botocore's examples-1.json for CreateReplicationGroup, DescribeReplicationGroups,
  // ModifyReplicationGroup and DeleteReplicationGroup: every member an example shows is
  // in ours too, at the same place (values differ: they are another account's).
  json g = create("ex", {"--num-cache-clusters", "3", "--automatic-failover-enabled",
                         "--snapshot-retention-limit", "3"});
  json modified = ok("modify-replication-group",
                     {"--replication-group-id", "ex", "--replication-group-description", "Modified",
                      "--snapshot-retention-limit", "30", "--snapshotting-cluster-id", "ex-001",
                      "--apply-immediately"});
  EXPECT_EQ(modified["ReplicationGroup"]["Description"], "Modified");
  EXPECT_EQ(modified["ReplicationGroup"]["SnapshottingClusterId"], "ex-001");
  json deleted = ok("delete-replication-group", {"--replication-group-id", "ex"});
  std::string ours = json{
      {"DescribeReplicationGroups", {{"ReplicationGroups", {g}}}},
      {"ModifyReplicationGroup", modified},
      {"DeleteReplicationGroup",
       deleted}}.dump();
  RunResult r = run_program(
      {"python3", "-c",
       "import json,sys,os,botocore\n"
       "ex=json.load(open(os.path.join(os.path.dirname(botocore.__file__),'data','elasticache',"
       "'2015-02-02','examples-1.json')))['examples']\n"
       "ours=json.load(sys.stdin)\n"
       "def keys(a,b,path):\n"
       "  bad=[]\n"
       "  if isinstance(a,dict):\n"
       "    for k,v in a.items():\n"
       "      if k=='Marker': continue\n"
       "      if not isinstance(b,dict) or k not in b: bad.append(path+'.'+k); continue\n"
       "      bad+=keys(v,b[k],path+'.'+k)\n"
       "  elif isinstance(a,list) and a and isinstance(b,list) and b: "
       "bad+=keys(a[0],b[0],path+'[0]')\n"
       "  return bad\n"
       "bad=[]\n"
       "for op in ours:\n"
       "  for e in ex[op]:\n"
       "    out=e['output']\n"
       "    if op=='DescribeReplicationGroups': out={'ReplicationGroups':[g for g in "
       "out['ReplicationGroups']]}\n"
       "    bad+=keys(out,ours[op],op)\n"
       "print('\\n'.join(bad)); sys.exit(1 if bad else 0)\n"},
      ours);
  EXPECT_EQ(r.exit_code, 0) << "members of the examples missing from ours:\n" << r.out << r.err;
}

TEST_F(ReplicationGroup, PrimaryClusterIdPromotesAReplicaKeepingEveryWrite) {
  json g = create("pr", {"--num-cache-clusters", "3"});
  ASSERT_FALSE(g.is_null());
  auto primary = endpoint(g, "PrimaryEndpoint");
  std::string writes_in, acknowledged;
  for (int i = 0; i < 200; ++i) {
    writes_in += "SET k" + std::to_string(i) + " v\n";
    acknowledged += "OK\n";
  }
  ASSERT_EQ(session(primary, writes_in + "WAIT 2 2000\n"), acknowledged + "2\n");

  // Refused, nothing changed: a cluster that is not a member, and while
  // automatic failover is on (in the group or in the same request).
  RunResult stranger = cachectl({"modify-replication-group", "--replication-group-id", "pr",
                                 "--primary-cluster-id", "other-001", "--apply-immediately"});
  EXPECT_EQ(stranger.exit_code, 254);
  EXPECT_NE(stranger.err.find("(InvalidParameterValue)"), std::string::npos) << stranger.err;
  RunResult with_failover =
      cachectl({"modify-replication-group", "--replication-group-id", "pr", "--primary-cluster-id",
                "pr-002", "--automatic-failover-enabled", "--apply-immediately"});
  EXPECT_EQ(with_failover.exit_code, 254);
  EXPECT_NE(with_failover.err.find("(InvalidParameterCombination)"), std::string::npos)
      << with_failover.err;
  json unchanged = describe("pr");
  EXPECT_EQ(primary_of(unchanged), "pr-001");
  EXPECT_EQ(unchanged["AutomaticFailover"], "disabled");

  json r = ok("modify-replication-group", {"--replication-group-id", "pr", "--primary-cluster-id",
                                           "pr-002", "--apply-immediately"});
  EXPECT_EQ(role_of(r["ReplicationGroup"], "pr-002"), "primary") << r.dump(2);
  // The promoted member is the primary, the old one and the third member
  // replicate from it, and the PrimaryEndpoint's writes land on it.
  EXPECT_EQ(redis_cli(read_endpoint(g, "pr-002"), 6379, {"ROLE"}).out.rfind("master", 0), 0u);
  std::string new_address = read_endpoint(g, "pr-002");
  for (const char* m : {"pr-001", "pr-003"}) {
    EXPECT_TRUE(wait_until(
        [&] {
          RunResult info = redis_cli(read_endpoint(g, m), 6379, {"INFO", "replication"});
          return info.out.find("master_host:" + new_address + "\r") != std::string::npos &&
                 info.out.find("master_link_status:up") != std::string::npos;
        },
        5s))
        << m << " does not replicate from pr-002";
  }
  ASSERT_TRUE(wait_until([&] { return writes(primary); }, 5s));
  EXPECT_EQ(redis_cli(primary.first, primary.second, {"SET", "after", "1"}).out, "OK\n");
  EXPECT_EQ(redis_cli(new_address, 6379, {"GET", "after"}).out, "1\n");
  EXPECT_EQ(redis_cli(primary.first, primary.second, {"DBSIZE"}).out, "202\n");
  RunResult w = cachectl({"wait", "replication-group-available", "--replication-group-id", "pr"});
  ASSERT_EQ(w.exit_code, 0) << w.err;
  json after = describe("pr");
  EXPECT_EQ(primary_of(after), "pr-002");
  EXPECT_EQ(role_of(after, "pr-001"), "replica");
  json ev =
      ok("describe-events", {"--source-type", "replication-group", "--source-identifier", "pr"});
  std::string all;
  for (const auto& e : ev["Events"]) all += e["Message"].get<std::string>() + "\n";
  EXPECT_NE(all.find("Promoted read replica pr-002 to primary (was pr-001)"), std::string::npos)
      << all;
  // Naming the primary again changes nothing.
  ok("modify-replication-group",
     {"--replication-group-id", "pr", "--primary-cluster-id", "pr-002", "--apply-immediately"});
  EXPECT_EQ(primary_of(describe("pr")), "pr-002");

  // A member restarted later still follows the recorded primary.
  kill_member("pr-001", read_endpoint(g, "pr-001"));
  EXPECT_TRUE(wait_until(
      [&] {
        RunResult info = redis_cli(read_endpoint(g, "pr-001"), 6379, {"INFO", "replication"});
        return info.out.find("master_host:" + new_address + "\r") != std::string::npos &&
               info.out.find("master_link_status:up") != std::string::npos;
      },
      10s));
  EXPECT_EQ(redis_cli(read_endpoint(g, "pr-001"), 6379, {"GET", "after"}).out, "1\n");
}

TEST_F(ReplicationGroup, RequestsElastiCacheRefusesAreRefused) {
  RunResult multi_az =
      cachectl({"create-replication-group", "--replication-group-id", "bad",
                "--replication-group-description", "d", "--cache-node-type", "cache.t3.micro",
                "--num-cache-clusters", "2", "--multi-az-enabled"});
  EXPECT_EQ(multi_az.exit_code, 254);
  EXPECT_NE(multi_az.err.find("InvalidParameterCombination"), std::string::npos) << multi_az.err;
  RunResult single =
      cachectl({"create-replication-group", "--replication-group-id", "bad",
                "--replication-group-description", "d", "--cache-node-type", "cache.t3.micro",
                "--num-cache-clusters", "1", "--automatic-failover-enabled"});
  EXPECT_EQ(single.exit_code, 254);
  RunResult many = cachectl({"create-replication-group", "--replication-group-id", "bad",
                             "--replication-group-description", "d", "--cache-node-type",
                             "cache.t3.micro", "--num-cache-clusters", "7"});
  EXPECT_EQ(many.exit_code, 254);
  EXPECT_FALSE(std::filesystem::exists(home_ + "/replication-groups/bad.toml"));
  EXPECT_TRUE(running_pids().empty());
}

}  // namespace
}  // namespace cachectl::testing
