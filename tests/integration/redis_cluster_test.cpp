// The Redis walkthrough of the issue, end to end, against real redis-server.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <thread>

#include "tests/integration/harness.h"

namespace cachectl::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

class RedisCluster : public CachectlTest {
 protected:
  int engine_pid(const std::string& id) {
    std::ifstream f(home_ + "/nodes/" + id + "/0001/daemon.pid");
    int daemon = 0;
    f >> daemon;
    std::ifstream children("/proc/" + std::to_string(daemon) + "/task/" + std::to_string(daemon) +
                           "/children");
    int child = 0;
    children >> child;
    return child;
  }
  std::string status_of(const std::string& id) {
    auto r = cachectl({"describe-cache-clusters", "--cache-cluster-id", id});
    if (r.exit_code != 0) return "error: " + r.err;
    return r.json()["CacheClusters"][0]["CacheClusterStatus"];
  }
};

TEST_F(RedisCluster, WalkthroughCreateWaitDescribeServesRedis) {
  json created =
      ok("create-cache-cluster", {"--cache-cluster-id", "exampleredis", "--engine", "redis",
                                  "--cache-node-type", "cache.t1.micro", "--num-cache-nodes", "1",
                                  "--preferred-maintenance-window", "mon:00:00-mon:01:00"});
  const json& c = created["CacheCluster"];
  EXPECT_EQ(c["CacheClusterId"], "exampleredis");
  EXPECT_EQ(c["CacheClusterStatus"], "creating");
  EXPECT_EQ(c["Engine"], "redis");
  EXPECT_EQ(c["CacheNodeType"], "cache.t1.micro");
  EXPECT_EQ(c["PreferredMaintenanceWindow"], "mon:00:00-mon:01:00");
  EXPECT_EQ(c["CacheParameterGroup"]["CacheParameterGroupName"], "default.redis7");

  RunResult w = cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "exampleredis"});
  ASSERT_EQ(w.exit_code, 0) << w.err;
  json d = ok("describe-cache-clusters",
              {"--cache-cluster-id", "exampleredis", "--show-cache-node-info"});
  const json& cluster = d["CacheClusters"][0];
  EXPECT_EQ(cluster["CacheClusterStatus"], "available");
  ASSERT_EQ(cluster["CacheNodes"].size(), 1u);
  const json& node = cluster["CacheNodes"][0];
  EXPECT_EQ(node["CacheNodeId"], "0001");
  EXPECT_EQ(node["CacheNodeStatus"], "available");
  std::string address = node["Endpoint"]["Address"];
  int port = node["Endpoint"]["Port"];
  EXPECT_EQ(address.rfind("127.", 0), 0u) << address;
  EXPECT_EQ(port, 6379);

  EXPECT_EQ(redis_cli(address, port, {"set", "k", "v"}).out, "OK\n");
  EXPECT_EQ(redis_cli(address, port, {"get", "k"}).out, "v\n");
  // maxmemory: cache.t1.micro's documented 142606336 less 25% reserved.
  EXPECT_EQ(redis_admin_cli(address, port, {"config", "get", "maxmemory"}).out,
            "maxmemory\n106954752\n");
}

TEST_F(RedisCluster, RebootRestartsTheEngineAndRecordsAnEvent) {
  auto [address, port] = create_redis("rb");
  ASSERT_FALSE(address.empty());
  ASSERT_EQ(redis_cli(address, port, {"set", "k", "v"}).out, "OK\n");
  int before = engine_pid("rb");
  ASSERT_GT(before, 0);
  json r = ok("reboot-cache-cluster",
              {"--cache-cluster-id", "rb", "--cache-node-ids-to-reboot", "0001"});
  EXPECT_EQ(r["CacheCluster"]["CacheClusterStatus"], "rebooting cache cluster nodes");
  RunResult w = cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "rb"});
  ASSERT_EQ(w.exit_code, 0) << w.err;
  EXPECT_NE(engine_pid("rb"), before);
  // Without persistence the data is gone, as on ElastiCache.
  EXPECT_EQ(redis_cli(address, port, {"get", "k"}).out, "\n");
  json ev = ok("describe-events", {"--source-type", "cache-cluster", "--source-identifier", "rb"});
  std::set<std::string> messages;
  for (const auto& e : ev["Events"]) messages.insert(e["Message"]);
  EXPECT_TRUE(messages.count("Cache node 0001 restarted")) << ev.dump(2);
}

