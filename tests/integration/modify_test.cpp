// modify-cache-cluster on running clusters (real redis-server and memcached):
// node type and engine version changes now (--apply-immediately) or in the
// maintenance window, which a fake clock crosses; the data survives; bad
// values change nothing. Also list-allowed-node-type-modifications and
// describe-cache-engine-versions.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "core/node_types.h"
#include "tests/integration/harness.h"

namespace cachectl::testing {
namespace {

using nlohmann::json;

class Modify : public CachectlTest {
 protected:
  void SetUp() override {
    CachectlTest::SetUp();
    clock_file_ = home_ + "/clock";
    set_clock("2026-12-01T04:00:00Z");  // a Tuesday
    ::setenv("CACHECTL_FAKE_CLOCK", clock_file_.c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("CACHECTL_FAKE_CLOCK");
    ::unsetenv("CACHECTL_ENGINES_DIR");
    CachectlTest::TearDown();
  }
  void set_clock(const std::string& iso) {
    // Renamed into place: a daemon never reads a half-written clock.
    std::ofstream(clock_file_ + ".new") << iso << "\n";
    std::filesystem::rename(clock_file_ + ".new", clock_file_);
  }

  // A second "installed" Redis that counts its starts (in PATH.runs).
  void install_redis_version(const std::string& version) {
    CachectlTest::install_redis_version(
        version, "echo $$ >> " + home_ + "/engines/redis-server-" + version + ".runs");
  }

  std::string maxmemory(const std::string& address, int port) {
    return redis_admin_cli(address, port, {"config", "get", "maxmemory"}).out;
  }
  static std::string expected_maxmemory(const char* type) {
    return "maxmemory\n" + std::to_string(core::redis_maxmemory(*core::find_node_type(type))) +
           "\n";
  }
  json cluster(const std::string& id) {
    json d = ok("describe-cache-clusters", {"--cache-cluster-id", id});
    return d.is_null() ? json() : d["CacheClusters"][0];
  }
  bool has_event(const std::string& id, const std::string& message) {
    // The daemons date their events by the fake clock (December 2026).
    json e = ok("describe-events",
                {"--source-type", "cache-cluster", "--source-identifier", id, "--start-time",
                 "2026-11-01T00:00:00Z", "--end-time", "2026-12-31T00:00:00Z"});
    for (const auto& x : e["Events"])
      if (x["Message"] == message) return true;
    return false;
  }
  void expect_error(std::vector<std::string> args, const std::string& code) {
    RunResult r = cachectl(args);
    EXPECT_EQ(r.exit_code, 254) << ::testing::PrintToString(args);
    EXPECT_NE(r.err.find("(" + code + ")"), std::string::npos)
        << ::testing::PrintToString(args) << "\n"
        << r.err;
  }
  std::string clock_file_;
};

const char* const kWindows[] = {"--preferred-maintenance-window", "tue:10:00-tue:11:00",
                                "--snapshot-window", "05:00-06:00"};
std::vector<std::string> windows() { return {std::begin(kWindows), std::end(kWindows)}; }

TEST_F(Modify, PendingNodeTypeIsAppliedWhenTheClockEntersTheWindowAndTheKeysStay) {
  auto [address, port] = create_redis("pend", windows());
  write_keys(address, port, 1000);
  ASSERT_EQ(maxmemory(address, port), expected_maxmemory("cache.t3.micro"));

  json m = ok("modify-cache-cluster",
              {"--cache-cluster-id", "pend", "--cache-node-type", "cache.m5.large"});
  EXPECT_EQ(m["CacheCluster"]["CacheNodeType"], "cache.t3.micro");
  EXPECT_EQ(m["CacheCluster"]["PendingModifiedValues"]["CacheNodeType"], "cache.m5.large");
  ASSERT_TRUE(wait_for_schedule_check(address));
  EXPECT_EQ(cluster("pend")["PendingModifiedValues"]["CacheNodeType"], "cache.m5.large");
  EXPECT_EQ(maxmemory(address, port), expected_maxmemory("cache.t3.micro")) << "not before";

  set_clock("2026-12-01T10:05:00Z");
  ASSERT_TRUE(wait_until(
      [&] {
        json c = cluster("pend");
        return c["CacheNodeType"] == "cache.m5.large" && c["PendingModifiedValues"].empty() &&
               c["CacheClusterStatus"] == "available" &&
               maxmemory(address, port) == expected_maxmemory("cache.m5.large");
      },
      std::chrono::seconds(20)))
      << cluster("pend").dump();
  EXPECT_EQ(redis_cli(address, port, {"dbsize"}).out, "1000\n");
  EXPECT_EQ(redis_cli(address, port, {"get", "key:999"}).out, "value-999\n");
  EXPECT_TRUE(has_event(
      "pend", "Applying modifications in the maintenance window: cache node type cache.m5.large"));
  EXPECT_TRUE(
      wait_until([&] { return has_event("pend", "Cache node type modified to cache.m5.large"); },
                 std::chrono::seconds(5)));
  // A reboot after the change does not bring back the RDB of the change.
  ASSERT_EQ(redis_cli(address, port, {"flushall"}).out, "OK\n");
  ok("reboot-cache-cluster", {"--cache-cluster-id", "pend", "--cache-node-ids-to-reboot", "0001"});
  ASSERT_EQ(cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "pend"}).exit_code,
            0);
  EXPECT_EQ(redis_cli(address, port, {"dbsize"}).out, "0\n");
}

TEST_F(Modify, ApplyImmediatelyChangesTheNodeTypeAtOnceAndKeepsTheKeys) {
  auto [address, port] = create_redis("now", windows());
  write_keys(address, port, 500);
  json m = ok("modify-cache-cluster", {"--cache-cluster-id", "now", "--cache-node-type",
                                       "cache.m5.large", "--apply-immediately"});
  EXPECT_EQ(m["CacheCluster"]["CacheNodeType"], "cache.m5.large");
  EXPECT_TRUE(m["CacheCluster"]["PendingModifiedValues"].empty());
  std::string status = m["CacheCluster"]["CacheClusterStatus"];
  EXPECT_TRUE(status == "modifying" || status == "available") << status;
  ASSERT_EQ(cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "now"}).exit_code,
            0);
  EXPECT_EQ(maxmemory(address, port), expected_maxmemory("cache.m5.large"));
  EXPECT_EQ(redis_cli(address, port, {"dbsize"}).out, "500\n");
  // Scale back down: the data fits.
  ok("modify-cache-cluster",
     {"--cache-cluster-id", "now", "--cache-node-type", "cache.t3.small", "--apply-immediately"});
  ASSERT_TRUE(
      wait_until([&] { return maxmemory(address, port) == expected_maxmemory("cache.t3.small"); },
                 std::chrono::seconds(20)));
  ASSERT_EQ(cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "now"}).exit_code,
            0);
  EXPECT_EQ(redis_cli(address, port, {"get", "key:499"}).out, "value-499\n");
}

