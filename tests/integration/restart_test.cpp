// A machine restart: every process of a state home (node daemons, engines,
// the configuration endpoint) is gone; `cachectl resume` brings every
// cluster back on the same endpoints, the one with appendonly yes with its
// keys, and says what it did.
#include <signal.h>

#include <filesystem>

#include "tests/integration/harness.h"

namespace cachectl::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;

class Restart : public CachectlTest {
 protected:
  json describe_all() {
    json all = ok("describe-cache-clusters", {"--show-cache-node-info"})["CacheClusters"];
    json out = json::object();
    for (const auto& c : all) out[c["CacheClusterId"].get<std::string>()] = c;
    return out;
  }
  // Every endpoint of every cluster: "id/node address:port".
  std::vector<std::string> endpoints(const json& clusters) {
    std::vector<std::string> out;
    for (const auto& [id, c] : clusters.items()) {
      for (const auto& n : c["CacheNodes"])
        out.push_back(id + "/" + n["CacheNodeId"].get<std::string>() + " " +
                      n["Endpoint"]["Address"].get<std::string>() + ":" +
                      std::to_string(n["Endpoint"]["Port"].get<int>()));
      if (c.contains("ConfigurationEndpoint"))
        out.push_back(id + "/cfg " + c["ConfigurationEndpoint"]["Address"].get<std::string>() +
                      ":" + std::to_string(c["ConfigurationEndpoint"]["Port"].get<int>()));
    }
    return out;
  }
  std::string memcached_get(const std::string& address, int port, const std::string& line) {
    const char* script = R"(
import socket, sys, time
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)
s.sendall(sys.argv[3].encode() + b"\r\n")
data = b""
deadline = time.time() + 2
while time.time() < deadline and not data.endswith(b"END\r\n"):
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
sys.stdout.write(data.decode())
)";
    return run_program({"python3", "-c", script, address, std::to_string(port), line}).out;
  }
};

TEST_F(Restart, ResumeBringsEveryClusterBackOnItsEndpointsAndPersistentDataWithIt) {
  ok("create-cache-parameter-group",
     {"--cache-parameter-group-name", "persistent", "--cache-parameter-group-family", "redis7",
      "--description", "AOF on"});
  ok("modify-cache-parameter-group",
     {"--cache-parameter-group-name", "persistent", "--parameter-name-values",
      "ParameterName=appendonly,ParameterValue=yes"});
  auto [kept_address, kept_port] =
      create_redis("kept", {"--cache-parameter-group-name", "persistent"});
  auto [lost_address, lost_port] = create_redis("lost");
  create_redis("third");
  write_keys(kept_address, kept_port, 500);
  write_keys(lost_address, lost_port, 10);
  ok("create-cache-cluster", {"--cache-cluster-id", "mc", "--engine", "memcached",
                              "--cache-node-type", "cache.t3.micro", "--num-cache-nodes", "3"});
  ASSERT_EQ(cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "mc"}).exit_code, 0);
  // The append-only file is on disk, in the node's data directory.
  EXPECT_TRUE(fs::exists(home_ + "/nodes/kept/0001/data/appendonlydir"));
  json before = describe_all();
  ASSERT_EQ(before.size(), 4u);

  // The restart: every process of the home dies at once.
  std::vector<int> pids = running_pids();
  ASSERT_GE(pids.size(), 3u + 3u + 1u);  // node daemons (3 redis, 3 memcached), the endpoint's
  for (int pid : pids) ::kill(pid, SIGKILL);
  ASSERT_TRUE(wait_until([&] { return running_pids().empty(); }, 10s));
  json down = describe_all();
  for (const auto& [id, c] : down.items()) EXPECT_EQ(c["CacheClusterStatus"], "failed") << id;

  RunResult resumed = cachectl({"resume"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err << resumed.out;
  json report = resumed.json();
  EXPECT_EQ(report["StartedNodes"].size(), 3u + 3u + 1u) << report.dump(2);
  EXPECT_TRUE(report["Failed"].empty()) << report.dump(2);
  for (const auto& id : {"kept", "lost", "third", "mc"}) {
    RunResult w = cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", id});
    EXPECT_EQ(w.exit_code, 0) << id << ": " << w.err;
  }
  json after = describe_all();
  EXPECT_EQ(endpoints(after), endpoints(before));
  for (const auto& [id, c] : after.items()) EXPECT_EQ(c["CacheClusterStatus"], "available") << id;

  // appendonly yes: the keys came back; without it the node is empty.
  EXPECT_EQ(redis_cli(kept_address, kept_port, {"DBSIZE"}).out, "500\n");
  EXPECT_EQ(redis_cli(kept_address, kept_port, {"GET", "key:499"}).out, "value-499\n");
  EXPECT_EQ(redis_cli(lost_address, lost_port, {"DBSIZE"}).out, "0\n");
  // Memcached: the nodes serve and the configuration endpoint lists them.
  const auto& mc = after["mc"];
  std::string cfg = mc["ConfigurationEndpoint"]["Address"];
  std::string discovery = memcached_get(cfg, 11211, "config get cluster");
  for (const auto& n : mc["CacheNodes"])
    EXPECT_NE(discovery.find(n["Endpoint"]["Address"].get<std::string>()), std::string::npos)
        << discovery;

  // The outage is in the events.
  RunResult events =
      cachectl({"describe-events", "--source-type", "cache-cluster", "--source-identifier", "mc"});
  EXPECT_NE(events.out.find("Cache node 0002 restarted after the node daemon was found stopped"),
            std::string::npos)
      << events.out;
  EXPECT_NE(events.out.find("Configuration endpoint restarted"), std::string::npos) << events.out;

  // Resume again: nothing to do.
  RunResult again = cachectl({"resume"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  json second = again.json();
  EXPECT_TRUE(second["StartedNodes"].empty()) << second.dump(2);
  EXPECT_TRUE(second["FinishedOperations"].empty()) << second.dump(2);
  EXPECT_TRUE(second["RemovedLeftovers"].empty()) << second.dump(2);

  for (const auto& id : {"kept", "lost", "third", "mc"})
    ok("delete-cache-cluster", {"--cache-cluster-id", id});
}

// A cluster whose delete was interrupted by the restart is finished, not
// started again.
TEST_F(Restart, ResumeFinishesADeleteInsteadOfStartingTheCluster) {
  create_redis("going");
  std::string record = home_ + "/clusters/going.toml";
  for (int pid : running_pids()) ::kill(pid, SIGKILL);
  ASSERT_TRUE(wait_until([&] { return running_pids().empty(); }, 10s));
  // As delete-cache-cluster leaves the record when the machine stops
  // right after it marked the cluster.
  RunResult mark =
      run_program({"sed", "-i", "s/^lifecycle = .*/lifecycle = \"deleting\"/", record});
  ASSERT_EQ(mark.exit_code, 0);
  RunResult resumed = cachectl({"resume"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  json report = resumed.json();
  EXPECT_TRUE(report["StartedNodes"].empty()) << report.dump(2);
  EXPECT_EQ(report["FinishedOperations"].size(), 1u) << report.dump(2);
  EXPECT_FALSE(fs::exists(record));
  EXPECT_TRUE(running_pids().empty());
  EXPECT_TRUE(fs::is_empty(home_ + "/addresses"));
}

}  // namespace
}  // namespace cachectl::testing
