// Cluster mode against real redis-server (Redis Cluster) and real
// redis-cli -c: keys spread over three node groups through the
// ConfigurationEndpoint, a primary killed and replaced by the cluster,
// a snapshot restored into another number of node groups, and resharding
// 3 -> 4 -> 2 while a client writes and reads (and the cluster manager is
// killed mid-migration) without losing an acknowledged key or leaving a
// slot uncovered.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <thread>

#include "core/slots.h"
#include "node/redis_connection.h"
#include "tests/integration/harness.h"

namespace cachectl::testing {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using node::RedisConnection;
using node::RespValue;

// A small cluster client: the slot map from CLUSTER SLOTS, MOVED followed
// (the map is read again), ASK followed once (ASKING first), TRYAGAIN,
// CLUSTERDOWN and lost connections retried. What a cluster-aware client
// library does, small enough to read.
class ClusterClient {
 public:
  explicit ClusterClient(std::string seed) : seed_(std::move(seed)) { refresh(); }

  // The reply of a command on `key`, or nullopt when it kept failing.
  std::optional<RespValue> run(const std::string& key, const std::vector<std::string>& args) {
    int slot = core::key_slot(key);
    std::string at = owner_[static_cast<std::size_t>(slot)];
    bool asking = false;
    for (int attempt = 0; attempt < 200; ++attempt) {
      if (at.empty()) {
        refresh();
        at = owner_[static_cast<std::size_t>(slot)];
        if (at.empty()) {
          std::this_thread::sleep_for(10ms);
          continue;
        }
      }
      RedisConnection& c = connection(at);
      core::Result<RespValue> reply =
          asking ? last_of(c.pipeline({{"ASKING"}, args})) : c.command(args);
      asking = false;
      if (!reply) {  // connection refused or lost: a node restarting
        at.clear();
        std::this_thread::sleep_for(20ms);
        continue;
      }
      if (!reply->is_error()) return *reply;
      const std::string& e = reply->text;
      if (e.rfind("MOVED ", 0) == 0) {
        ++moved;
        at = e.substr(e.rfind(' ') + 1);
        owner_[static_cast<std::size_t>(slot)] = at;
      } else if (e.rfind("ASK ", 0) == 0) {
        ++asked;
        at = e.substr(e.rfind(' ') + 1);
        asking = true;
      } else if (e.rfind("TRYAGAIN", 0) == 0 || e.rfind("CLUSTERDOWN", 0) == 0 ||
                 e.rfind("LOADING", 0) == 0) {
        ++retried;
        std::this_thread::sleep_for(10ms);
      } else {
        return *reply;  // an answer of the command's own
      }
    }
    return std::nullopt;
  }

  // How many slots CLUSTER SLOTS (asked through the seed) says are served.
  int covered_slots() {
    RedisConnection c(seed_, 6379, 2000ms);
    auto r = c.command({"CLUSTER", "SLOTS"});
    if (!r || r->type != RespValue::Type::kArray) return -1;
    int n = 0;
    for (const auto& range : r->elements)
      if (range.elements.size() >= 3)
        n += static_cast<int>(range.elements[1].integer - range.elements[0].integer + 1);
    return n;
  }

  std::atomic<long> moved{0}, asked{0}, retried{0};

 private:
  static core::Result<RespValue> last_of(core::Result<std::vector<RespValue>> replies) {
    if (!replies) return replies.error();
    return replies->back();
  }
  RedisConnection& connection(const std::string& at) {
    auto& c = connections_[at];
    if (!c) {
      auto colon = at.rfind(':');
      c = std::make_unique<RedisConnection>(at.substr(0, colon), std::stoi(at.substr(colon + 1)),
                                            2000ms);
    }
    return *c;
  }
  void refresh() {
    RedisConnection c(seed_, 6379, 2000ms);
    auto r = c.command({"CLUSTER", "SLOTS"});
    if (!r || r->type != RespValue::Type::kArray) return;
    for (const auto& range : r->elements) {
      if (range.elements.size() < 3 || range.elements[2].elements.size() < 2) continue;
      std::string at = range.elements[2].elements[0].text + ":" +
                       std::to_string(range.elements[2].elements[1].integer);
      for (auto s = range.elements[0].integer; s <= range.elements[1].integer; ++s)
        owner_[static_cast<std::size_t>(s)] = at;
    }
  }

