// Integration test harness: a fresh temporary state home per test, the built
// cachectl binaries run as child processes, and a TearDown that kills every
// daemon and engine the test started, even when the test failed.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace cachectl::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  nlohmann::json json() const;  // stdout parsed (test fails if not JSON)
};

// Runs a program to completion, capturing its output (no shell).
RunResult run_program(const std::vector<std::string>& argv, const std::string& stdin_text = "");

class CachectlTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // cachectl --state-dir HOME args...
  RunResult cachectl(std::vector<std::string> args);
  // The same with a clean environment for its defaults (no user config, no
  // CACHECTL_DEFAULT_OUTPUT...), plus `vars` (NAME=VALUE).
  RunResult cachectl_env(const std::vector<std::string>& vars, std::vector<std::string> args);
  // Runs cachectl and checks exit 0 and that stdout passes shapecheck for `op`.
  nlohmann::json ok(const std::string& op, std::vector<std::string> args);
  // Runs cachectl, expects the API error exit (254) and returns the error's
  // code (what stands in parentheses in its message).
  std::string error_of(std::vector<std::string> args);
  // Fails the test when the document does not pass ../shared/tools/shapecheck.py.
  void expect_shape(const std::string& op, const std::string& json_text);

  RunResult redis_cli(const std::string& address, int port, std::vector<std::string> args);
  // redis-cli as the node daemon: a restricted command (CONFIG, SHUTDOWN, ...)
  // in args[0] is sent under the node's secret name
  // (core/restricted_commands.h), which clients do not know.
  RunResult redis_admin_cli(const std::string& address, int port, std::vector<std::string> args);
  // GET /v1/status of the node daemon at `address` (curl), parsed; null if
  // it does not answer.
  nlohmann::json node_status(const std::string& address);
  // Waits until the node daemon at `address` has looked at its schedule
  // (backups, maintenance, the record) once more, entirely after this call:
  // what a test wants to prove did not happen has then had its chance to.
  bool wait_for_schedule_check(const std::string& address);
  // Writes `count` keys key:N -> value-N through redis-cli --pipe.
  void write_keys(const std::string& address, int port, int count);

  // create-cache-cluster + wait cache-cluster-available; returns the
  // cluster's first node endpoint.
  std::pair<std::string, int> create_redis(const std::string& id,
                                           std::vector<std::string> extra = {});

  // Another "installed" Redis, HOME/engines/redis-server-VERSION (and
  // $CACHECTL_ENGINES_DIR set to that folder until the test ends): a
  // script that answers --version as that version at once, otherwise runs
  // the shell line `before_exec` and then the real redis-server.
  void install_redis_version(const std::string& version, const std::string& before_exec = "");

  // This home's own /16 of the loopback network ("127.N"; no other test
  // home uses it), read from home.toml once a command has prepared it.
  std::string home_prefix();
  // A /24 of it, "127.N.THIRD.0/24", to make subnet groups of.
  std::string home_subnet(int third) {
    return home_prefix() + "." + std::to_string(third) + ".0/24";
  }

  // describe-replication-groups of one group (null when there is none).
  nlohmann::json describe_group(const std::string& id);
  // create-replication-group of a cache.t3.micro Redis group with `extra`
  // options (answered "creating"), then wait replication-group-available;
  // the group as described then.
  nlohmann::json create_group(const std::string& id, std::vector<std::string> extra);
  void wait_group_available(const std::string& id);

  // Pids of every daemon/engine under this home (from their pid files and /proc).
  std::vector<int> running_pids() const;
  // Processes whose command line mentions this state home or one of its addresses.
  std::vector<int> processes_mentioning(const std::string& needle) const;

  std::string home_;
  std::string bin_dir_;
};

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

// Appends to `buffer` what `fd` gives before `deadline`; false when the time
// is up or `fd` is at its end (or failed).
bool read_some(int fd, std::string& buffer, std::chrono::steady_clock::time_point deadline);

}  // namespace cachectl::testing
