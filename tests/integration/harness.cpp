#include "tests/integration/harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/restricted_commands.h"

extern char** environ;

namespace cachectl::testing {

namespace fs = std::filesystem;

nlohmann::json RunResult::json() const {
  auto j = nlohmann::json::parse(out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "not JSON: " << out << "\nstderr: " << err;
  return j.is_discarded() ? nlohmann::json() : j;
}

RunResult run_program(const std::vector<std::string>& argv, const std::string& stdin_text) {
  RunResult r;
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) || ::pipe2(out, O_CLOEXEC) || ::pipe2(err, O_CLOEXEC)) return r;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid;
  int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  if (!stdin_text.empty()) (void)!::write(in[1], stdin_text.data(), stdin_text.size());
  ::close(in[1]);
  if (rc != 0) {
    ::close(out[0]);
    ::close(err[0]);
    r.err = "cannot run " + argv[0];
    return r;
  }
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    ::poll(fds, 2, -1);
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
      }
    }
  }
  int ws = 0;
  ::waitpid(pid, &ws, 0);
  r.exit_code = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
  return r;
}

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return condition();
}

bool read_some(int fd, std::string& buffer, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[65536];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return false;
    buffer.append(buf, static_cast<std::size_t>(n));
    return true;
  }
}

void CachectlTest::SetUp() {
  char tmpl[] = "/tmp/cct-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  home_ = tmpl;
  bin_dir_ = CACHECTL_BIN_DIR;
}

std::vector<int> CachectlTest::processes_mentioning(const std::string& needle) const {
  std::vector<int> pids;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    // Processes come and go while we look: read with plain read(2), which
    // just fails for a process that is gone.
    std::string cmd;
    int fd = ::open((entry.path() / "cmdline").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) cmd.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    for (auto& c : cmd)
      if (c == '\0') c = ' ';
    if (cmd.find(needle) != std::string::npos) pids.push_back(std::stoi(name));
  }
  return pids;
}

std::vector<int> CachectlTest::running_pids() const {
  std::vector<int> pids = processes_mentioning(home_ + " ");
  // Engines are found by their config path (redis) or by their daemon's children.
  for (int p : processes_mentioning(home_ + "/nodes/")) pids.push_back(p);
  for (int p : processes_mentioning(home_ + "/groups/")) pids.push_back(p);
  std::error_code ec;
  if (fs::exists(home_ + "/addresses", ec)) {
    for (const auto& claim : fs::directory_iterator(home_ + "/addresses", ec)) {
      for (int p : processes_mentioning("-l " + claim.path().filename().string() + " "))
        pids.push_back(p);
    }
  }
  std::sort(pids.begin(), pids.end());
  pids.erase(std::unique(pids.begin(), pids.end()), pids.end());
  return pids;
}

void CachectlTest::TearDown() {
  ::unsetenv("CACHECTL_ENGINES_DIR");  // install_redis_version's
  // Kill whatever this test started, whether or not it passed.
  for (int pid : running_pids()) ::kill(pid, SIGKILL);
  wait_until([&] { return running_pids().empty(); }, std::chrono::seconds(5));
  EXPECT_TRUE(running_pids().empty()) << "processes survived the test's cleanup";
  std::error_code ec;
  fs::remove_all(home_, ec);
}

RunResult CachectlTest::cachectl(std::vector<std::string> args) {
  args.insert(args.begin(), {bin_dir_ + "/cachectl", "--state-dir", home_});
  return run_program(args);
}

RunResult CachectlTest::cachectl_env(const std::vector<std::string>& vars,
                                     std::vector<std::string> args) {
  std::vector<std::string> argv = {"env",
                                   "-u",
                                   "CACHECTL_DEFAULT_OUTPUT",
                                   "-u",
                                   "AWS_DEFAULT_OUTPUT",
                                   "-u",
                                   "CACHECTL_PROFILE",
                                   "CACHECTL_CONFIG_FILE=" + home_ + "/no-config"};
  argv.insert(argv.end(), vars.begin(), vars.end());
  argv.insert(argv.end(), {bin_dir_ + "/cachectl", "--state-dir", home_});
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv);
}

