// Multi-step operations finish or are undone, whatever is killed: a shrink
// killed half-way, two grows at once, a snapshot killed while the engine
// saves. (The kill loop, kill_loop_test.cpp, does this 15 times at random.)
#include "core/intent.h"

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "core/node_types.h"
#include "core/registry.h"
#include "core/state_home.h"
#include "tests/integration/harness.h"

namespace cachectl::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;

class Intents : public CachectlTest {
 protected:
  json describe(const std::string& id) {
    return ok("describe-cache-clusters",
              {"--cache-cluster-id", id, "--show-cache-node-info"})["CacheClusters"][0];
  }
  json create_memcached(const std::string& id, int nodes) {
    json c = ok("create-cache-cluster",
                {"--cache-cluster-id", id, "--engine", "memcached", "--cache-node-type",
                 "cache.t3.micro", "--num-cache-nodes", std::to_string(nodes)});
    RunResult w = cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", id});
    EXPECT_EQ(w.exit_code, 0) << w.err;
    return describe(id);
  }
  bool daemon_running(const std::string& cluster, const std::string& node) {
    return !processes_mentioning("--cluster " + cluster + " --node " + node + " ").empty();
  }
  std::vector<std::string> claims() {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(home_ + "/addresses"))
      out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
  std::string record_text(const std::string& id) {
    std::ifstream in(home_ + "/clusters/" + id + ".toml");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  // A pid no process has (a child that has exited and been reaped).
  int dead_pid() {
    pid_t pid = ::fork();
    if (pid == 0) ::_exit(0);
    int ws = 0;
    ::waitpid(pid, &ws, 0);
    return pid;
  }
};

// The record exactly as `modify-cache-cluster --num-cache-nodes 2
// --cache-node-ids-to-remove 0003 --apply-immediately` leaves it when killed
// after its one locked update: node 0003 moved to [[removing_nodes]] (its
// daemon still running), a "modify" intent whose owner is gone.
TEST_F(Intents, AShrinkKilledHalfWayIsFinishedByTheNextCommand) {
  json before = create_memcached("m", 3);
  std::string removed_address = before["CacheNodes"][2]["Endpoint"]["Address"];
  core::Registry registry{core::StateHome(home_)};
  int owner = dead_pid();
  ASSERT_EQ(registry.update("m",
                            [&](core::CacheClusterRecord& r) -> core::Status {
                              r.removing.push_back(r.nodes.back());
                              r.nodes.pop_back();
                              r.num_cache_nodes = 2;
                              r.config_version += 1;
                              r.intent.operation = "modify";
                              r.intent.pid = owner;
                              r.intent.started = std::chrono::system_clock::now();
                              return std::nullopt;
                            }),
            std::nullopt);
  ASSERT_TRUE(daemon_running("m", "0003"));

  // Reboot, the first command after the kill, is not refused: it finishes
  // the shrink first.
  RunResult reboot = cachectl(
      {"reboot-cache-cluster", "--cache-cluster-id", "m", "--cache-node-ids-to-reboot", "0001"});
  EXPECT_EQ(reboot.exit_code, 0) << reboot.err;
  EXPECT_EQ(record_text("m").find("removing_nodes"), std::string::npos) << record_text("m");
  EXPECT_EQ(record_text("m").find("[intent]"), std::string::npos) << record_text("m");
  EXPECT_TRUE(wait_until([&] { return !daemon_running("m", "0003"); }, 10s));
  EXPECT_TRUE(processes_mentioning("-l " + removed_address + " ").empty()) << "stray memcached";
  EXPECT_FALSE(fs::exists(home_ + "/addresses/" + removed_address));
  EXPECT_FALSE(fs::exists(home_ + "/nodes/m/0003"));
  RunResult w = cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "m"});
  EXPECT_EQ(w.exit_code, 0) << w.err;
  EXPECT_EQ(describe("m")["NumCacheNodes"], 2);
  RunResult events =
      cachectl({"describe-events", "--source-type", "cache-cluster", "--source-identifier", "m"});
  EXPECT_NE(events.out.find("Removed cache node 0003"), std::string::npos) << events.out;
  // And the cluster takes the next change and goes.
  ok("delete-cache-cluster", {"--cache-cluster-id", "m"});
  EXPECT_TRUE(claims().empty());
}