TEST_F(RedisCluster, RebootOfUnknownNodeIsRefusedAndChangesNothing) {
  auto [address, port] = create_redis("rb2");
  int before = engine_pid("rb2");
  RunResult r = cachectl(
      {"reboot-cache-cluster", "--cache-cluster-id", "rb2", "--cache-node-ids-to-reboot", "0002"});
  EXPECT_EQ(r.exit_code, 254);
  EXPECT_NE(r.err.find("(InvalidParameterValue)"), std::string::npos) << r.err;
  EXPECT_EQ(engine_pid("rb2"), before);
  EXPECT_EQ(status_of("rb2"), "available");
}

TEST_F(RedisCluster, DeleteLeavesNoProcessNoAddressNoFiles) {
  auto [address, port] = create_redis("gone");
  ASSERT_FALSE(address.empty());
  ASSERT_FALSE(processes_mentioning(address).empty());
  json del = ok("delete-cache-cluster", {"--cache-cluster-id", "gone"});
  EXPECT_EQ(del["CacheCluster"]["CacheClusterStatus"], "deleting");
  RunResult w = cachectl({"wait", "cache-cluster-deleted", "--cache-cluster-id", "gone"});
  EXPECT_EQ(w.exit_code, 0) << w.err;
  EXPECT_TRUE(running_pids().empty());
  EXPECT_TRUE(processes_mentioning(address).empty());
  EXPECT_FALSE(std::filesystem::exists(home_ + "/addresses/" + address));
  EXPECT_FALSE(std::filesystem::exists(home_ + "/nodes/gone"));
  EXPECT_NE(redis_cli(address, port, {"ping"}).out, "PONG\n");
  RunResult d = cachectl({"describe-cache-clusters", "--cache-cluster-id", "gone"});
  EXPECT_EQ(d.exit_code, 254);
  EXPECT_NE(d.err.find("An error occurred (CacheClusterNotFound) when calling the "
                       "DescribeCacheClusters operation"),
            std::string::npos)
      << d.err;
}