void CachectlTest::expect_shape(const std::string& op, const std::string& json_text) {
  RunResult r = run_program({"python3", CACHECTL_SHAPECHECK, op}, json_text);
  EXPECT_EQ(r.exit_code, 0) << "shapecheck " << op << " failed:\n"
                            << r.out << r.err << "\ndocument:\n"
                            << json_text;
}

nlohmann::json CachectlTest::ok(const std::string& op, std::vector<std::string> args) {
  args.insert(args.begin(), op);
  RunResult r = cachectl(args);
  EXPECT_EQ(r.exit_code, 0) << "cachectl " << op << " failed: " << r.err;
  if (r.exit_code != 0) return {};
  expect_shape(op, r.out);
  return r.json();
}

nlohmann::json CachectlTest::describe_group(const std::string& id) {
  nlohmann::json out = ok("describe-replication-groups", {"--replication-group-id", id});
  if (out.is_null() || out["ReplicationGroups"].empty()) return {};
  return out["ReplicationGroups"][0];
}

nlohmann::json CachectlTest::create_group(const std::string& id, std::vector<std::string> extra) {
  std::vector<std::string> args = {"--replication-group-id",
                                   id,
                                   "--replication-group-description",
                                   "test group",
                                   "--cache-node-type",
                                   "cache.t3.micro",
                                   "--engine",
                                   "redis"};
  args.insert(args.end(), extra.begin(), extra.end());
  nlohmann::json out = ok("create-replication-group", args);
  EXPECT_EQ(out["ReplicationGroup"]["Status"], "creating") << out.dump();
  wait_group_available(id);
  return describe_group(id);
}

void CachectlTest::wait_group_available(const std::string& id) {
  RunResult w = cachectl({"wait", "replication-group-available", "--replication-group-id", id});
  EXPECT_EQ(w.exit_code, 0) << w.err;
}

RunResult CachectlTest::redis_cli(const std::string& address, int port,
                                  std::vector<std::string> args) {
  args.insert(args.begin(), {"redis-cli", "-h", address, "-p", std::to_string(port)});
  return run_program(args);
}

RunResult CachectlTest::redis_admin_cli(const std::string& address, int port,
                                        std::vector<std::string> args) {
  // The node whose redis.conf binds this address and port.
  std::error_code ec;
  std::string key;
  for (const auto& cluster : std::filesystem::directory_iterator(home_ + "/nodes", ec)) {
    for (const auto& node : std::filesystem::directory_iterator(cluster.path(), ec)) {
      std::ifstream conf(node.path() / "redis.conf");
      std::string text((std::istreambuf_iterator<char>(conf)), std::istreambuf_iterator<char>());
      if ((text.find("\nbind " + address + "\n") == std::string::npos &&
           text.find("\nbind " + address + " ") == std::string::npos) ||
          text.find("\nport " + std::to_string(port) + "\n") == std::string::npos)
        continue;
      // A replication group's members share the group's key (node/daemon.cpp).
      std::filesystem::path key_dir = node.path();
      if (!std::filesystem::exists(core::command_key_file(key_dir))) {
        auto at = text.find("\n# group ");
        if (at != std::string::npos)
          key_dir = std::filesystem::path(home_) / "groups" /
                    text.substr(at + 9, text.find('\n', at + 9) - at - 9);
      }
      auto k = core::load_or_create_command_key(key_dir);
      if (k) key = *k;
    }
  }
  EXPECT_FALSE(key.empty()) << "no node binds " << address << ":" << port;
  if (!args.empty()) {
    std::string upper;
    for (char c : args[0]) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (const auto& r : core::restricted_commands())
      if (r.name == upper && r.used_by_daemon) args[0] = core::renamed_command(upper, key);
  }
  return redis_cli(address, port, std::move(args));
}