// The record exactly as `modify-cache-cluster --cache-node-type X
// --apply-immediately` leaves it when killed after its one locked update,
// before it asked the daemons to restart (POST /v1/modify): the new node
// type (or engine version) in the record, a "modify" intent with `restart`
// whose owner is gone.
class RestartIntents : public Intents {
 protected:
  void plant_restart_intent(const std::string& id, const std::string& node_type,
                            const std::string& engine_version) {
    core::Registry registry{core::StateHome(home_)};
    int owner = dead_pid();
    ASSERT_EQ(registry.update(id,
                              [&](core::CacheClusterRecord& r) -> core::Status {
                                if (!node_type.empty()) r.node_type = node_type;
                                if (!engine_version.empty()) r.engine_version = engine_version;
                                r.intent.operation = "modify";
                                r.intent.restart = true;
                                r.intent.pid = owner;
                                r.intent.started = std::chrono::system_clock::now();
                                return std::nullopt;
                              }),
              std::nullopt);
    owner_ = owner;
  }
  std::string maxmemory(const std::pair<std::string, int>& ep) {
    return redis_admin_cli(ep.first, ep.second, {"CONFIG", "GET", "maxmemory"}).out;
  }
  std::string expected_maxmemory(const std::string& node_type) {
    const core::NodeType* t = core::find_node_type(node_type);
    EXPECT_NE(t, nullptr) << node_type;
    return "maxmemory\n" + std::to_string(t ? core::redis_maxmemory(*t) : -1) + "\n";
  }
  // The engine restarted for the change, once, keeping its data: what the
  // daemon reports (a new engine pid, one restart, the event) and the
  // engine's maxmemory for the new node type.
  void expect_restarted_once(const std::string& id, const std::pair<std::string, int>& ep,
                             std::int64_t old_pid, const std::string& node_type) {
    RunResult w = cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", id});
    EXPECT_EQ(w.exit_code, 0) << w.err;
    EXPECT_TRUE(wait_until([&] { return maxmemory(ep) == expected_maxmemory(node_type); }, 20s))
        << maxmemory(ep);
    json status = node_status(ep.first);
    EXPECT_NE(status["engine"]["pid"], old_pid);
    EXPECT_EQ(status["engine"]["restarts"], 1) << status.dump();
    EXPECT_EQ(status["status"], "available");
    EXPECT_EQ(redis_cli(ep.first, ep.second, {"get", "kept"}).out, "yes\n");
    EXPECT_EQ(describe(id)["CacheNodeType"], node_type);
    RunResult events =
        cachectl({"describe-events", "--source-type", "cache-cluster", "--source-identifier", id});
    EXPECT_NE(events.out.find("Cache node type modified to " + node_type), std::string::npos)
        << events.out;
    EXPECT_EQ(record_text(id).find("[intent]"), std::string::npos) << record_text(id);
  }
  int owner_ = 0;
};

TEST_F(RestartIntents, AKilledNodeTypeChangeIsFinishedByResume) {
  auto ep = create_redis("r");
  ASSERT_EQ(redis_cli(ep.first, ep.second, {"set", "kept", "yes"}).out, "OK\n");
  ASSERT_EQ(maxmemory(ep), expected_maxmemory("cache.t3.micro"));
  std::int64_t old_pid = node_status(ep.first)["engine"]["pid"];
  plant_restart_intent("r", "cache.t3.small", "");

  RunResult resumed = cachectl({"resume"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  json report = resumed.json();
  ASSERT_EQ(report["FinishedOperations"].size(), 1u) << report.dump(2);
  EXPECT_EQ(report["FinishedOperations"][0]["CacheClusterId"], "r");
  EXPECT_EQ(report["FinishedOperations"][0]["Action"],
            "finished restarting the engines of r for the new node type or engine version (left "
            "by process " +
                std::to_string(owner_) + ")");
  EXPECT_TRUE(report["StartedNodes"].empty()) << "its daemon was running";
  expect_restarted_once("r", ep, old_pid, "cache.t3.small");
  // Done: a second resume finds nothing.
  json again = cachectl({"resume"}).json();
  EXPECT_TRUE(again["FinishedOperations"].empty()) << again.dump(2);
}

TEST_F(RestartIntents, AKilledNodeTypeChangeIsFinishedByTheNextCommand) {
  auto ep = create_redis("r");
  ASSERT_EQ(redis_cli(ep.first, ep.second, {"set", "kept", "yes"}).out, "OK\n");
  std::int64_t old_pid = node_status(ep.first)["engine"]["pid"];
  plant_restart_intent("r", "cache.t3.medium", "");
  // Describing the cluster, with nobody holding its lock, finishes it.
  json c = describe("r");
  EXPECT_EQ(c["CacheNodeType"], "cache.t3.medium");
  EXPECT_EQ(record_text("r").find("[intent]"), std::string::npos) << record_text("r");
  expect_restarted_once("r", ep, old_pid, "cache.t3.medium");
}

// A create killed after writing its record (its daemons not started yet) is
// finished by the next command that looks at the cluster.
TEST_F(Intents, ACreateKilledBeforeItsDaemonsStartedIsFinishedByDescribe) {
  create_memcached("m", 2);
  for (int pid : running_pids()) ::kill(pid, SIGKILL);
  ASSERT_TRUE(wait_until([&] { return running_pids().empty(); }, 10s));
  core::Registry registry{core::StateHome(home_)};
  int owner = dead_pid();
  ASSERT_EQ(registry.update("m",
                            [&](core::CacheClusterRecord& r) -> core::Status {
                              r.intent.operation = "create";
                              r.intent.pid = owner;
                              r.intent.started = std::chrono::system_clock::now();
                              return std::nullopt;
                            }),
            std::nullopt);
  RunResult w = cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "m"});
  EXPECT_EQ(w.exit_code, 0) << w.err;
  EXPECT_TRUE(daemon_running("m", "0001"));
  EXPECT_TRUE(daemon_running("m", "0002"));
  EXPECT_TRUE(daemon_running("m", "cfg"));
  EXPECT_EQ(record_text("m").find("[intent]"), std::string::npos) << record_text("m");
  ok("delete-cache-cluster", {"--cache-cluster-id", "m"});
}

