// Memcached clusters end to end against real memcached: many nodes, the
// configuration endpoint's auto discovery, growing, shrinking, partial
// reboots, and the Redis-only requests that must be refused.
#include <signal.h>

#include <set>

#include "tests/integration/harness.h"

namespace cachectl::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// A real Memcached client (Debian's python3-pymemcache).
constexpr const char* kClient = R"(
import sys
from pymemcache.client.base import Client
host, port, op, key = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
c = Client((host, port), connect_timeout=2, timeout=2)
if op == "set":
    print(c.set(key, sys.argv[5].encode(), noreply=False))
else:
    v = c.get(key)
    print("" if v is None else v.decode())
)";

// Sends raw bytes and prints what comes back until END or the timeout.
constexpr const char* kRaw = R"(
import socket, sys, time
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)
s.sendall(sys.argv[3].encode().decode("unicode_escape").encode())
data = b""
deadline = time.time() + 2
while time.time() < deadline and not data.endswith(b"END\r\n"):
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
sys.stdout.write(repr(data))
)";

class MemcachedCluster : public CachectlTest {
 protected:
  json describe(const std::string& id) {
    return ok("describe-cache-clusters",
              {"--cache-cluster-id", id, "--show-cache-node-info"})["CacheClusters"][0];
  }
  std::string mc(const std::string& address, int port, std::vector<std::string> args) {
    std::vector<std::string> argv = {"/usr/bin/python3", "-c", kClient, address,
                                     std::to_string(port)};
    argv.insert(argv.end(), args.begin(), args.end());
    RunResult r = run_program(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  std::string raw(const std::string& address, int port, const std::string& bytes) {
    return run_program({"python3", "-c", kRaw, address, std::to_string(port), bytes}).out;
  }
  // What `config get cluster` must answer for the cluster as described.
  std::string expected_discovery(const json& cluster, int version) {
    std::vector<std::string> entries;
    for (const auto& n : cluster["CacheNodes"]) {
      std::string a = n["Endpoint"]["Address"];
      entries.push_back(a + "|" + a + "|" + std::to_string(n["Endpoint"]["Port"].get<int>()));
    }
    std::sort(entries.begin(), entries.end(), [](const std::string& a, const std::string& b) {
      return a.substr(0, a.find('|')) < b.substr(0, b.find('|'));
    });
    std::string line;
    for (const auto& e : entries) line += (line.empty() ? "" : " ") + e;
    std::string payload = std::to_string(version) + "\n" + line + "\n";
    std::string reply =
        "CONFIG cluster 0 " + std::to_string(payload.size()) + "\r\n" + payload + "\r\nEND\r\n";
    // Python's repr of those bytes, as kRaw prints them.
    std::string out = "b'";
    for (char c : reply) {
      if (c == '\n')
        out += "\\n";
      else if (c == '\r')
        out += "\\r";
      else
        out += c;
    }
    return out + "'";
  }
  json create_sessions(int nodes) {
    json c = ok("create-cache-cluster",
                {"--cache-cluster-id", "sessions", "--engine", "memcached", "--cache-node-type",
                 "cache.m5.large", "--num-cache-nodes", std::to_string(nodes), "--az-mode",
                 nodes > 1 ? "cross-az" : "single-az"});
    RunResult w = cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "sessions"});
    EXPECT_EQ(w.exit_code, 0) << w.err;
    return c;
  }
  int memcached_processes(const json& cluster) {
    int count = 0;
    for (const auto& n : cluster["CacheNodes"])
      count += static_cast<int>(
          processes_mentioning("-l " + n["Endpoint"]["Address"].get<std::string>() + " ").size());
    return count;
  }
};

