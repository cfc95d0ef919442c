// The node daemon against hostile and careless clients: bad bodies on every
// route, restricted engine commands, the descriptor limit, a working
// directory that pins a mount, a save that must not stall the daemon.
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/restricted_commands.h"
#include "tests/integration/harness.h"

namespace cachectl::testing {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

class NodeDaemon : public CachectlTest {
 protected:
  std::string socket_of(const std::string& address) { return home_ + "/run/" + address + ".sock"; }
  // curl's status code and body.
  std::pair<std::string, std::string> curl(const std::string& address, const std::string& method,
                                           const std::string& path, const std::string& body) {
    std::string out = home_ + "/curl.out";
    std::vector<std::string> argv = {"curl",
                                     "-s",
                                     "-o",
                                     out,
                                     "-w",
                                     "%{http_code}",
                                     "-X",
                                     method,
                                     "--unix-socket",
                                     socket_of(address)};
    if (!body.empty()) {
      std::ofstream(home_ + "/curl.body") << body;
      argv.insert(argv.end(), {"-H", "Content-Type: application/json", "--data-binary",
                               "@" + home_ + "/curl.body"});
    }
    argv.push_back("http://node" + path);
    RunResult r = run_program(argv);
    std::ifstream in(out);
    std::stringstream text;
    text << in.rdbuf();
    return {r.out, text.str()};
  }
  int daemon_pid(const std::string& cluster) {
    std::ifstream in(home_ + "/nodes/" + cluster + "/0001/daemon.pid");
    int pid = 0;
    in >> pid;
    return pid;
  }
  // utime + stime of a process, in clock ticks (/proc/PID/stat fields 14, 15).
  long cpu_ticks(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream rest(text.substr(text.rfind(')') + 2));
    std::string field;
    long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
      if (i == 14) utime = std::stol(field);
      if (i == 15) stime = std::stol(field);
    }
    return utime + stime;
  }
};

TEST_F(NodeDaemon, BadBodiesOnEveryRouteGet400AndTheDaemonAndEngineStay) {
  auto [address, port] = create_redis("bad");
  json before = node_status(address);
  ASSERT_EQ(before["status"], "available") << before.dump();

  // The issue's example first: it ended the daemon and its engine.
  auto [code, body] = curl(address, "POST", "/v1/snapshot", R"({"path": 1})");
  EXPECT_EQ(code, "400");
  EXPECT_EQ(json::parse(body, nullptr, false)["error"],
            "\"path\" must be a string; send {\"path\": \"/absolute/path/of/the/rdb\"}");

  const std::string huge(200000, 'x');
  const std::string deep = std::string(50000, '[') + std::string(50000, ']');
  struct Case {
    std::string method, path, body;
  };
  std::vector<Case> cases = {
      {"POST", "/v1/snapshot", "{}"},
      {"POST", "/v1/snapshot", R"({"path": "/tmp/x", "extra": true})"},
      {"POST", "/v1/snapshot", "{\"path\": \"/" + huge + "\"}"},
      {"POST", "/v1/snapshot", "{\"path\": " + deep + "}"},
      {"POST", "/v1/snapshot", "not json"},
      {"POST", "/v1/config", R"({"parameters": {"timeout": 5}})"},
      {"POST", "/v1/config", R"({"parameters": "timeout=5"})"},
      {"POST", "/v1/config", R"({"parameters": {"timeout": "5"}, "x": 1})"},
      {"POST", "/v1/config", "{\"parameters\": {\"timeout\": \"" + huge + "\"}}"},
      {"POST", "/v1/config", R"({"parameters": {"dir": "/etc"}})"},
      {"POST", "/v1/reboot", R"({"now": true})"},
      {"POST", "/v1/modify", "[1, 2]"},
      {"POST", "/v1/shutdown", R"({"force": 1})"},
      {"GET", "/v1/status", "{\"x\": " + deep + "}"},
      {"GET", "/v1/memory", "null"},
      {"POST", "/v1/status/change", R"({"from": "available"})"},
      {"POST", "/v1/status/change", R"({"from": "available", "wait_ms": "1"})"},
  };
  for (const auto& c : cases) {
    auto [status, text] = curl(address, c.method, c.path, c.body);
    EXPECT_EQ(status, "400") << c.method << " " << c.path << " " << c.body.substr(0, 80);
    json err = json::parse(text, nullptr, false);
    EXPECT_TRUE(err.is_object() && err["error"].is_string() &&
                !err["error"].get<std::string>().empty())
        << c.path << ": " << text.substr(0, 200);
  }
  // Beyond the HTTP parser's body limit: 413, still JSON.
  auto [big, big_text] = curl(address, "POST", "/v1/snapshot", std::string(2 << 20, ' '));
  EXPECT_EQ(big, "413");
  EXPECT_TRUE(json::parse(big_text, nullptr, false).contains("error"));

  // Nothing happened: same daemon, same engine, still available, no restart.
  json after = node_status(address);
  EXPECT_EQ(after["status"], "available");
  EXPECT_EQ(after["daemon"]["pid"], before["daemon"]["pid"]);
  EXPECT_EQ(after["engine"]["pid"], before["engine"]["pid"]);
  EXPECT_EQ(after["engine"]["restarts"], 0);
  EXPECT_EQ(redis_cli(address, port, {"ping"}).out, "PONG\n");
  EXPECT_EQ(ok("describe-cache-clusters",
               {"--cache-cluster-id", "bad"})["CacheClusters"][0]["CacheClusterStatus"],
            "available");
}