TEST_F(RedisCluster, KilledEngineIsServingAgainWithinASecondAndEventsSaySo) {
  auto [address, port] = create_redis("crash");
  ASSERT_EQ(redis_cli(address, port, {"ping"}).out, "PONG\n");
  int pid = engine_pid("crash");
  ASSERT_GT(pid, 0);
  auto killed_at = std::chrono::steady_clock::now();
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  bool back = wait_until(
      [&] {
        return engine_pid("crash") != pid && redis_cli(address, port, {"ping"}).out == "PONG\n";
      },
      5s);
  auto took = std::chrono::steady_clock::now() - killed_at;
  ASSERT_TRUE(back);
  EXPECT_LT(took, 1s) << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                      << " ms";
  json ev =
      ok("describe-events", {"--source-type", "cache-cluster", "--source-identifier", "crash"});
  std::string all;
  for (const auto& e : ev["Events"]) all += e["Message"].get<std::string>() + "\n";
  EXPECT_NE(all.find("Recovering cache nodes 0001: redis-server (pid " + std::to_string(pid) +
                     ") was killed by signal 9"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("Finished recovery for cache nodes 0001"), std::string::npos) << all;
  EXPECT_EQ(status_of("crash"), "available");
}

TEST_F(RedisCluster, SixteenConcurrentCreatorsMakeThirtyTwoDistinctClusters) {
  std::vector<pid_t> children;
  for (int p = 0; p < 16; ++p) {
    pid_t pid = ::fork();
    if (pid == 0) {
      int failures = 0;
      for (int k = 0; k < 2; ++k) {
        std::string id = "c" + std::to_string(p) + "-" + std::to_string(k);
        RunResult r = cachectl({"create-cache-cluster", "--cache-cluster-id", id, "--engine",
                                "redis", "--cache-node-type", "cache.t3.micro"});
        if (r.exit_code != 0) ++failures;
      }
      ::_exit(failures);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int ws = 0;
    ::waitpid(pid, &ws, 0);
    EXPECT_TRUE(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
  }
  json all = ok("describe-cache-clusters", {"--show-cache-node-info", "--max-records", "100"});
  ASSERT_EQ(all["CacheClusters"].size(), 32u);
  std::set<std::string> endpoints;
  for (const auto& c : all["CacheClusters"]) {
    RunResult w =
        cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", c["CacheClusterId"]});
    EXPECT_EQ(w.exit_code, 0) << c["CacheClusterId"] << ": " << w.err;
    const json& ep = c["CacheNodes"][0]["Endpoint"];
    endpoints.insert(ep["Address"].get<std::string>() + ":" +
                     std::to_string(ep["Port"].get<int>()));
  }
  EXPECT_EQ(endpoints.size(), 32u);
  for (const auto& ep : endpoints) {
    auto colon = ep.find(':');
    EXPECT_EQ(redis_cli(ep.substr(0, colon), std::stoi(ep.substr(colon + 1)), {"ping"}).out,
              "PONG\n")
        << ep;
  }
}

TEST_F(RedisCluster, PagingWithMaxRecordsAndMarker) {
  for (int i = 0; i < 25; ++i) {
    RunResult r =
        cachectl({"create-cache-cluster", "--cache-cluster-id", "p" + std::to_string(100 + i),
                  "--engine", "redis", "--cache-node-type", "cache.t3.micro"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  json first = ok("describe-cache-clusters", {"--max-records", "20"});
  ASSERT_EQ(first["CacheClusters"].size(), 20u);
  ASSERT_TRUE(first.contains("Marker"));
  json second = ok("describe-cache-clusters", {"--max-records", "20", "--marker", first["Marker"]});
  ASSERT_EQ(second["CacheClusters"].size(), 5u);
  EXPECT_FALSE(second.contains("Marker"));
  EXPECT_EQ(second["CacheClusters"][4]["CacheClusterId"], "p124");
  RunResult bad = cachectl({"describe-cache-clusters", "--max-records", "5"});
  EXPECT_EQ(bad.exit_code, 254);
  EXPECT_NE(bad.err.find("InvalidParameterValue"), std::string::npos);
}

TEST_F(RedisCluster, BadInputsGetApiErrorsAndChangeNothing) {
  struct Case {
    std::vector<std::string> args;
    std::string code;
  };
  std::vector<Case> cases = {
      {{"--cache-cluster-id", "1abc", "--cache-node-type", "cache.t3.micro"},
       "InvalidParameterValue"},
      {{"--cache-cluster-id", "a--b", "--cache-node-type", "cache.t3.micro"},
       "InvalidParameterValue"},
      {{"--cache-cluster-id", "ok", "--cache-node-type", "cache.x9.huge"}, "InvalidParameterValue"},
      {{"--cache-cluster-id", "ok", "--cache-node-type", "cache.t3.micro", "--num-cache-nodes",
        "2"},
       "InvalidParameterCombination"},
      {{"--cache-cluster-id", "ok", "--cache-node-type", "cache.t3.micro",
        "--preferred-maintenance-window", "mon:00:00-mon:00:30"},
       "InvalidParameterValue"},
      {{"--cache-cluster-id", "ok", "--cache-node-type", "cache.t1.micro",
        "--snapshot-retention-limit", "1"},
       "InvalidParameterCombination"},
      {{"--cache-cluster-id", "ok", "--cache-node-type", "cache.t3.micro",
        "--snapshot-retention-limit", "36"},
       "InvalidParameterValue"},
      {{"--cache-cluster-id", "ok", "--cache-node-type", "cache.t3.micro",
        "--cache-parameter-group-name", "nope"},
       "CacheParameterGroupNotFound"},
      {{"--cache-cluster-id", "ok", "--cache-node-type", "cache.t3.micro", "--engine-version",
        "2.8"},
       "InvalidParameterValue"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"create-cache-cluster"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    RunResult r = cachectl(args);
    EXPECT_EQ(r.exit_code, 254) << c.args[1];
    EXPECT_NE(r.err.find("An error occurred (" + c.code +
                         ") when calling the CreateCacheCluster operation: "),
              std::string::npos)
        << c.args[1] << ": " << r.err;
  }
  // Nothing was recorded, no process started.
  json all = ok("describe-cache-clusters", {});
  EXPECT_EQ(all["CacheClusters"].size(), 0u);
  EXPECT_TRUE(running_pids().empty());

  create_redis("dup");
  RunResult dup = cachectl(
      {"create-cache-cluster", "--cache-cluster-id", "DUP", "--cache-node-type", "cache.t3.micro"});
  EXPECT_EQ(dup.exit_code, 254);
  EXPECT_NE(dup.err.find("(CacheClusterAlreadyExists)"), std::string::npos) << dup.err;
}

TEST_F(RedisCluster, BadUsageExits252WithAHint) {
  RunResult missing = cachectl({"create-cache-cluster"});
  EXPECT_EQ(missing.exit_code, 252);
  EXPECT_NE(missing.err.find("the following arguments are required: --cache-cluster-id"),
            std::string::npos)
      << missing.err;
  EXPECT_NE(missing.err.find("cachectl help"), std::string::npos);
  RunResult unknown = cachectl({"describe-cache-clusters", "--no-such-option", "x"});
  EXPECT_EQ(unknown.exit_code, 252);
  RunResult bad_int =
      cachectl({"create-cache-cluster", "--cache-cluster-id", "x", "--num-cache-nodes", "two"});
  EXPECT_EQ(bad_int.exit_code, 252);
  RunResult bad_op = cachectl({"create-cache-clusterz"});
  EXPECT_EQ(bad_op.exit_code, 252);
  RunResult help = cachectl({"help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("create-cache-cluster"), std::string::npos);
  RunResult op_help = cachectl({"create-cache-cluster", "help"});
  EXPECT_EQ(op_help.exit_code, 0);
  EXPECT_NE(op_help.out.find("--preferred-maintenance-window"), std::string::npos);
}

TEST_F(RedisCluster, HandBrokenRegistryFileNamesTheFileAndNothingCrashes) {
  create_redis("broken");
  std::string file = home_ + "/clusters/broken.toml";
  {
    std::ofstream f(file, std::ios::app);
    f << "port = \"not a number\n";
  }
  RunResult r = cachectl({"describe-cache-clusters", "--cache-cluster-id", "broken"});
  EXPECT_EQ(r.exit_code, 253);
  EXPECT_NE(r.err.find(file), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("line"), std::string::npos) << r.err;
  RunResult all = cachectl({"describe-cache-clusters"});
  EXPECT_EQ(all.exit_code, 253);
  EXPECT_NE(all.err.find(file), std::string::npos) << all.err;
}

TEST_F(RedisCluster, WaiterFailsFastOnATerminalState) {
  RunResult r = cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "never"});
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_NE(r.err.find("Waiter CacheClusterAvailable failed"), std::string::npos) << r.err;
  RunResult d = cachectl({"wait", "cache-cluster-deleted", "--cache-cluster-id", "never"});
  EXPECT_EQ(d.exit_code, 0) << d.err;  // CacheClusterNotFound is success for this waiter
}

TEST_F(RedisCluster, KilledDaemonShowsFailedAndRebootBringsItBack) {
  auto [address, port] = create_redis("revive");
  std::ifstream f(home_ + "/nodes/revive/0001/daemon.pid");
  int daemon = 0;
  f >> daemon;
  ASSERT_GT(daemon, 0);
  ASSERT_EQ(::kill(daemon, SIGKILL), 0);
  ASSERT_TRUE(wait_until([&] { return status_of("revive") == "failed"; }, 5s))
      << status_of("revive");
  // Its engine went with it.
  EXPECT_TRUE(wait_until([&] { return redis_cli(address, port, {"ping"}).out != "PONG\n"; }, 5s));
  ok("reboot-cache-cluster",
     {"--cache-cluster-id", "revive", "--cache-node-ids-to-reboot", "0001"});
  RunResult w = cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "revive"});
  ASSERT_EQ(w.exit_code, 0) << w.err;
  EXPECT_EQ(redis_cli(address, port, {"ping"}).out, "PONG\n");
}

TEST_F(RedisCluster, AdminSocketAnswersGarbageWithAnErrorAndKeepsServing) {
  auto [address, port] = create_redis("sock");
  std::string sock = home_ + "/run/" + address + ".sock";
  RunResult garbage = run_program({"python3", "-c",
                                   "import "
                                   "socket,sys\ns=socket.socket(socket.AF_UNIX)\ns.connect(sys."
                                   "argv[1])\ns.sendall(b'\\x00\\xffGARBAGE\\r\\n\\r\\n')\nprint(s."
                                   "recv(4096).decode(errors='replace').split('\\r\\n')[0])",
                                   sock});
  EXPECT_EQ(garbage.out, "HTTP/1.1 400 Bad Request\n") << garbage.err;
  RunResult status = run_program({"curl", "-s", "--unix-socket", sock, "http://node/v1/status"});
  auto j = nlohmann::json::parse(status.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << status.out;
  EXPECT_EQ(j["status"], "available");
  RunResult missing = run_program({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                                   "--unix-socket", sock, "http://node/v1/nope"});
  EXPECT_EQ(missing.out, "404");
  struct stat st {};
  ASSERT_EQ(::stat(sock.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

}  // namespace
}  // namespace cachectl::testing