TEST_F(MemcachedCluster, ThreeNodesEachServingAndAConfigurationEndpointThatDiscoversThem) {
  json created = create_sessions(3);
  EXPECT_EQ(created["CacheCluster"]["CacheClusterStatus"], "creating");
  EXPECT_EQ(created["CacheCluster"]["PreferredAvailabilityZone"], "Multiple");
  json c = describe("sessions");
  EXPECT_EQ(c["CacheClusterStatus"], "available");
  EXPECT_EQ(c["Engine"], "memcached");
  ASSERT_EQ(c["CacheNodes"].size(), 3u);
  std::set<std::string> addresses, zones;
  for (int i = 0; i < 3; ++i) {
    const json& n = c["CacheNodes"][i];
    EXPECT_EQ(n["CacheNodeId"], "000" + std::to_string(i + 1));
    EXPECT_EQ(n["Endpoint"]["Port"], 11211);
    std::string a = n["Endpoint"]["Address"];
    addresses.insert(a);
    zones.insert(n["CustomerAvailabilityZone"]);
    EXPECT_EQ(mc(a, 11211, {"set", "k" + std::to_string(i), "v" + std::to_string(i)}), "True\n");
    EXPECT_EQ(mc(a, 11211, {"get", "k" + std::to_string(i)}), "v" + std::to_string(i) + "\n");
  }
  EXPECT_EQ(addresses.size(), 3u);
  EXPECT_EQ(zones.size(), 3u);  // cross-az
  std::string cfg = c["ConfigurationEndpoint"]["Address"];
  EXPECT_EQ(addresses.count(cfg), 0u);
  EXPECT_EQ(c["ConfigurationEndpoint"]["Port"], 11211);
  EXPECT_EQ(raw(cfg, 11211, "config get cluster\\r\\n"), expected_discovery(c, 1));
  // Ordinary commands through the configuration endpoint reach a node.
  EXPECT_EQ(mc(cfg, 11211, {"set", "via-cfg", "yes"}), "True\n");
  EXPECT_EQ(mc(cfg, 11211, {"get", "via-cfg"}), "yes\n");
  // memcached got the node type's memory: cache.m5.large 6537 MiB less 100 MiB overhead.
  EXPECT_NE(raw(c["CacheNodes"][0]["Endpoint"]["Address"], 11211, "stats settings\\r\\n")
                .find("STAT maxbytes 6749683712"),
            std::string::npos);
}

TEST_F(MemcachedCluster, GrowToFiveThenRemoveNode0002) {
  create_sessions(3);
  json grown = ok("modify-cache-cluster", {"--cache-cluster-id", "sessions", "--num-cache-nodes",
                                           "5", "--apply-immediately"});
  EXPECT_EQ(grown["CacheCluster"]["NumCacheNodes"], 5);
  RunResult w = cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "sessions"});
  ASSERT_EQ(w.exit_code, 0) << w.err;
  json c5 = describe("sessions");
  ASSERT_EQ(c5["CacheNodes"].size(), 5u);
  EXPECT_EQ(c5["CacheNodes"][4]["CacheNodeId"], "0005");
  std::string cfg = c5["ConfigurationEndpoint"]["Address"];
  EXPECT_EQ(raw(cfg, 11211, "config get cluster\\r\\n"), expected_discovery(c5, 2));
  EXPECT_EQ(memcached_processes(c5), 5);

  std::string removed_address = c5["CacheNodes"][1]["Endpoint"]["Address"];
  json shrunk =
      ok("modify-cache-cluster", {"--cache-cluster-id", "sessions", "--num-cache-nodes", "4",
                                  "--cache-node-ids-to-remove", "0002", "--apply-immediately"});
  // Answered while node 0002 was being taken away.
  EXPECT_EQ(shrunk["CacheCluster"]["CacheClusterStatus"], "modifying");
  EXPECT_EQ(shrunk["CacheCluster"]["NumCacheNodes"], 4);
  json c4 = describe("sessions");
  EXPECT_EQ(c4["CacheClusterStatus"], "available");
  std::vector<std::string> ids;
  for (const auto& n : c4["CacheNodes"]) ids.push_back(n["CacheNodeId"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"0001", "0003", "0004", "0005"}));
  EXPECT_EQ(c4["NumCacheNodes"], 4);
  EXPECT_EQ(raw(cfg, 11211, "config get cluster\\r\\n"), expected_discovery(c4, 3));
  EXPECT_EQ(memcached_processes(c4), 4);
  EXPECT_TRUE(processes_mentioning("-l " + removed_address + " ").empty()) << "stray memcached";
  json ev =
      ok("describe-events", {"--source-type", "cache-cluster", "--source-identifier", "sessions"});
  std::string all;
  for (const auto& e : ev["Events"]) all += e["Message"].get<std::string>() + "\n";
  EXPECT_NE(all.find("Added cache node 0004"), std::string::npos) << all;
  EXPECT_NE(all.find("Added cache node 0005"), std::string::npos) << all;
  EXPECT_NE(all.find("Removed cache node 0002"), std::string::npos) << all;
}