// delete-cache-cluster --final-snapshot-identifier killed while the snapshot
// is taken: the delete is undone, the cluster stays and takes commands.
TEST_F(Intents, ADeleteKilledDuringItsFinalSnapshotIsUndone) {
  create_redis("r");
  core::Registry registry{core::StateHome(home_)};
  int owner = dead_pid();
  std::string work = home_ + "/snapshots/.last.tmp." + std::to_string(owner);
  fs::create_directories(work);
  ASSERT_EQ(registry.update("r",
                            [&](core::CacheClusterRecord& r) -> core::Status {
                              r.intent.operation = "delete";
                              r.intent.step = "final-snapshot";
                              r.intent.snapshot = "last";
                              r.intent.pid = owner;
                              r.intent.started = std::chrono::system_clock::now();
                              return std::nullopt;
                            }),
            std::nullopt);
  json c = describe("r");
  EXPECT_EQ(c["CacheClusterStatus"], "available");
  EXPECT_FALSE(fs::exists(work));
  EXPECT_EQ(record_text("r").find("[intent]"), std::string::npos) << record_text("r");
  ok("delete-cache-cluster", {"--cache-cluster-id", "r", "--final-snapshot-identifier", "last"});
  ok("describe-snapshots", {"--snapshot-name", "last"});
}

// An intent whose owner still holds the operation lock is not touched: the
// other command is refused, and the record stays as the owner left it.
TEST_F(Intents, AnOperationInProgressIsNotTouchedAndOthersAreRefused) {
  create_memcached("m", 2);
  // Hold the cluster's operation lock as a running command does (this
  // process; the commands it runs do not inherit it).
  auto held = core::OperationLock::try_take(core::StateHome(home_), "m");
  ASSERT_TRUE(held.ok());
  RunResult modify = cachectl({"modify-cache-cluster", "--cache-cluster-id", "m",
                               "--num-cache-nodes", "3", "--apply-immediately"});
  EXPECT_EQ(modify.exit_code, 254);
  EXPECT_NE(modify.err.find("InvalidCacheClusterState"), std::string::npos) << modify.err;
  RunResult del = cachectl({"delete-cache-cluster", "--cache-cluster-id", "m"});
  EXPECT_EQ(del.exit_code, 254);
  EXPECT_NE(del.err.find("InvalidCacheClusterState"), std::string::npos) << del.err;
  EXPECT_EQ(describe("m")["NumCacheNodes"], 2);
  EXPECT_EQ(record_text("m").find("[intent]"), std::string::npos);
  held = core::ApiError{"", ""};  // released
  ok("delete-cache-cluster", {"--cache-cluster-id", "m"});
}