  std::string seed_;
  std::vector<std::string> owner_ = std::vector<std::string>(core::kSlotCount);
  std::map<std::string, std::unique_ptr<RedisConnection>> connections_;
};

class ClusterMode : public CachectlTest {
 protected:
  void SetUp() override {
    CachectlTest::SetUp();
    // Failures are noticed in 2 s instead of Redis's 15 (the daemons
    // inherit it from the commands that start them).
    ::setenv("CACHECTL_CLUSTER_NODE_TIMEOUT_MS", "2000", 1);
  }
  void TearDown() override {
    ::unsetenv("CACHECTL_CLUSTER_NODE_TIMEOUT_MS");
    CachectlTest::TearDown();
  }

  json describe(const std::string& id) { return describe_group(id); }
  json create(const std::string& id, std::vector<std::string> extra) {
    return create_group(id, std::move(extra));
  }
  void wait_available(const std::string& id) { wait_group_available(id); }
  static std::string config_endpoint(const json& g) {
    return g["ConfigurationEndpoint"]["Address"].get<std::string>();
  }
  // redis-cli -c through the ConfigurationEndpoint, commands on stdin (from
  // a file: a pipe written whole before the answers are read would fill).
  std::string cluster_cli(const std::string& endpoint, const std::string& commands) {
    const std::string file = home_ + "/redis-cli-input";
    std::ofstream(file) << commands;
    return run_program({"sh", "-c", "redis-cli -c -h " + endpoint + " < " + file}).out;
  }
  static std::string numbered(const std::string& verb, int count) {
    std::string s;
    for (int i = 1; i <= count; ++i)
      s += verb + " key:" + std::to_string(i) +
           (verb == "SET" ? " value-" + std::to_string(i) : "") + "\n";
    return s;
  }
  static int lines_starting(const std::string& text, const std::string& prefix) {
    int n = 0;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
      if (line.rfind(prefix, 0) == 0) ++n;
    return n;
  }
  // All `count` keys read back through the endpoint with their values.
  bool all_keys_readable(const std::string& endpoint, int count) {
    std::string out = cluster_cli(endpoint, numbered("GET", count));
    std::istringstream in(out);
    int i = 0;
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("-> Redirected", 0) == 0) continue;
      if (line != "value-" + std::to_string(++i)) return false;
    }
    return i == count;
  }
  std::string node_address(const std::string& cluster) {
    json c =
        ok("describe-cache-clusters", {"--cache-cluster-id", cluster, "--show-cache-node-info"});
    return c["CacheClusters"][0]["CacheNodes"][0]["Endpoint"]["Address"];
  }
  // The address of the primary serving `slot` (CLUSTER SLOTS).
  std::string primary_of_slot(const std::string& endpoint, int slot) {
    RedisConnection c(endpoint, 6379, 2000ms);
    auto r = c.command({"CLUSTER", "SLOTS"});
    if (!r) return {};
    for (const auto& range : r->elements)
      if (range.elements.size() >= 3 && range.elements[0].integer <= slot &&
          slot <= range.elements[1].integer)
        return range.elements[2].elements[0].text;
    return {};
  }
};