TEST_F(Modify, ImmediateMembersChangeAtOnceAndBackupsFollowTheNewWindow) {
  auto [address, port] = create_redis("imm", windows());
  ASSERT_EQ(redis_cli(address, port, {"set", "k", "v"}).out, "OK\n");
  json m = ok("modify-cache-cluster",
              {"--cache-cluster-id", "imm", "--snapshot-window", "07:00-08:00",
               "--snapshot-retention-limit", "2", "--preferred-maintenance-window",
               "wed:01:00-wed:02:00", "--notification-topic-arn",
               "arn:aws:sns:us-east-1:123456789012:ops", "--notification-topic-status", "inactive",
               "--security-group-ids", "sg-0abc", "--no-auto-minor-version-upgrade"});
  const json& c = m["CacheCluster"];
  EXPECT_EQ(c["SnapshotWindow"], "07:00-08:00");
  EXPECT_EQ(c["SnapshotRetentionLimit"], 2);
  EXPECT_EQ(c["PreferredMaintenanceWindow"], "wed:01:00-wed:02:00");
  EXPECT_EQ(c["NotificationConfiguration"]["TopicStatus"], "inactive");
  EXPECT_EQ(c["SecurityGroups"][0]["SecurityGroupId"], "sg-0abc");
  EXPECT_EQ(c["AutoMinorVersionUpgrade"], false);
  EXPECT_TRUE(c["PendingModifiedValues"].empty());
  set_clock("2026-12-01T07:10:00Z");
  EXPECT_TRUE(wait_until(
      [&] {
        json s = ok("describe-snapshots", {"--snapshot-source", "system"});
        return s["Snapshots"].size() == 1 &&
               s["Snapshots"][0]["SnapshotName"] == "automatic.imm-2026-12-01-07-00";
      },
      std::chrono::seconds(10)));
}