// Two (here six) grows at once: one wins, the others get the API's error
// with nothing changed; the record, the claims and the processes agree.
TEST_F(Intents, ConcurrentGrowsOneWinsAndTheRecordStaysConsistent) {
  create_memcached("m", 2);
  std::vector<RunResult> results(6);
  std::vector<std::thread> threads;
  for (auto& r : results)
    threads.emplace_back([&] {
      r = cachectl({"modify-cache-cluster", "--cache-cluster-id", "m", "--num-cache-nodes", "4",
                    "--apply-immediately"});
    });
  for (auto& t : threads) t.join();
  int won = 0;
  for (const auto& r : results) {
    if (r.exit_code == 0) {
      ++won;
      continue;
    }
    EXPECT_EQ(r.exit_code, 254) << r.err;
    EXPECT_NE(r.err.find("InvalidCacheClusterState"), std::string::npos) << r.err;
  }
  EXPECT_GE(won, 1);
  RunResult w = cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "m"});
  ASSERT_EQ(w.exit_code, 0) << w.err;
  json c = describe("m");
  ASSERT_EQ(c["NumCacheNodes"], 4);
  ASSERT_EQ(c["CacheNodes"].size(), 4u);
  std::set<std::string> addresses;
  for (const auto& n : c["CacheNodes"]) {
    std::string a = n["Endpoint"]["Address"];
    addresses.insert(a);
    EXPECT_EQ(processes_mentioning("-l " + a + " ").size(), 1u) << a;
  }
  EXPECT_EQ(addresses.size(), 4u);
  addresses.insert(c["ConfigurationEndpoint"]["Address"].get<std::string>());
  EXPECT_EQ(claims(), std::vector<std::string>(addresses.begin(), addresses.end()));
  // Exactly two nodes were added, once.
  RunResult events =
      cachectl({"describe-events", "--source-type", "cache-cluster", "--source-identifier", "m"});
  std::size_t added = 0;
  for (const char* node : {"Added cache node 0003", "Added cache node 0004"})
    for (auto at = events.out.find(node); at != std::string::npos;
         at = events.out.find(node, at + 1))
      ++added;
  EXPECT_EQ(added, 2u) << events.out;
  // Every command still works.
  ok("describe-cache-clusters", {});
  ok("delete-cache-cluster", {"--cache-cluster-id", "m"});
  EXPECT_TRUE(wait_until([&] { return running_pids().empty(); }, 10s));
  EXPECT_TRUE(claims().empty());
}

// create-snapshot killed while the engine saves: its private directory (a
// full RDB once the daemon has moved it there) is removed by the next
// command, and the same name can be taken again.
TEST_F(Intents, AKilledSnapshotLeavesNoTemporaryDirectory) {
  auto [address, port] = create_redis("r");
  write_keys(address, port, 20000);
  std::vector<std::string> argv = {
      bin_dir_ + "/cachectl", "--state-dir", home_, "create-snapshot", "--cache-cluster-id", "r",
      "--snapshot-name",      "s1"};
  pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  auto work_dirs = [&] {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(home_ + "/snapshots", ec))
      if (e.path().filename().string().rfind(".s1.tmp.", 0) == 0) out.push_back(e.path());
    return out;
  };
  ASSERT_TRUE(wait_until([&] { return !work_dirs().empty(); }, 10s));
  ::kill(pid, SIGKILL);
  int ws = 0;
  ::waitpid(pid, &ws, 0);
  ASSERT_TRUE(WIFSIGNALED(ws)) << "create-snapshot finished before it could be killed";

  RunResult w = cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "r"});
  EXPECT_EQ(w.exit_code, 0) << w.err;
  EXPECT_TRUE(work_dirs().empty());
  EXPECT_EQ(record_text("r").find("[intent]"), std::string::npos) << record_text("r");
  ok("create-snapshot", {"--cache-cluster-id", "r", "--snapshot-name", "s1"});
  EXPECT_TRUE(work_dirs().empty());
  ok("delete-cache-cluster", {"--cache-cluster-id", "r"});
}

// Temporary directories of snapshots whose process died (as the old
// create-snapshot left them: 46 after 50 kills) go at the next
// create-snapshot.
TEST_F(Intents, NextSnapshotRemovesWorkDirectoriesOfDeadProcesses) {
  create_redis("r");
  int gone = dead_pid();
  fs::create_directories(home_ + "/snapshots/.old.tmp." + std::to_string(gone));
  std::ofstream(home_ + "/snapshots/.old.tmp." + std::to_string(gone) + "/0001.rdb") << "REDIS";
  ok("create-snapshot", {"--cache-cluster-id", "r", "--snapshot-name", "s2"});
  EXPECT_FALSE(fs::exists(home_ + "/snapshots/.old.tmp." + std::to_string(gone)));
  ok("delete-cache-cluster", {"--cache-cluster-id", "r"});
}

}  // namespace
}  // namespace cachectl::testing
