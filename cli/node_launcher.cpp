#include "cli/node_launcher.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include "core/files.h"
#include "os/spawn.h"

namespace cachectl::cli {

namespace fs = std::filesystem;

std::string node_binary() { return core::companion_program("cachectl-node", "CACHECTL_NODE_BIN"); }

namespace {

// Starts `argv` (a cachectl-node) detached with its output in DIR/node.log,
// and waits for its first line on descriptor 3: "ok" or "error: ...".
core::Status launch_daemon(const fs::path& dir, std::vector<std::string> argv,
                           const std::string& what) {
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
  os::Spawned daemon = os::spawn(options);
  ::close(ready[1]);
  if (!daemon) {
    ::close(ready[0]);
    return core::ApiError{"InternalFailure", what + " did not start: " + daemon.what};
  }
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  char buf[256];
  while (line.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) break;
    pollfd p{ready[0], POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) break;
    ssize_t n = ::read(ready[0], buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<std::size_t>(n));
  }
  ::close(ready[0]);
  if (line.rfind("ok", 0) == 0) return std::nullopt;
  std::string why = line.empty() ? "it exited before serving its admin socket (see " + log + ")"
                                 : line.substr(0, line.find('\n'));
  if (why.rfind("error: ", 0) == 0) why = why.substr(7);
  return core::ApiError{"InternalFailure", what + " did not start: " + why};
}

}  // namespace

core::Status launch_node(const core::StateHome& home, const std::string& cluster,
                         const std::string& node) {
  return launch_daemon(home.node_dir(cluster, node),
                       {node_binary(), "--state-dir", home.root().string(), "--cluster", cluster,
                        "--node", node, "--ready-fd", "3"},
                       "the node daemon for " + cluster + "/" + node);
}

core::Status launch_group_daemon(const core::StateHome& home, const std::string& group,
                                 const fs::path& dir) {
  return launch_daemon(
      dir,
      {node_binary(), "--state-dir", home.root().string(), "--group", group, "--ready-fd", "3"},
      "the daemon of replication group " + group);
}

}  // namespace cachectl::cli
