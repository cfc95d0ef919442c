#include "tests/integration/serve_fixture.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <regex>
#include <thread>

extern char** environ;

namespace cachectl::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Reads one line from `fd` within `timeout_ms`, keeping what follows.
bool read_line(int fd, std::string& buffer, std::string& line, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    std::size_t nl = buffer.find('\n');
    if (nl != std::string::npos) {
      line = buffer.substr(0, nl);
      buffer.erase(0, nl + 1);
      return true;
    }
    if (!read_some(fd, buffer, deadline)) return false;
  }
}

// Starts argv with stdin and stdout as pipes (stderr: ours).
pid_t start_with_pipes(const std::vector<std::string>& argv, int& to_child, int& from_child) {
  int in[2], out[2];
  if (::pipe2(in, O_CLOEXEC) || ::pipe2(out, O_CLOEXEC)) return -1;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(in[0]);
  ::close(out[1]);
  if (rc != 0) {
    ::close(in[1]);
    ::close(out[0]);
    return -1;
  }
  to_child = in[1];
  from_child = out[0];
  return pid;
}

bool is_timestamp(const json& v) {
  static const std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)");
  return v.is_string() && std::regex_match(v.get<std::string>(), iso);
}

// Both documents, member for member; timestamps may differ when `twins`.
void compare(const std::string& path, const json& a, const json& b, bool twins,
             std::vector<std::string>& differences) {
  if (twins && is_timestamp(a) && is_timestamp(b)) return;
  if (a.type() != b.type()) {
    differences.push_back(path + ": " + a.dump() + " vs " + b.dump());
    return;
  }
  if (a.is_object()) {
    for (auto it = a.begin(); it != a.end(); ++it) {
      if (!b.contains(it.key())) {
        differences.push_back(path + "." + it.key() + ": only from the server");
        continue;
      }
      compare(path + "." + it.key(), it.value(), b[it.key()], twins, differences);
    }
    for (auto it = b.begin(); it != b.end(); ++it)
      if (!a.contains(it.key()))
        differences.push_back(path + "." + it.key() + ": only from cachectl");
    return;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) {
      differences.push_back(path + ": " + std::to_string(a.size()) + " vs " +
                            std::to_string(b.size()) + " items");
      return;
    }
    for (std::size_t i = 0; i < a.size(); ++i)
      compare(path + "[" + std::to_string(i) + "]", a[i], b[i], twins, differences);
    return;
  }
  if (a != b) differences.push_back(path + ": " + a.dump() + " vs " + b.dump());
}

void report(const std::string& what, const json& served, const json& direct, bool twins) {
  std::vector<std::string> differences;
  compare("", served, direct, twins, differences);
  std::string listed;
  for (const auto& d : differences) listed += "\n  " + d;
  EXPECT_TRUE(differences.empty()) << what << ": the server's document (through aws-cli) and "
                                   << "cachectl's differ:" << listed << "\nserver:\n"
                                   << served.dump(2) << "\ncachectl:\n"
                                   << direct.dump(2);
}

}  // namespace

void expect_same_document(const std::string& what, const json& served, const json& direct) {
  report(what, served, direct, false);
}

void expect_twin_documents(const std::string& what, const json& served, const json& direct,
                           const std::vector<std::pair<std::string, std::string>>& ids) {
  // The served twin's ids (in any string: ARNs, names) become the other's.
  std::string text = served.dump();
  for (const auto& [from, to] : ids) {
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
  }
  report(what, json::parse(text), direct, true);
}

void ServeTest::SetUp() {
  CachectlTest::SetUp();
  client_home_ = home_ + "-client";
  fs::create_directories(client_home_);
}

void ServeTest::TearDown() {
  if (runner_ > 0) {
    ::close(runner_in_);
    ::close(runner_out_);
    ::kill(runner_, SIGKILL);
    ::waitpid(runner_, nullptr, 0);
  }
  if (server_ > 0) stop_server();
  std::error_code ec;
  fs::remove_all(client_home_, ec);
  CachectlTest::TearDown();
}