TEST_F(MemcachedCluster, WithoutApplyImmediatelyTheChangeIsPendingAndNothingMoves) {
  create_sessions(2);
  json before = describe("sessions");
  json r =
      ok("modify-cache-cluster", {"--cache-cluster-id", "sessions", "--num-cache-nodes", "1",
                                  "--cache-node-ids-to-remove", "0002", "--az-mode", "single-az"});
  EXPECT_EQ(r["CacheCluster"]["PendingModifiedValues"]["NumCacheNodes"], 1);
  EXPECT_EQ(r["CacheCluster"]["PendingModifiedValues"]["CacheNodeIdsToRemove"],
            json::array({"0002"}));
  json after = describe("sessions");
  EXPECT_EQ(after["CacheNodes"].size(), 2u);
  EXPECT_EQ(after["NumCacheNodes"], 2);
  EXPECT_EQ(memcached_processes(after), 2);
  EXPECT_EQ(raw(after["ConfigurationEndpoint"]["Address"], 11211, "config get cluster\\r\\n"),
            expected_discovery(before, 1));
  // The current count again cancels the pending removal, as the API documents.
  json cancel =
      ok("modify-cache-cluster", {"--cache-cluster-id", "sessions", "--num-cache-nodes", "2"});
  EXPECT_TRUE(cancel["CacheCluster"]["PendingModifiedValues"].empty()) << cancel.dump(2);
  EXPECT_TRUE(describe("sessions")["PendingModifiedValues"].empty());
}

TEST_F(MemcachedCluster, RebootingSomeNodesLosesOnlyTheirData) {
  create_sessions(2);
  json c = describe("sessions");
  std::string a1 = c["CacheNodes"][0]["Endpoint"]["Address"],
              a2 = c["CacheNodes"][1]["Endpoint"]["Address"];
  ASSERT_EQ(mc(a1, 11211, {"set", "k", "one"}), "True\n");
  ASSERT_EQ(mc(a2, 11211, {"set", "k", "two"}), "True\n");
  ok("reboot-cache-cluster",
     {"--cache-cluster-id", "sessions", "--cache-node-ids-to-reboot", "0001"});
  RunResult w = cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "sessions"});
  ASSERT_EQ(w.exit_code, 0) << w.err;
  EXPECT_EQ(mc(a1, 11211, {"get", "k"}), "\n");
  EXPECT_EQ(mc(a2, 11211, {"get", "k"}), "two\n");
  json ev =
      ok("describe-events", {"--source-type", "cache-cluster", "--source-identifier", "sessions"});
  std::string all;
  for (const auto& e : ev["Events"]) all += e["Message"].get<std::string>() + "\n";
  EXPECT_NE(all.find("Cache node 0001 restarted"), std::string::npos) << all;
  EXPECT_EQ(all.find("Cache node 0002 restarted"), std::string::npos) << all;
}