TEST_F(NodeDaemon, AStatusLongPollAnswersWhenTheStatusMovesOrItsWaitEnds) {
  auto [address, port] = create_redis("poll");
  // Not what the asker saw: answered at once.
  auto t = std::chrono::steady_clock::now();
  auto [code, body] =
      curl(address, "POST", "/v1/status/change", R"({"from": "creating", "wait_ms": 5000})");
  EXPECT_EQ(code, "200");
  EXPECT_EQ(json::parse(body, nullptr, false)["status"], "available") << body;
  EXPECT_LT(std::chrono::steady_clock::now() - t, std::chrono::seconds(3));
  // Unchanged: held for its wait, then answered as it is.
  t = std::chrono::steady_clock::now();
  std::tie(code, body) =
      curl(address, "POST", "/v1/status/change", R"({"from": "available", "wait_ms": 300})");
  EXPECT_EQ(code, "200");
  EXPECT_EQ(json::parse(body, nullptr, false)["status"], "available") << body;
  EXPECT_GE(std::chrono::steady_clock::now() - t, std::chrono::milliseconds(300));
  // A reboot while one waits: answered with the moved status, long before its wait ends.
  std::string answer;
  std::thread waiter([&] {
    answer =
        curl(address, "POST", "/v1/status/change", R"({"from": "available", "wait_ms": 30000})")
            .second;
  });
  // The watch is held before the reboot is asked for (the daemon answers in order).
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  t = std::chrono::steady_clock::now();
  ok("reboot-cache-cluster", {"--cache-cluster-id", "poll", "--cache-node-ids-to-reboot", "0001"});
  waiter.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t, std::chrono::seconds(10));
  EXPECT_EQ(json::parse(answer, nullptr, false)["status"], "rebooting") << answer;
  // The daemon and its engine serve on.
  EXPECT_EQ(cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "poll"}).exit_code,
            0);
  EXPECT_EQ(redis_cli(address, port, {"ping"}).out, "PONG\n");
}