std::vector<std::string> ServeTest::client_env() const {
  return {"env",
          "-u",
          "AWS_PROFILE",
          "-u",
          "AWS_DEFAULT_PROFILE",
          "-u",
          "AWS_ENDPOINT_URL",
          "-u",
          "AWS_ENDPOINT_URL_ELASTICACHE",
          "-u",
          "AWS_SESSION_TOKEN",
          "-u",
          "AWS_CA_BUNDLE",
          "HOME=" + client_home_,
          "AWS_CONFIG_FILE=" + client_home_ + "/aws-config",
          "AWS_SHARED_CREDENTIALS_FILE=" + client_home_ + "/aws-credentials",
          "AWS_ACCESS_KEY_ID=" + access_key_,
          "AWS_SECRET_ACCESS_KEY=" + secret_key_,
          "AWS_DEFAULT_REGION=us-east-1",
          "AWS_REGION=us-east-1"};
}

void ServeTest::start_server(std::vector<std::string> extra) {
  std::vector<std::string> argv = {
      bin_dir_ + "/cachectl", "--state-dir", home_, "serve", "--listen", "127.0.0.1:0"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  int in = -1, out = -1;
  server_ = start_with_pipes(argv, in, out);
  ASSERT_GT(server_, 0) << "cannot start cachectl serve";
  ::close(in);
  std::string buffer, line;
  bool got = read_line(out, buffer, line, 10000);
  ::close(out);
  ASSERT_TRUE(got) << "cachectl serve printed no address";
  auto colon = line.rfind(':');
  ASSERT_NE(colon, std::string::npos) << line;
  ASSERT_EQ(line.rfind("Listening on http://127.0.0.1:", 0), 0u) << line;
  port_ = std::stoi(line.substr(colon + 1));
}

int ServeTest::stop_server() {
  if (server_ <= 0) return -1;
  ::kill(server_, SIGTERM);
  int status = 0;
  bool exited = wait_until([&] { return ::waitpid(server_, &status, WNOHANG) == server_; },
                           std::chrono::seconds(10));
  if (!exited) {
    ::kill(server_, SIGKILL);
    ::waitpid(server_, &status, 0);
  }
  server_ = -1;
  return exited && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

RunResult ServeTest::aws(std::vector<std::string> args) {
  args.insert(args.end(), {"--endpoint-url", endpoint()});
  RunResult r;
  if (runner_ <= 0) {
    std::vector<std::string> argv = client_env();
    argv.insert(argv.end(), {"python3", std::string(CACHECTL_SOURCE_DIR) +
                                            "/tests/integration/aws_cli_runner.py"});
    runner_ = start_with_pipes(argv, runner_in_, runner_out_);
    if (runner_ <= 0) {
      ADD_FAILURE() << "cannot start aws_cli_runner.py";
      return r;
    }
  }
  std::string line = json(args).dump() + "\n";
  if (::write(runner_in_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    ADD_FAILURE() << "aws_cli_runner.py is gone";
    return r;
  }
  std::string answer;
  if (!read_line(runner_out_, runner_buffer_, answer, 120000)) {
    ADD_FAILURE() << "aws_cli_runner.py did not answer: aws " << json(args).dump();
    return r;
  }
  json a = json::parse(answer);
  r.exit_code = a["rc"];
  r.out = a["out"];
  r.err = a["err"];
  return r;
}

RunResult ServeTest::aws_program(std::vector<std::string> args) {
  std::vector<std::string> argv = client_env();
  argv.push_back("aws");
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--endpoint-url", endpoint()});
  return run_program(argv);
}

RunResult ServeTest::python(const std::string& script, std::vector<std::string> args) {
  std::vector<std::string> argv = client_env();
  argv.insert(
      argv.end(),
      {"python3", std::string(CACHECTL_SOURCE_DIR) + "/tests/integration/" + script, endpoint()});
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv);
}

RunResult ServeTest::cli(std::vector<std::string> args) {
  args.insert(args.begin(), {"--region", "us-east-1"});
  return cachectl_env({}, std::move(args));
}

}  // namespace cachectl::testing