TEST_F(ClusterMode, KeysSpreadOverShardsSurviveAPrimaryKillAndRestoreIntoTwoShards) {
  json g = create("cg", {"--num-node-groups", "3", "--replicas-per-node-group", "1"});
  ASSERT_FALSE(g.is_null());
  EXPECT_EQ(g["Status"], "available");
  EXPECT_EQ(g["ClusterEnabled"], true);
  EXPECT_EQ(g["ClusterMode"], "enabled");
  EXPECT_EQ(g["AutomaticFailover"], "enabled");
  EXPECT_EQ(g["MemberClusters"], json({"cg-0001-001", "cg-0001-002", "cg-0002-001", "cg-0002-002",
                                       "cg-0003-001", "cg-0003-002"}));
  ASSERT_EQ(g["NodeGroups"].size(), 3u);
  EXPECT_EQ(g["NodeGroups"][0]["Slots"], "0-5461");
  EXPECT_EQ(g["NodeGroups"][1]["Slots"], "5462-10922");
  EXPECT_EQ(g["NodeGroups"][2]["Slots"], "10923-16383");
  EXPECT_EQ(g["NodeGroups"][1]["NodeGroupMembers"][0]["CacheClusterId"], "cg-0002-001");
  const std::string endpoint = config_endpoint(g);
  EXPECT_EQ(g["ConfigurationEndpoint"]["Port"], 6379);

  // The endpoint answers topology with the nodes' own addresses.
  std::set<std::string> members;
  for (const auto& m : g["MemberClusters"]) members.insert(node_address(m));
  for (int slot : {0, 5462, 16383}) EXPECT_TRUE(members.count(primary_of_slot(endpoint, slot)));
  EXPECT_EQ(redis_cli(endpoint, 6379, {"CLUSTER", "INFO"}).out.rfind("cluster_state:ok", 0), 0u);
  // Cluster administration is the service's; what clients need is theirs.
  EXPECT_NE(redis_cli(endpoint, 6379, {"CLUSTER", "MEET", "127.0.0.1", "7000"}).out.find("NOPERM"),
            std::string::npos);
  EXPECT_NE(redis_cli(endpoint, 6379, {"CLUSTER", "FORGET", "x"}).out.find("NOPERM"),
            std::string::npos);
  EXPECT_EQ(redis_cli(endpoint, 6379, {"READONLY"}).out, "OK\n");
  EXPECT_EQ(redis_cli(endpoint, 6379, {"CLUSTER", "KEYSLOT", "foo"}).out, "12182\n");

  // 10,000 keys through the ConfigurationEndpoint with redis-cli -c.
  std::string written = cluster_cli(endpoint, numbered("SET", 10000));
  EXPECT_EQ(lines_starting(written, "OK"), 10000);
  int total = 0;
  for (const auto& ng : g["NodeGroups"]) {
    std::string primary = node_address(ng["NodeGroupMembers"][0]["CacheClusterId"]);
    int keys = std::stoi(redis_cli(primary, 6379, {"DBSIZE"}).out);
    EXPECT_GT(keys, 2500) << ng["NodeGroupId"];  // spread over every shard
    total += keys;
  }
  EXPECT_EQ(total, 10000);
  EXPECT_TRUE(all_keys_readable(endpoint, 10000));

  // A snapshot per node group.
  json snap = ok("create-snapshot", {"--replication-group-id", "cg", "--snapshot-name", "cgsnap"});
  ASSERT_EQ(snap["Snapshot"]["NodeSnapshots"].size(), 3u);
  EXPECT_EQ(snap["Snapshot"]["NumNodeGroups"], 3);
  EXPECT_EQ(snap["Snapshot"]["NodeSnapshots"][2]["NodeGroupId"], "0003");
  json shown = ok("describe-snapshots", {"--snapshot-name", "cgsnap", "--show-node-group-config"});
  EXPECT_EQ(shown["Snapshots"][0]["NodeSnapshots"][0]["NodeGroupConfiguration"]["Slots"], "0-5461");

  // kill -9 of node group 0002's primary (daemon and engine, as a dying
  // machine would): the cluster promotes its replica, every key stays.
  const std::string old_primary = node_address("cg-0002-001");
  const std::string replica = node_address("cg-0002-002");
  json status = node_status(old_primary);
  int engine = status["engine"]["pid"].get<int>();
  int daemon = status["daemon"]["pid"].get<int>();
  ASSERT_GT(engine, 1);
  ASSERT_GT(daemon, 1);
  ::kill(daemon, SIGKILL);
  ::kill(engine, SIGKILL);
  EXPECT_TRUE(wait_until([&] { return primary_of_slot(endpoint, 5462) == replica; }, 30s));
  // Until every node has the new configuration, a read may still meet a
  // CLUSTERDOWN; then every key is there.
  EXPECT_TRUE(wait_until([&] { return all_keys_readable(endpoint, 10000); }, 30s));
  wait_available("cg");
  // The old primary came back, as a replica of the new one.
  EXPECT_TRUE(wait_until(
      [&] { return redis_cli(old_primary, 6379, {"ROLE"}).out.rfind("slave", 0) == 0; }, 30s));
  RunResult events = cachectl({"describe-events", "--source-type", "replication-group", "--query",
                               "Events[*].Message", "--output", "text"});
  EXPECT_NE(events.out.find("Failover from primary cg-0002-001 to replica cg-0002-002 completed"),
            std::string::npos)
      << events.out;

  // The 3-shard snapshot restored into 2 node groups: every key, spread.
  json r = create("rs", {"--num-node-groups", "2", "--replicas-per-node-group", "0",
                         "--snapshot-name", "cgsnap"});
  ASSERT_FALSE(r.is_null());
  EXPECT_EQ(r["NodeGroups"][0]["Slots"], "0-8191");
  const std::string restored = config_endpoint(r);
  EXPECT_TRUE(all_keys_readable(restored, 10000));
  for (const auto& ng : r["NodeGroups"]) {
    std::string primary = node_address(ng["NodeGroupMembers"][0]["CacheClusterId"]);
    EXPECT_GT(std::stoi(redis_cli(primary, 6379, {"DBSIZE"}).out), 4000);
  }

  for (const char* id : {"cg", "rs"}) {
    json d = ok("delete-replication-group", {"--replication-group-id", id});
    EXPECT_EQ(d["ReplicationGroup"]["Status"], "deleting");
  }
  EXPECT_TRUE(wait_until([&] { return running_pids().empty(); }, 10s));
  EXPECT_TRUE(std::filesystem::is_empty(home_ + "/addresses"));
}