TEST_F(MemcachedCluster, RedisOnlyRequestsAndBadChangesGetElastiCachesErrors) {
  auto expect_error = [&](std::vector<std::string> args, const std::string& code) {
    RunResult r = cachectl(args);
    EXPECT_EQ(r.exit_code, 254) << args[0] << " " << args.back();
    EXPECT_NE(r.err.find("(" + code + ")"), std::string::npos) << r.err;
  };
  std::vector<std::string> base = {
      "create-cache-cluster", "--cache-cluster-id", "m", "--engine", "memcached",
      "--cache-node-type",    "cache.m5.large"};
  auto with = [&](std::vector<std::string> extra) {
    auto a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  expect_error(with({"--snapshot-retention-limit", "1"}), "InvalidParameterCombination");
  expect_error(with({"--snapshot-arns", "/tmp/dump.rdb"}), "InvalidParameterCombination");
  expect_error(with({"--snapshot-window", "05:00-06:00"}), "InvalidParameterCombination");
  expect_error(with({"--num-cache-nodes", "41"}), "NodeQuotaForClusterExceeded");
  expect_error(with({"--az-mode", "cross-az"}), "InvalidParameterCombination");
  expect_error(with({"--preferred-availability-zones", "us-east-1a", "--num-cache-nodes", "2"}),
               "InvalidParameterValue");
  EXPECT_EQ(ok("describe-cache-clusters", {})["CacheClusters"].size(), 0u);

  create_sessions(2);
  expect_error({"delete-cache-cluster", "--cache-cluster-id", "sessions",
                "--final-snapshot-identifier", "s"},
               "SnapshotFeatureNotSupportedFault");
  expect_error({"create-snapshot", "--cache-cluster-id", "sessions", "--snapshot-name", "s"},
               "SnapshotFeatureNotSupportedFault");
  expect_error({"modify-cache-cluster", "--cache-cluster-id", "sessions", "--num-cache-nodes", "1",
                "--apply-immediately"},
               "InvalidParameterValue");
  expect_error({"modify-cache-cluster", "--cache-cluster-id", "sessions", "--num-cache-nodes", "1",
                "--cache-node-ids-to-remove", "0009", "--apply-immediately"},
               "InvalidParameterValue");
  expect_error({"modify-cache-cluster", "--cache-cluster-id", "sessions", "--num-cache-nodes", "3",
                "--cache-node-ids-to-remove", "0001", "--apply-immediately"},
               "InvalidParameterCombination");
  expect_error({"modify-cache-cluster", "--cache-cluster-id", "sessions", "--num-cache-nodes", "41",
                "--apply-immediately"},
               "NodeQuotaForClusterExceeded");
  json c = describe("sessions");
  EXPECT_EQ(c["CacheNodes"].size(), 2u);
  EXPECT_EQ(memcached_processes(c), 2);
  EXPECT_TRUE(c["PendingModifiedValues"].empty());

  auto [address, port] = create_redis("r1");
  expect_error({"modify-cache-cluster", "--cache-cluster-id", "r1", "--num-cache-nodes", "2",
                "--apply-immediately"},
               "InvalidParameterCombination");
}

TEST_F(MemcachedCluster, KilledMemcachedIsRestartedAndEventsSaySo) {
  create_sessions(2);
  json c = describe("sessions");
  std::string a2 = c["CacheNodes"][1]["Endpoint"]["Address"];
  auto pids = processes_mentioning("-l " + a2 + " ");
  ASSERT_EQ(pids.size(), 1u);
  ASSERT_EQ(::kill(pids[0], SIGKILL), 0);
  ASSERT_TRUE(wait_until(
      [&] {
        auto now = processes_mentioning("-l " + a2 + " ");
        return now.size() == 1 && now[0] != pids[0] && mc(a2, 11211, {"set", "k", "v"}) == "True\n";
      },
      5s));
  json ev =
      ok("describe-events", {"--source-type", "cache-cluster", "--source-identifier", "sessions"});
  std::string all;
  for (const auto& e : ev["Events"]) all += e["Message"].get<std::string>() + "\n";
  EXPECT_NE(all.find("Recovering cache nodes 0002: memcached (pid " + std::to_string(pids[0]) +
                     ") was killed by signal 9"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("Finished recovery for cache nodes 0002"), std::string::npos) << all;
}

TEST_F(MemcachedCluster, DeleteStopsEveryNodeAndTheConfigurationEndpoint) {
  create_sessions(3);
  json c = describe("sessions");
  std::string cfg = c["ConfigurationEndpoint"]["Address"];
  ok("delete-cache-cluster", {"--cache-cluster-id", "sessions"});
  EXPECT_EQ(memcached_processes(c), 0);
  EXPECT_TRUE(running_pids().empty());
  EXPECT_EQ(raw(cfg, 11211, "config get cluster\\r\\n"), "");
}

}  // namespace
}  // namespace cachectl::testing