TEST_F(Modify, BadValuesGetTheApiErrorsAndChangeNothing) {
  install_redis_version("7.0.99");
  auto [address, port] = create_redis("bad", [] {
    auto w = windows();
    w.insert(w.end(), {"--engine-version", "7.0.99"});
    return w;
  }());
  write_keys(address, port, 100);
  json before = cluster("bad");
  ASSERT_EQ(before["EngineVersion"], "7.0.99");
  auto modify = [](std::vector<std::string> more) {
    std::vector<std::string> args{"modify-cache-cluster", "--cache-cluster-id", "bad"};
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  expect_error(modify({"--cache-node-type", "cache.m5.huge"}), "InvalidParameterValue");
  expect_error(modify({"--engine-version", "9.9.9"}), "InvalidParameterValue");
  expect_error(modify({"--engine-version", "7.0.15", "--apply-immediately"}),
               "InvalidParameterCombination");
  expect_error(modify({"--preferred-maintenance-window", "tue:10:00-tue:10:30"}),
               "InvalidParameterValue");
  expect_error(modify({"--snapshot-retention-limit", "36"}), "InvalidParameterValue");
  expect_error(modify({"--snapshot-window", "10:00-11:00"}), "InvalidParameterCombination");
  expect_error(modify({"--notification-topic-arn", "ops"}), "InvalidParameterValue");
  expect_error(modify({"--security-group-ids", "default"}), "InvalidParameterValue");
  expect_error(modify({"--num-cache-nodes", "2"}), "InvalidParameterCombination");
  // A valid change with a bad one: neither happens.
  expect_error(modify({"--cache-node-type", "cache.m5.large", "--snapshot-retention-limit", "99"}),
               "InvalidParameterValue");
  expect_error(modify({"--cache-node-type", "cache.m5.large", "--cache-parameter-group-name",
                       "no-such-group"}),
               "CacheParameterGroupNotFound");
  expect_error(modify({"--cache-parameter-group-name", "default.memcached1.6"}),
               "InvalidParameterCombination");
  // A token needs transit encryption, which this cluster has not.
  expect_error(modify({"--auth-token", "a-long-enough-token-0123"}), "InvalidParameterCombination");
  EXPECT_EQ(cluster("bad"), before);
  EXPECT_EQ(redis_cli(address, port, {"dbsize"}).out, "100\n");
  EXPECT_EQ(maxmemory(address, port), expected_maxmemory("cache.t3.micro"));
}

TEST_F(Modify, ScaleDownRefusedWhenTheDataDoesNotFit) {
  auto [address, port] =
      create_redis("full", {"--preferred-maintenance-window", "tue:10:00-tue:11:00"});
  ok("modify-cache-cluster",
     {"--cache-cluster-id", "full", "--cache-node-type", "cache.m5.large", "--apply-immediately"});
  ASSERT_EQ(cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "full"}).exit_code,
            0);
  // More than a cache.t3.micro holds (384 MiB): 450 values of 1 MiB.
  std::string pipe;
  std::string value(1 << 20, 'x');
  for (int i = 0; i < 450; ++i) {
    std::string k = "big:" + std::to_string(i);
    pipe += "*3\r\n$3\r\nSET\r\n$" + std::to_string(k.size()) + "\r\n" + k + "\r\n$" +
            std::to_string(value.size()) + "\r\n" + value + "\r\n";
  }
  ASSERT_EQ(run_program({"redis-cli", "-h", address, "-p", std::to_string(port), "--pipe"}, pipe)
                .exit_code,
            0);
  json before = cluster("full");
  RunResult r = cachectl({"modify-cache-cluster", "--cache-cluster-id", "full", "--cache-node-type",
                          "cache.t3.micro"});
  EXPECT_EQ(r.exit_code, 254);
  EXPECT_NE(r.err.find("(InvalidParameterCombination)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("does not fit"), std::string::npos) << r.err;
  EXPECT_EQ(cluster("full"), before);
  EXPECT_EQ(redis_cli(address, port, {"dbsize"}).out, "450\n");
}

TEST_F(Modify, EngineVersionsInstalledUpgradesAndAutoMinorVersionUpgrade) {
  install_redis_version("7.0.99");
  json v = ok("describe-cache-engine-versions", {"--engine", "redis"});
  std::vector<std::string> versions;
  for (const auto& e : v["CacheEngineVersions"]) versions.push_back(e["EngineVersion"]);
  ASSERT_GE(versions.size(), 2u);
  EXPECT_EQ(versions.back(), "7.0.99");
  EXPECT_EQ(v["CacheEngineVersions"][0]["CacheParameterGroupFamily"], "redis7");
  json d = ok("describe-cache-engine-versions", {"--engine", "redis", "--default-only"});
  ASSERT_EQ(d["CacheEngineVersions"].size(), 1u);
  EXPECT_EQ(d["CacheEngineVersions"][0]["EngineVersion"], "7.0.99");
  json mc = ok("describe-cache-engine-versions", {"--engine", "memcached"});
  ASSERT_EQ(mc["CacheEngineVersions"].size(), 1u);
  EXPECT_EQ(mc["CacheEngineVersions"][0]["CacheParameterGroupFamily"], "memcached1.6");
  std::string old = versions.front();

  // auto: upgraded in the window; manual: not (AutoMinorVersionUpgrade off),
  // until asked with --apply-immediately.
  auto w = windows();
  w.insert(w.end(), {"--engine-version", old});
  auto [a_address, a_port] = create_redis("auto", w);
  w.push_back("--no-auto-minor-version-upgrade");
  auto [m_address, m_port] = create_redis("manual", w);
  write_keys(a_address, a_port, 200);
  EXPECT_EQ(cluster("auto")["EngineVersion"], old);
  EXPECT_FALSE(std::filesystem::exists(home_ + "/engines/redis-server-7.0.99.runs"));
  set_clock("2026-12-01T10:30:00Z");
  ASSERT_TRUE(wait_until(
      [&] {
        json c = cluster("auto");
        return c["EngineVersion"] == "7.0.99" && c["CacheClusterStatus"] == "available";
      },
      std::chrono::seconds(20)))
      << cluster("auto").dump();
  EXPECT_EQ(redis_cli(a_address, a_port, {"dbsize"}).out, "200\n");
  EXPECT_TRUE(
      wait_until([&] { return has_event("auto", "Cache engine version upgraded to 7.0.99"); },
                 std::chrono::seconds(5)));
  EXPECT_TRUE(has_event("auto",
                        "Applying modifications in the maintenance window: auto minor version "
                        "upgrade to engine version 7.0.99"));
  ASSERT_TRUE(wait_for_schedule_check(m_address));
  EXPECT_EQ(cluster("manual")["EngineVersion"], old);

  json up = ok("modify-cache-cluster", {"--cache-cluster-id", "manual", "--engine-version",
                                        "7.0.99", "--apply-immediately"});
  EXPECT_EQ(up["CacheCluster"]["EngineVersion"], "7.0.99");
  ASSERT_EQ(cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "manual"}).exit_code,
            0);
  expect_error({"modify-cache-cluster", "--cache-cluster-id", "manual", "--engine-version", old},
               "InvalidParameterCombination");
  // Both engines now run from the versioned program (it counts its runs).
  RunResult runs = run_program({"wc", "-l", home_ + "/engines/redis-server-7.0.99.runs"});
  EXPECT_EQ(runs.out.substr(0, runs.out.find(' ')), "2") << runs.out;
}