nlohmann::json CachectlTest::node_status(const std::string& address) {
  RunResult r = run_program({"curl", "-s", "--unix-socket", home_ + "/run/" + address + ".sock",
                             "http://node/v1/status"});
  return nlohmann::json::parse(r.out, nullptr, false);
}

bool CachectlTest::wait_for_schedule_check(const std::string& address) {
  auto checks = [&]() -> std::int64_t {
    nlohmann::json s = node_status(address);
    if (!s.is_object() || !s["daemon"]["schedule_checks"].is_number_integer()) return -1;
    return s["daemon"]["schedule_checks"].get<std::int64_t>();
  };
  std::int64_t before = checks();
  EXPECT_GE(before, 0) << "the daemon at " << address << " does not answer";
  // The check counted next began after our request was answered.
  return wait_until([&] { return checks() > before; }, std::chrono::seconds(10));
}

void CachectlTest::write_keys(const std::string& address, int port, int count) {
  std::string pipe;
  for (int i = 0; i < count; ++i) {
    std::string k = "key:" + std::to_string(i), v = "value-" + std::to_string(i);
    pipe += "*3\r\n$3\r\nSET\r\n$" + std::to_string(k.size()) + "\r\n" + k + "\r\n$" +
            std::to_string(v.size()) + "\r\n" + v + "\r\n";
  }
  RunResult r =
      run_program({"redis-cli", "-h", address, "-p", std::to_string(port), "--pipe"}, pipe);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_NE(r.out.find("errors: 0, replies: " + std::to_string(count)), std::string::npos) << r.out;
}

void CachectlTest::install_redis_version(const std::string& version,
                                         const std::string& before_exec) {
  std::string dir = home_ + "/engines";
  fs::create_directories(dir);
  RunResult which = run_program({"sh", "-c", "command -v redis-server"});
  std::string real = which.out.substr(0, which.out.find('\n'));
  std::string path = dir + "/redis-server-" + version;
  std::ofstream(path) << "#!/bin/sh\n"
                      << "if [ \"$1\" = --version ]; then echo 'Redis server v=" << version
                      << " sha=00000000:0 malloc=libc bits=64 build=test'; exit 0; fi\n"
                      << before_exec << "\nexec " << real << " \"$@\"\n";
  fs::permissions(path, fs::perms::owner_all);
  ::setenv("CACHECTL_ENGINES_DIR", dir.c_str(), 1);
}

std::string CachectlTest::error_of(std::vector<std::string> args) {
  RunResult r = cachectl(std::move(args));
  EXPECT_EQ(r.exit_code, 254) << r.out << r.err;
  auto open = r.err.find('('), close = r.err.find(')');
  return open == std::string::npos ? r.err : r.err.substr(open + 1, close - open - 1);
}

std::string CachectlTest::home_prefix() {
  if (!fs::exists(home_ + "/home.toml")) ok("describe-cache-subnet-groups", {});
  std::ifstream in(home_ + "/home.toml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto at = text.find("127.", text.find("address_prefix"));
  return text.substr(at, text.find_first_not_of("0123456789.", at) - at);
}

std::pair<std::string, int> CachectlTest::create_redis(const std::string& id,
                                                       std::vector<std::string> extra) {
  std::vector<std::string> args = {
      "--cache-cluster-id", id, "--engine", "redis", "--cache-node-type", "cache.t3.micro",
      "--num-cache-nodes",  "1"};
  args.insert(args.end(), extra.begin(), extra.end());
  ok("create-cache-cluster", args);
  RunResult w = cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", id});
  EXPECT_EQ(w.exit_code, 0) << w.err;
  auto d = ok("describe-cache-clusters", {"--cache-cluster-id", id, "--show-cache-node-info"});
  if (d.is_null()) return {"", 0};
  const auto& ep = d["CacheClusters"][0]["CacheNodes"][0]["Endpoint"];
  return {ep["Address"].get<std::string>(), ep["Port"].get<int>()};
}

}  // namespace cachectl::testing