TEST_F(ClusterMode, ReshardingUnderLoadLosesNoAcknowledgedKeyAndCoversEverySlot) {
  json g = create("rh", {"--num-node-groups", "3", "--replicas-per-node-group", "1"});
  ASSERT_FALSE(g.is_null());
  const std::string endpoint = config_endpoint(g);

  // A client writes new keys and reads old ones in a loop, a watcher checks
  // that CLUSTER SLOTS covers all 16,384 slots, both for the whole run.
  std::atomic<bool> stop{false};
  std::atomic<int> acknowledged{0}, wrong_reads{0}, failed{0}, uncovered{0}, coverage_checks{0};
  ClusterClient client(endpoint);
  std::thread writer([&] {
    std::mt19937 rng(14);
    for (int i = 0; !stop; ++i) {
      std::string key = "load:" + std::to_string(i);
      auto set = client.run(key, {"SET", key, "v" + std::to_string(i)});
      if (!set || !set->ok()) {
        ++failed;
        continue;
      }
      acknowledged = i + 1;
      int j = std::uniform_int_distribution<int>(0, i)(rng);
      std::string old = "load:" + std::to_string(j);
      auto get = client.run(old, {"GET", old});
      if (!get || get->text != "v" + std::to_string(j)) ++wrong_reads;
    }
  });
  std::thread watcher([&] {
    ClusterClient looker(endpoint);
    while (!stop) {
      if (looker.covered_slots() != core::kSlotCount) ++uncovered;
      ++coverage_checks;
      std::this_thread::sleep_for(20ms);
    }
  });
  auto reshard = [&](std::vector<std::string> args, bool kill_manager) {
    args.insert(args.begin(), {"--replication-group-id", "rh", "--apply-immediately"});
    json out = ok("modify-replication-group-shard-configuration", args);
    EXPECT_EQ(out["ReplicationGroup"]["Status"], "modifying") << out.dump();
    EXPECT_TRUE(out["ReplicationGroup"]["PendingModifiedValues"].contains("Resharding"));
    if (kill_manager) {
      // kill -9 of the cluster manager in the middle of the migration: the
      // group daemon starts another, which completes the slot left open.
      std::this_thread::sleep_for(400ms);
      auto managers = processes_mentioning(home_ + " --group rh --cluster-manager");
      EXPECT_EQ(managers.size(), 1u);
      for (int pid : managers) ::kill(pid, SIGKILL);
    }
    wait_available("rh");
  };
  std::this_thread::sleep_for(500ms);
  reshard({"--node-group-count", "4"}, true);
  json four = describe("rh");
  EXPECT_EQ(four["NodeGroups"].size(), 4u);
  EXPECT_EQ(four["MemberClusters"].size(), 8u);
  reshard({"--node-group-count", "2", "--node-groups-to-remove", "0002", "0004"}, false);
  std::this_thread::sleep_for(300ms);
  stop = true;
  writer.join();
  watcher.join();

  json two = describe("rh");
  ASSERT_EQ(two["NodeGroups"].size(), 2u);
  EXPECT_EQ(two["NodeGroups"][0]["NodeGroupId"], "0001");
  EXPECT_EQ(two["NodeGroups"][1]["NodeGroupId"], "0003");
  EXPECT_EQ(two["MemberClusters"],
            json({"rh-0001-001", "rh-0001-002", "rh-0003-001", "rh-0003-002"}));
  EXPECT_GT(acknowledged.load(), 200);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(wrong_reads.load(), 0);
  EXPECT_GT(coverage_checks.load(), 20);
  EXPECT_EQ(uncovered.load(), 0);
  // Clients were redirected while slots moved.
  EXPECT_GT(client.moved.load() + client.asked.load(), 0);
  // Every acknowledged key, read back after both reshardings.
  ClusterClient reader(endpoint);
  int missing = 0;
  for (int i = 0; i < acknowledged; ++i) {
    std::string key = "load:" + std::to_string(i);
    auto get = reader.run(key, {"GET", key});
    if (!get || get->text != "v" + std::to_string(i)) ++missing;
  }
  EXPECT_EQ(missing, 0) << "of " << acknowledged.load();
  // The removed node groups' nodes are gone, from the cluster and the host.
  EXPECT_EQ(lines_starting(redis_cli(endpoint, 6379, {"CLUSTER", "NODES"}).out, ""), 4);
  EXPECT_EQ(cachectl({"describe-cache-clusters", "--cache-cluster-id", "rh-0002-001"}).exit_code,
            254);

  // kill -9 of the command itself, a few milliseconds into a resharding:
  // whatever it had done is finished or undone by the waiter, every slot
  // stays served and every key readable.
  std::thread killed([&] {
    cachectl({"modify-replication-group-shard-configuration", "--replication-group-id", "rh",
              "--node-group-count", "3", "--apply-immediately"});
  });
  std::vector<int> commands;
  wait_until(
      [&] {
        commands = processes_mentioning(home_ + " modify-replication-group-shard-configuration");
        return !commands.empty();
      },
      5s);
  std::this_thread::sleep_for(15ms);
  for (int pid : commands) ::kill(pid, SIGKILL);
  killed.join();
  wait_available("rh");
  json after_kill = describe("rh");
  EXPECT_TRUE(after_kill["NodeGroups"].size() == 2u || after_kill["NodeGroups"].size() == 3u)
      << after_kill.dump();
  EXPECT_EQ(ClusterClient(endpoint).covered_slots(), core::kSlotCount);
  missing = 0;
  ClusterClient rereader(endpoint);
  for (int i = 0; i < acknowledged; i += 7) {
    std::string key = "load:" + std::to_string(i);
    auto get = rereader.run(key, {"GET", key});
    if (!get || get->text != "v" + std::to_string(i)) ++missing;
  }
  EXPECT_EQ(missing, 0);
  ok("delete-replication-group", {"--replication-group-id", "rh"});
  EXPECT_TRUE(wait_until([&] { return running_pids().empty(); }, 10s));
}