TEST_F(Modify, ListAllowedNodeTypeModifications) {
  create_redis("scale", windows());
  json l = ok("list-allowed-node-type-modifications", {"--cache-cluster-id", "scale"});
  auto contains = [](const json& list, const char* t) {
    for (const auto& x : list)
      if (x == t) return true;
    return false;
  };
  EXPECT_TRUE(contains(l["ScaleUpModifications"], "cache.m5.large"));
  EXPECT_TRUE(contains(l["ScaleDownModifications"], "cache.t2.micro") ||
              contains(l["ScaleDownModifications"], "cache.t1.micro"));
  EXPECT_FALSE(contains(l["ScaleUpModifications"], "cache.t3.micro"));
  expect_error({"list-allowed-node-type-modifications", "--cache-cluster-id", "nope"},
               "CacheClusterNotFound");
}

TEST_F(Modify, MemcachedNodeTypeChangeRestartsEveryNodeWithTheNewMemory) {
  ok("create-cache-cluster", {"--cache-cluster-id", "mc", "--engine", "memcached",
                              "--cache-node-type", "cache.t3.micro", "--num-cache-nodes", "2"});
  ASSERT_EQ(cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "mc"}).exit_code, 0);
  ok("modify-cache-cluster",
     {"--cache-cluster-id", "mc", "--cache-node-type", "cache.m5.large", "--apply-immediately"});
  ASSERT_EQ(cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "mc"}).exit_code, 0);
  json d = ok("describe-cache-clusters", {"--cache-cluster-id", "mc", "--show-cache-node-info"});
  std::string expected =
      "STAT limit_maxbytes " +
      std::to_string(core::memcached_memory_mib(*core::find_node_type("cache.m5.large")) * 1024 *
                     1024);
  for (const auto& n : d["CacheClusters"][0]["CacheNodes"]) {
    std::string addr = n["Endpoint"]["Address"];
    int port = n["Endpoint"]["Port"];
    RunResult s =
        run_program({"python3", "-c",
                     "import socket,sys;s=socket.create_connection((sys.argv[1],int(sys.argv[2])));"
                     "s.sendall(b'stats\\r\\n');d=b''\n"
                     "while not d.endswith(b'END\\r\\n'): d+=s.recv(65536)\n"
                     "print(d.decode())",
                     addr, std::to_string(port)});
    EXPECT_NE(s.out.find(expected), std::string::npos) << s.out;
  }
}

}  // namespace
}  // namespace cachectl::testing