TEST_F(NodeDaemon, RestrictedCommandsAreUnknownToClientsAndTheEngineKeepsServing) {
  auto [address, port] = create_redis("locked");
  ASSERT_EQ(redis_cli(address, port, {"set", "k", "v"}).out, "OK\n");
  for (std::vector<std::string> cmd : {std::vector<std::string>{"CONFIG", "GET", "maxmemory"},
                                       {"SHUTDOWN", "NOSAVE"},
                                       {"DEBUG", "SLEEP", "0"},
                                       {"SAVE"},
                                       {"BGSAVE"},
                                       {"REPLICAOF", "127.0.0.1", "1"},
                                       {"MODULE", "LIST"},
                                       {"ACL", "WHOAMI"}}) {
    RunResult r = redis_cli(address, port, cmd);
    r.out += r.err;  // redis-cli may write the error to either
    EXPECT_EQ(r.out.rfind("ERR unknown command '" + cmd[0] + "'", 0), 0u)
        << cmd[0] << ": " << r.out;
  }
  EXPECT_EQ(redis_cli(address, port, {"get", "k"}).out, "v\n") << "the engine keeps serving";

  // The secret is in owner-only files, never in a command line.
  std::string dir = home_ + "/nodes/locked/0001";
  auto key = core::load_or_create_command_key(dir);
  ASSERT_TRUE(key) << key.error().message;
  for (const char* file : {"admin-commands.key", "redis.conf"}) {
    EXPECT_EQ(fs::status(dir + "/" + file).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write)
        << file;
  }
  json status = node_status(address);
  for (int pid : {status["engine"]["pid"].get<int>(), status["daemon"]["pid"].get<int>()}) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(cmdline.find(*key), std::string::npos) << pid;
  }
  // The daemon's own uses still work: a reboot stops the engine with its
  // own immediate shutdown (the renamed SHUTDOWN NOSAVE), not a signal.
  ASSERT_EQ(cachectl({"reboot-cache-cluster", "--cache-cluster-id", "locked",
                      "--cache-node-ids-to-reboot", "0001"})
                .exit_code,
            0);
  ASSERT_EQ(cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "locked"}).exit_code,
            0);
  std::ifstream log(dir + "/engine.log");
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("User requested shutdown"), std::string::npos) << text;
  EXPECT_EQ(text.find("Received SIGTERM"), std::string::npos);
  // Delete: the same shutdown, and nothing is left running.
  ASSERT_EQ(cachectl({"delete-cache-cluster", "--cache-cluster-id", "locked"}).exit_code, 0);
  EXPECT_TRUE(wait_until([&] { return running_pids().empty(); }, std::chrono::seconds(10)));
}

TEST_F(NodeDaemon, DaemonsWorkFromTheRootDirectory) {
  auto [address, port] = create_redis("cwd");
  int pid = daemon_pid("cwd");
  ASSERT_GT(pid, 0);
  EXPECT_EQ(fs::read_symlink("/proc/" + std::to_string(pid) + "/cwd"), "/");
  // Memcached's configuration endpoint daemon too.
  ok("create-cache-cluster", {"--cache-cluster-id", "mc", "--engine", "memcached",
                              "--cache-node-type", "cache.t3.micro", "--num-cache-nodes", "1"});
  ASSERT_EQ(cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "mc"}).exit_code, 0);
  for (const char* node : {"0001", "cfg"}) {
    std::ifstream in(home_ + "/nodes/mc/" + node + "/daemon.pid");
    int p = 0;
    in >> p;
    if (p <= 0) continue;  // the endpoint daemon may keep no pid file
    EXPECT_EQ(fs::read_symlink("/proc/" + std::to_string(p) + "/cwd"), "/") << node;
  }
}

TEST_F(NodeDaemon, StatusAnswersWhileAModifySavesTheData) {
  auto [address, port] = create_redis("slow");
  write_keys(address, port, 2000);
  // Each key now takes 2 ms to save: the save before the restart lasts ~4 s.
  ASSERT_EQ(redis_admin_cli(address, port, {"CONFIG", "SET", "rdb-key-save-delay", "2000"}).out,
            "OK\n");
  // The CLI's modify asks the daemon to catch up at once (POST /v1/modify).
  RunResult m = cachectl({"modify-cache-cluster", "--cache-cluster-id", "slow", "--cache-node-type",
                          "cache.t3.small", "--apply-immediately"});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  // The save runs in the background (BGSAVE), not in the daemon's loop ...
  ASSERT_TRUE(wait_until(
      [&] {
        return redis_cli(address, port, {"info", "persistence"})
                   .out.find("rdb_bgsave_in_progress:1") != std::string::npos;
      },
      std::chrono::seconds(5)));
  // ... so the daemon answers meanwhile, and says why the node is busy.
  json status = node_status(address);
  EXPECT_EQ(status["status"], "modifying") << status.dump();
  EXPECT_NE(redis_cli(address, port, {"info", "persistence"}).out.find("rdb_bgsave_in_progress:1"),
            std::string::npos)
      << "the answer came while the save was still running";
  ASSERT_TRUE(wait_until(
      [&] {
        json c = ok("describe-cache-clusters", {"--cache-cluster-id", "slow"});
        return c["CacheClusters"][0]["CacheClusterStatus"] == "available" &&
               c["CacheClusters"][0]["CacheNodeType"] == "cache.t3.small";
      },
      std::chrono::seconds(30)));
  EXPECT_EQ(redis_cli(address, port, {"dbsize"}).out, "2000\n") << "the data came through";
}