TEST_F(ClusterMode, TestFailoverAndReplicaCountsActOnOneNodeGroup) {
  json g = create("tf", {"--num-node-groups", "3", "--replicas-per-node-group", "1"});
  ASSERT_FALSE(g.is_null());
  const std::string endpoint = config_endpoint(g);
  EXPECT_EQ(lines_starting(cluster_cli(endpoint, numbered("SET", 1000)), "OK"), 1000);

  // test-failover of node group 0002: its replica becomes the primary of
  // its slots (Redis Cluster's own manual failover); the others keep theirs.
  const std::string old_primary = node_address("tf-0002-001");
  const std::string replica = node_address("tf-0002-002");
  const std::string other = node_address("tf-0001-001");
  json f = ok("test-failover", {"--replication-group-id", "tf", "--node-group-id", "0002"});
  EXPECT_EQ(f["ReplicationGroup"]["ReplicationGroupId"], "tf");
  EXPECT_TRUE(wait_until([&] { return primary_of_slot(endpoint, 5462) == replica; }, 30s));
  EXPECT_EQ(primary_of_slot(endpoint, 0), other);
  wait_available("tf");
  EXPECT_TRUE(wait_until(
      [&] { return redis_cli(old_primary, 6379, {"ROLE"}).out.rfind("slave", 0) == 0; }, 30s));
  // Members of a cluster-mode group carry no role in the API (the cluster
  // says who is primary); the group stays whole.
  json after = describe("tf");
  EXPECT_EQ(after["NodeGroups"][1]["NodeGroupMembers"].size(), 2u);
  EXPECT_TRUE(all_keys_readable(endpoint, 1000));
  RunResult events = cachectl({"describe-events", "--source-type", "replication-group", "--query",
                               "Events[*].Message", "--output", "text"});
  EXPECT_NE(events.out.find("Test Failover API called for node group 0002"), std::string::npos)
      << events.out;
  EXPECT_EQ(cachectl({"test-failover", "--replication-group-id", "tf", "--node-group-id", "0009"})
                .exit_code,
            254);

  // One more replica in node group 0001 only: a replica of that group's
  // primary, in the cluster.
  json up =
      ok("increase-replica-count", {"--replication-group-id", "tf", "--replica-configuration",
                                    "NodeGroupId=0001,NewReplicaCount=2", "--apply-immediately"});
  EXPECT_EQ(up["ReplicationGroup"]["ReplicationGroupId"], "tf");
  wait_available("tf");
  after = describe("tf");
  ASSERT_EQ(after["NodeGroups"].size(), 3u);
  EXPECT_EQ(after["NodeGroups"][0]["NodeGroupMembers"].size(), 3u);
  EXPECT_EQ(after["NodeGroups"][1]["NodeGroupMembers"].size(), 2u);
  EXPECT_EQ(after["MemberClusters"].size(), 7u);
  std::string added;
  for (const auto& m : after["NodeGroups"][0]["NodeGroupMembers"])
    if (m["CacheClusterId"] != "tf-0001-001" && m["CacheClusterId"] != "tf-0001-002")
      added = m["CacheClusterId"];
  ASSERT_FALSE(added.empty());
  const std::string added_address = node_address(added);
  EXPECT_TRUE(wait_until(
      [&] {
        std::string role = redis_cli(added_address, 6379, {"ROLE"}).out;
        return role.rfind("slave", 0) == 0 && role.find(other) != std::string::npos;
      },
      30s));

  // And back to one: the group's primary stays, the cluster forgets the
  // removed node, nothing of it keeps running.
  ok("decrease-replica-count", {"--replication-group-id", "tf", "--replica-configuration",
                                "NodeGroupId=0001,NewReplicaCount=1", "--apply-immediately"});
  wait_available("tf");
  after = describe("tf");
  EXPECT_EQ(after["NodeGroups"][0]["NodeGroupMembers"].size(), 2u);
  EXPECT_EQ(after["MemberClusters"].size(), 6u);
  EXPECT_EQ(primary_of_slot(endpoint, 0), other);
  EXPECT_TRUE(wait_until(
      [&] {
        std::string nodes = redis_cli(endpoint, 6379, {"CLUSTER", "NODES"}).out;
        return std::count(nodes.begin(), nodes.end(), '\n') == 6;
      },
      30s));
  EXPECT_TRUE(all_keys_readable(endpoint, 1000));

  ok("delete-replication-group", {"--replication-group-id", "tf"});
  EXPECT_TRUE(wait_until([&] { return running_pids().empty(); }, 10s));
  EXPECT_TRUE(std::filesystem::is_empty(home_ + "/addresses"));
}