namespace cachectl::testing {
namespace {

class ModifyNodeCount : public Modify {};

// A node count change without --apply-immediately waits for the window, then
// the scheduler adds and removes the nodes without any command being run.
TEST_F(ModifyNodeCount, PendingMemcachedNodeCountIsAppliedInTheWindow) {
  ok("create-cache-cluster",
     {"--cache-cluster-id", "grow", "--engine", "memcached", "--cache-node-type", "cache.t3.micro",
      "--num-cache-nodes", "2", "--preferred-maintenance-window", "tue:10:00-tue:11:00"});
  ASSERT_EQ(cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "grow"}).exit_code,
            0);
  json m = ok("modify-cache-cluster", {"--cache-cluster-id", "grow", "--num-cache-nodes", "1",
                                       "--cache-node-ids-to-remove", "0001"});
  EXPECT_EQ(m["CacheCluster"]["PendingModifiedValues"]["NumCacheNodes"], 1);
  json nodes =
      ok("describe-cache-clusters", {"--cache-cluster-id", "grow", "--show-cache-node-info"});
  // Node 0001, the cluster's first, runs the maintenance schedule.
  ASSERT_TRUE(wait_for_schedule_check(
      nodes["CacheClusters"][0]["CacheNodes"][0]["Endpoint"]["Address"].get<std::string>()));
  EXPECT_EQ(cluster("grow")["NumCacheNodes"], 2) << "not before the window";

  set_clock("2026-12-01T10:05:00Z");
  ASSERT_TRUE(wait_until(
      [&] {
        json c = cluster("grow");
        return c["NumCacheNodes"] == 1 && c["PendingModifiedValues"].empty() &&
               c["CacheClusterStatus"] == "available";
      },
      std::chrono::seconds(30)))
      << cluster("grow").dump();
  json d = ok("describe-cache-clusters", {"--cache-cluster-id", "grow", "--show-cache-node-info"});
  ASSERT_EQ(d["CacheClusters"][0]["CacheNodes"].size(), 1u);
  EXPECT_EQ(d["CacheClusters"][0]["CacheNodes"][0]["CacheNodeId"], "0002");
  EXPECT_TRUE(has_event(
      "grow", "Applying modifications in the maintenance window: number of cache nodes 1"));
  EXPECT_TRUE(wait_until([&] { return has_event("grow", "Removed cache node 0001"); },
                         std::chrono::seconds(5)));

  // The next window's pending growth is run by the daemon of node 0002 now.
  ok("modify-cache-cluster", {"--cache-cluster-id", "grow", "--num-cache-nodes", "3"});
  set_clock("2026-12-08T10:05:00Z");
  ASSERT_TRUE(wait_until(
      [&] {
        json c = cluster("grow");
        return c["NumCacheNodes"] == 3 && c["PendingModifiedValues"].empty() &&
               c["CacheClusterStatus"] == "available";
      },
      std::chrono::seconds(30)))
      << cluster("grow").dump();
  d = ok("describe-cache-clusters", {"--cache-cluster-id", "grow", "--show-cache-node-info"});
  for (const auto& n : d["CacheClusters"][0]["CacheNodes"]) {
    RunResult v =
        run_program({"python3", "-c",
                     "import socket,sys;s=socket.create_connection((sys.argv[1],int(sys.argv[2])));"
                     "s.sendall(b'version\\r\\n');print(s.recv(100).decode())",
                     n["Endpoint"]["Address"].get<std::string>(),
                     std::to_string(n["Endpoint"]["Port"].get<int>())});
    EXPECT_EQ(v.out.rfind("VERSION ", 0), 0u) << n.dump() << v.err;
  }
}

}  // namespace
}  // namespace cachectl::testing
