#include "cli/node_launcher.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <utility>
#include <vector>

#include "core/files.h"
#include "node/engine_start.h"
#include "os/spawn.h"

namespace cachectl::cli {

namespace fs = std::filesystem;

std::string node_binary() { return core::companion_program("cachectl-node", "CACHECTL_NODE_BIN"); }

namespace {

// Starts `argv` (a cachectl-node) detached with its output in DIR/node.log;
// it reports on descriptor 3: "ok" or "error: ...".
core::Result<PendingDaemon> start_daemon(const fs::path& dir, std::vector<std::string> argv,
                                         const std::string& what,
                                         const os::SpawnOptions* engine = nullptr) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return core::ApiError{core::kInvalidConfiguration,
                          "cannot create " + dir.string() + ": " + ec.message()};
  std::string log = (dir / "node.log").string();
  int ready[2];
  if (::pipe2(ready, O_CLOEXEC) != 0)
    return core::ApiError{"InternalFailure", std::strerror(errno)};
  // Detached (new session, re-parented away from us), output to node.log;
  // the daemon reports on descriptor 3.
  os::SpawnOptions options;
  options.argv = std::move(argv);
  options.log = log;
  options.fds = {{3, ready[1]}};
  options.detach = true;
  if (engine) {
    // The engine first, as the daemon's child; the daemon is told its pid.
    options.argv.push_back("--engine-pid");
    options.argv.push_back("0");
    options.first = engine;
    options.first_pid_argument = options.argv.size() - 1;
  }
  os::Spawned daemon = os::spawn(options);
  ::close(ready[1]);
  if (!daemon) {
    ::close(ready[0]);
    return core::ApiError{"InternalFailure", what + " did not start: " + daemon.what};
  }
  return PendingDaemon(ready[0], log, what);
}

core::Status launch_daemon(const fs::path& dir, std::vector<std::string> argv,
                           const std::string& what) {
  auto pending = start_daemon(dir, std::move(argv), what);
  if (!pending) return pending.error();
  return pending->wait();
}

std::vector<std::string> node_argv(const core::StateHome& home, const std::string& cluster,
                                   const std::string& node) {
  return {node_binary(), "--state-dir", home.root().string(), "--cluster", cluster,
          "--node",      node,          "--ready-fd",         "3"};
}

std::string node_what(const std::string& cluster, const std::string& node) {
  return "the node daemon for " + cluster + "/" + node;
}

}  // namespace

PendingDaemon::PendingDaemon(PendingDaemon&& other) noexcept
    : ready_fd_(std::exchange(other.ready_fd_, -1)),
      log_(std::move(other.log_)),
      what_(std::move(other.what_)) {}

PendingDaemon::~PendingDaemon() {
  if (ready_fd_ >= 0) ::close(ready_fd_);
}

core::Status PendingDaemon::wait() {
  if (ready_fd_ < 0) return core::ApiError{"InternalFailure", what_ + " was already waited for"};
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  char buf[256];
  while (line.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) break;
    pollfd p{ready_fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) break;
    ssize_t n = ::read(ready_fd_, buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<std::size_t>(n));
  }
  ::close(std::exchange(ready_fd_, -1));
  if (line.rfind("ok", 0) == 0) return std::nullopt;
  std::string why = line.empty() ? "it exited before serving its admin socket (see " + log_ + ")"
                                 : line.substr(0, line.find('\n'));
  if (why.rfind("error: ", 0) == 0) why = why.substr(7);
  return core::ApiError{"InternalFailure", what_ + " did not start: " + why};
}

core::Result<PendingDaemon> start_node(const core::StateHome& home, const std::string& cluster,
                                       const std::string& node,
                                       const core::CacheClusterRecord* record) {
  std::optional<os::SpawnOptions> engine;
  if (record && record->id == cluster) {
    if (auto launch = node::early_engine_launch(home, *record, node))
      engine = node::engine_spawn_options(*launch, home.node_dir(cluster, node));
  }
  return start_daemon(home.node_dir(cluster, node), node_argv(home, cluster, node),
                      node_what(cluster, node), engine ? &*engine : nullptr);
}

core::Status launch_node(const core::StateHome& home, const std::string& cluster,
                         const std::string& node) {
  return launch_daemon(home.node_dir(cluster, node), node_argv(home, cluster, node),
                       node_what(cluster, node));
}

core::Status launch_group_daemon(const core::StateHome& home, const std::string& group,
                                 const fs::path& dir) {
  return launch_daemon(
      dir,
      {node_binary(), "--state-dir", home.root().string(), "--group", group, "--ready-fd", "3"},
      "the daemon of replication group " + group);
}

}  // namespace cachectl::cli