TEST_F(NodeDaemon, StatusAnswersWhileASnapshotIsTaken) {
  auto [address, port] = create_redis("snap");
  write_keys(address, port, 1500);
  ASSERT_EQ(redis_admin_cli(address, port, {"CONFIG", "SET", "rdb-key-save-delay", "2000"}).out,
            "OK\n");
  // create-snapshot waits for the daemon's answer: run it beside the test.
  std::thread snapshot([&] {
    RunResult r =
        cachectl({"create-snapshot", "--cache-cluster-id", "snap", "--snapshot-name", "s"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
  });
  bool saving = wait_until(
      [&] {
        return redis_cli(address, port, {"info", "persistence"})
                   .out.find("rdb_bgsave_in_progress:1") != std::string::npos;
      },
      std::chrono::seconds(5));
  json status = node_status(address);
  bool still_saving =
      redis_cli(address, port, {"info", "persistence"}).out.find("rdb_bgsave_in_progress:1") !=
      std::string::npos;
  snapshot.join();
  ASSERT_TRUE(saving);
  EXPECT_EQ(status["status"], "snapshotting") << status.dump();
  EXPECT_TRUE(still_saving) << "the answer came while the save was still running";
  json s = ok("describe-snapshots", {"--snapshot-name", "s"});
  EXPECT_EQ(s["Snapshots"][0]["SnapshotStatus"], "available");
}

TEST_F(NodeDaemon, ASnapshotWhoseEngineDiesFailsAndTheNodeRecovers) {
  auto [address, port] = create_redis("dies");
  write_keys(address, port, 1500);
  ASSERT_EQ(redis_admin_cli(address, port, {"CONFIG", "SET", "rdb-key-save-delay", "2000"}).out,
            "OK\n");
  int engine = node_status(address)["engine"]["pid"];
  RunResult result;
  std::thread snapshot([&] {
    result = cachectl({"create-snapshot", "--cache-cluster-id", "dies", "--snapshot-name", "s"});
  });
  bool saving = wait_until(
      [&] {
        return redis_cli(address, port, {"info", "persistence"})
                   .out.find("rdb_bgsave_in_progress:1") != std::string::npos;
      },
      std::chrono::seconds(5));
  ::kill(engine, SIGKILL);
  snapshot.join();  // answered (a failure), not left waiting on another engine
  ASSERT_TRUE(saving);
  EXPECT_EQ(result.exit_code, 254) << result.out;
  EXPECT_NE(result.err.find("could not be snapshotted"), std::string::npos) << result.err;
  EXPECT_TRUE(wait_until([&] { return node_status(address)["status"] == "available"; },
                         std::chrono::seconds(10)));
  EXPECT_EQ(cachectl({"describe-snapshots", "--snapshot-name", "s"}).exit_code, 254);
}

TEST_F(NodeDaemon, AtTheDescriptorLimitTheDaemonDoesNotSpinAndStillRestartsItsEngine) {
  auto [address, port] = create_redis("fds");
  int pid = daemon_pid("fds");
  json before = node_status(address);
  int engine = before["engine"]["pid"];
  ASSERT_GT(engine, 0);
  RunResult limited = run_program({"prlimit", "--pid", std::to_string(pid), "--nofile=64:64"});
  ASSERT_EQ(limited.exit_code, 0) << limited.err;

  // Many clients connect and say nothing: more than the daemon can hold.
  std::vector<int> clients;
  for (int i = 0; i < 150; ++i) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strncpy(sa.sun_path, socket_of(address).c_str(), sizeof sa.sun_path - 1);
    ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);  // may fail: backlog full
    clients.push_back(fd);
  }
  long ticks_before = cpu_ticks(pid);
  ::kill(engine, SIGKILL);
  // Restarted at once (it used to wait until idle clients timed out, 10 s).
  EXPECT_TRUE(wait_until(
      [&] {
        return !fs::exists("/proc/" + std::to_string(engine)) &&
               redis_cli(address, port, {"ping"}).out == "PONG\n";
      },
      std::chrono::seconds(5)));
  // A one-second window to measure the daemon's CPU: a daemon spinning on an
  // unacceptable listener used about half a core; an idle one uses ~nothing.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  long used = cpu_ticks(pid) - ticks_before;
  EXPECT_LT(used, 20) << "clock ticks of CPU used by the daemon";
  for (int fd : clients) ::close(fd);
  // With the clients gone it serves again.
  EXPECT_TRUE(wait_until([&] { return node_status(address)["status"] == "available"; },
                         std::chrono::seconds(5)));
}

}  // namespace
}  // namespace cachectl::testing
