// A new Redis node's engine is started by the command that launches its
// daemon, as the daemon's child, just before the daemon's own start
// (node/engine_start.h); the daemon adopts it only if it was started with
// what the daemon would have started it with.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "os/spawn.h"
#include "tests/integration/harness.h"

namespace cachectl::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The parent pid of `pid` (/proc/PID/stat field 4), -1 when it is gone.
int parent_of(int pid) {
  std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  if (stat.empty()) return -1;
  std::istringstream rest(stat.substr(stat.rfind(')') + 2));
  std::string state;
  int ppid = -1;
  rest >> state >> ppid;
  return state == "Z" ? -1 : ppid;
}

bool gone_within(int pid, std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (parent_of(pid) > 0) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// The arguments of process `pid`.
std::vector<std::string> command_line(int pid) {
  std::string raw = slurp("/proc/" + std::to_string(pid) + "/cmdline");
  std::vector<std::string> out;
  std::string::size_type start = 0;
  while (start < raw.size()) {
    auto end = raw.find('\0', start);
    if (end == std::string::npos) end = raw.size();
    out.push_back(raw.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string argument_after(const std::vector<std::string>& argv, const std::string& name) {
  for (std::size_t i = 0; i + 1 < argv.size(); ++i)
    if (argv[i] == name) return argv[i + 1];
  return "";
}

class EarlyEngine : public CachectlTest {
 protected:
  std::string node_dir(const std::string& cluster) { return home_ + "/nodes/" + cluster + "/0001"; }

  // Stops the node's daemon with SIGKILL and waits for its engine to follow.
  void kill_daemon(const std::string& address) {
    auto s = node_status(address);
    int daemon = s["daemon"]["pid"].get<int>();
    int engine = s["engine"]["pid"].get<int>();
    ASSERT_EQ(::kill(daemon, SIGKILL), 0);
    ASSERT_TRUE(gone_within(engine, 5s)) << "the engine outlived its daemon";
  }

  // Starts the node's daemon as the launcher does, with redis-server started
  // first from the node's redis.conf as it is now: the daemon's pid and the
  // pid it was told of.
  std::pair<int, int> launch_with_engine(const std::string& cluster) {
    os::SpawnOptions engine;
    engine.argv = {"redis-server", node_dir(cluster) + "/redis.conf"};
    engine.cwd = node_dir(cluster);
    engine.log = node_dir(cluster) + "/engine.log";
    engine.new_process_group = true;
    engine.die_with_parent = true;
    os::SpawnOptions daemon;
    daemon.argv = {std::string(CACHECTL_BIN_DIR) + "/cachectl-node",
                   "--state-dir",
                   home_,
                   "--cluster",
                   cluster,
                   "--node",
                   "0001",
                   "--engine-pid",
                   "0"};
    daemon.log = node_dir(cluster) + "/node.log";
    daemon.detach = true;
    daemon.first = &engine;
    daemon.first_pid_argument = daemon.argv.size() - 1;
    os::Spawned s = os::spawn(daemon);
    EXPECT_TRUE(s) << s.what;
    if (!s) return {-1, -1};
    return {s.pid, std::stoi(argument_after(command_line(s.pid), "--engine-pid"))};
  }

  bool available_within(const std::string& address, std::chrono::milliseconds limit) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      auto s = node_status(address);
      if (s.is_object() && s.value("status", "") == "available") return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
};

TEST_F(EarlyEngine, ANewRedisNodesEngineIsTheDaemonsChildStartedBeforeIt) {
  auto [address, port] = create_redis("early");
  auto s = node_status(address);
  ASSERT_EQ(s["status"], "available") << s.dump();
  int daemon = s["daemon"]["pid"].get<int>();
  int engine = s["engine"]["pid"].get<int>();
  EXPECT_EQ(parent_of(engine), daemon);
  EXPECT_EQ(argument_after(command_line(daemon), "--engine-pid"), std::to_string(engine))
      << "the engine was not started by the launcher";
  EXPECT_EQ(redis_cli(address, port, {"PING"}).out, "PONG\n");
  // It is the daemon's engine like any other: restarted when it dies.
  ASSERT_EQ(::kill(engine, SIGKILL), 0);
  ASSERT_TRUE(available_within(address, 10s));
  EXPECT_NE(node_status(address)["engine"]["pid"].get<int>(), engine);
  EXPECT_EQ(node_status(address)["engine"]["restarts"], 1);
  // And it dies with the daemon.
  kill_daemon(address);
}

TEST_F(EarlyEngine, NodesWhoseStartNeedsTheDaemonAreStartedByIt) {
  // Memcached, and Redis with data to restore: no engine before the daemon.
  ok("create-cache-cluster", {"--cache-cluster-id", "mc", "--engine", "memcached",
                              "--cache-node-type", "cache.t3.micro", "--num-cache-nodes", "1"});
  ASSERT_EQ(cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "mc"}).exit_code, 0);
  auto [address, port] = create_redis("src");
  redis_cli(address, port, {"SET", "k", "v"});
  ok("create-snapshot", {"--cache-cluster-id", "src", "--snapshot-name", "snap"});
  auto [restored, restored_port] = create_redis("restored", {"--snapshot-name", "snap"});
  EXPECT_EQ(redis_cli(restored, restored_port, {"GET", "k"}).out, "v\n");
  for (const std::string cluster : {"mc", "restored"}) {
    int daemon = std::stoi(slurp(node_dir(cluster) + "/daemon.pid"));
    EXPECT_EQ(argument_after(command_line(daemon), "--engine-pid"), "") << cluster;
  }
}

TEST_F(EarlyEngine, TheDaemonAdoptsAnEngineStartedWithItsConfigurationAndReplacesAnyOther) {
  auto [address, port] = create_redis("swap");
  redis_cli(address, port, {"SET", "k", "v"});
  kill_daemon(address);

  // Started from the file the daemon would write: adopted, not restarted.
  auto [daemon, engine] = launch_with_engine("swap");
  ASSERT_GT(engine, 0) << "the first program did not start";
  ASSERT_TRUE(available_within(address, 10s)) << slurp(node_dir("swap") + "/node.log");
  auto s = node_status(address);
  EXPECT_EQ(s["engine"]["pid"].get<int>(), engine) << s.dump();
  EXPECT_EQ(s["daemon"]["pid"].get<int>(), daemon);
  EXPECT_EQ(s["engine"]["restarts"], 0);
  EXPECT_EQ(redis_cli(address, port, {"PING"}).out, "PONG\n");
  kill_daemon(address);

  // Started from another configuration (as when the parameter group changed
  // between the launcher's composing and the daemon's): replaced.
  const std::string conf = node_dir("swap") + "/redis.conf";
  std::string composed = slurp(conf);
  std::ofstream(conf, std::ios::app) << "maxmemory-samples 7\n";
  auto [daemon2, engine2] = launch_with_engine("swap");
  ASSERT_GT(engine2, 0);
  ASSERT_TRUE(available_within(address, 10s)) << slurp(node_dir("swap") + "/node.log");
  s = node_status(address);
  EXPECT_NE(s["engine"]["pid"].get<int>(), engine2) << s.dump();
  EXPECT_TRUE(gone_within(engine2, 5s)) << "the engine started with another file still runs";
  EXPECT_EQ(slurp(conf), composed) << "the daemon's own file was not written back";
  EXPECT_EQ(redis_admin_cli(address, port, {"CONFIG", "GET", "maxmemory-samples"}).out,
            "maxmemory-samples\n3\n");
  EXPECT_EQ(s["daemon"]["pid"].get<int>(), daemon2);
}

}  // namespace
}  // namespace cachectl::testing