TEST_F(ClusterMode, RefusedRequestsChangeNothing) {
  auto fails = [&](std::vector<std::string> args, const std::string& code) {
    RunResult r = cachectl(args);
    EXPECT_EQ(r.exit_code, 254) << r.out;
    EXPECT_NE(r.err.find(code), std::string::npos) << r.err;
  };
  const std::vector<std::string> base = {"create-replication-group",
                                         "--replication-group-id",
                                         "bad",
                                         "--replication-group-description",
                                         "x",
                                         "--cache-node-type",
                                         "cache.t3.micro"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  fails(with({"--num-node-groups", "91"}), "InvalidParameterValue");
  fails(with({"--num-node-groups", "2", "--cluster-mode", "disabled"}),
        "InvalidParameterCombination");
  fails(with({"--num-node-groups", "2", "--cache-parameter-group-name", "default.redis7"}),
        "InvalidParameterCombination");
  fails(with({"--num-node-groups", "2", "--no-automatic-failover-enabled"}),
        "InvalidParameterCombination");
  fails(with({"--node-group-configuration", "NodeGroupId=0001,Slots=0-100",
              "NodeGroupId=0002,Slots=200-16383"}),
        "InvalidParameterValue");
  fails(with({"--num-node-groups", "2", "--snapshot-name", "nothing"}), "SnapshotNotFoundFault");
  fails(
      {"create-cache-cluster", "--cache-cluster-id", "c", "--engine", "redis", "--cache-node-type",
       "cache.t3.micro", "--cache-parameter-group-name", "default.redis7.cluster.on"},
      "InvalidParameterCombination");
  fails({"modify-replication-group-shard-configuration", "--replication-group-id", "none",
         "--node-group-count", "2", "--apply-immediately"},
        "ReplicationGroupNotFoundFault");
  EXPECT_EQ(cachectl({"describe-replication-groups", "--replication-group-id", "bad"}).exit_code,
            254);
  EXPECT_TRUE(running_pids().empty());
  std::error_code ec;
  EXPECT_TRUE(!std::filesystem::exists(home_ + "/addresses", ec) ||
              std::filesystem::is_empty(home_ + "/addresses"));
}

}  // namespace
}  // namespace cachectl::testing
