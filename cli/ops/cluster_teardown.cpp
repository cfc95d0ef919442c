#include "cli/ops/cluster_teardown.h"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <thread>
#include <vector>

#include "cli/address_probe.h"
#include "cli/node_status.h"
#include "core/files.h"

namespace cachectl::cli {
using namespace std::chrono_literals;

namespace {

// The pid file's one line: the daemon's process id, as the daemon wrote it.
std::optional<pid_t> parse_pid(const std::string& text) {
  std::string digits =
      text.size() > 1 && text.back() == '\n' ? text.substr(0, text.size() - 1) : text;
  if (digits.empty() || digits.size() > 9 || digits[0] == '0' ||
      digits.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return static_cast<pid_t>(std::stol(digits));
}

}  // namespace

// A daemon that does not answer its socket is stopped through its pid file;
// the daemon's engine dies with it (PR_SET_PDEATHSIG). Only a live daemon
// (one holding its lock) needs it. The pid file is checked against the
// lock's holder, so a file edited by hand never sends a signal to some
// other process: it is an error naming the file and saying what to do.
core::Status kill_unresponsive(const core::fs::path& dir) {
  const core::fs::path lock = dir / "daemon.lock";
  const core::fs::path file = dir / "daemon.pid";
  std::optional<std::vector<int>> holders;
  std::optional<pid_t> pid;
  std::string wrong;
  // A daemon that has just started (after a restart) rewrites its pid file
  // once its socket listens: a file that does not name it yet is looked at
  // again for up to a second before it counts as broken.
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(10ms);
    if (!core::is_locked(lock)) return std::nullopt;  // gone: nothing to stop
    holders = core::flock_holders(lock);
    auto text = core::read_file(file);
    const int read_errno = errno;
    pid.reset();
    if (!text && read_errno == ENOENT) {
      // Not written yet: the lock's holder is the daemon. With nobody to
      // name, removing the node directory stops it (it checks that its
      // directory exists).
      if (!holders || holders->size() != 1) return std::nullopt;
      pid = holders->front();
    } else if (!text) {
      wrong = std::strerror(read_errno);
    } else if (!(pid = parse_pid(*text))) {
      wrong = "expected the node daemon's process id";
    } else if (holders && !holders->empty() &&
               std::find(holders->begin(), holders->end(), *pid) == holders->end()) {
      wrong = "names process " + std::to_string(*pid) + ", which is not the node daemon";
      pid.reset();
    }
    if (pid) break;
    // A daemon running for a while has written its file: what it says now
    // is what it will say.
    if (holders && holders->size() == 1)
      if (auto age = core::process_age(holders->front()); age && *age > 1500ms) break;
  }
  if (!pid) {
    const bool known = holders && holders->size() == 1;
    const std::string holder = known ? std::to_string(holders->front()) : "";
    return core::ApiError{
        core::kRegistryFileInvalid,
        file.string() + ": " + wrong + ". The node daemon (" +
            (known ? "process " + holder : "the process holding " + lock.string()) +
            ") does not answer and this file does not say which process to stop: stop it (" +
            (known ? "kill " + holder : "fuser -k " + lock.string()) +
            "); then the next command on the cluster, or cachectl resume, finishes what was "
            "begun."};
  }
  ::kill(*pid, SIGTERM);
  for (int i = 0; i < 500 && core::is_locked(lock); ++i) std::this_thread::sleep_for(10ms);
  if (core::is_locked(lock)) ::kill(*pid, SIGKILL);
  for (int i = 0; i < 100 && core::is_locked(lock); ++i) std::this_thread::sleep_for(10ms);
  return std::nullopt;
}

namespace {

// Waits until process `pid` has exited, at most `limit`.
void wait_for_exit(pid_t pid, std::chrono::milliseconds limit) {
  if (pid <= 0) return;
  int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) return;  // gone already (or an old kernel: the lock is polled)
  pollfd p{fd, POLLIN, 0};
  while (::poll(&p, 1, static_cast<int>(limit.count())) < 0 && errno == EINTR) {
  }
  ::close(fd);
}

}  // namespace

core::Status stop_daemon(Context& ctx, const std::string& cluster, const std::string& id,
                         const std::string& address) {
  core::fs::path dir = ctx.home().node_dir(cluster, id);
  AdminReply reply =
      ctx.admin().call(ctx.home().admin_socket(address), core::admin::Route::kShutdown, 15s);
  bool engine_reaped = false;
  if (!reply.reached || reply.status != 200) {
    if (auto err = kill_unresponsive(dir)) return err;
  } else if (auto status = core::admin::parse_status_response(reply.body)) {
    // The daemon answers once its engine has stopped and been reaped (so
    // nothing listens on the address any more), then exits: the kernel says
    // when (a pidfd), instead of the lock being polled.
    wait_for_exit(static_cast<pid_t>(status->daemon.pid), 10s);
    engine_reaped = true;
  }
  // The daemon lets go of its lock as it exits (a loaded machine may take
  // seconds); its address is released only once its engine has let go too.
  for (int i = 0; i < 2000 && core::is_locked(dir / "daemon.lock"); ++i)
    std::this_thread::sleep_for(5ms);
  // Otherwise the address is watched until it is free (reading
  // /proc/net/tcp costs ~10 ms with 1,000 clusters: not on the common path).
  if (!engine_reaped) (void)wait_until_unbound(address, 5s);
  return std::nullopt;
}

core::Status teardown_cluster(Context& ctx, const core::CacheClusterRecord& record) {
  for (const auto& d : all_daemons_of(record))
    if (auto err = stop_daemon(ctx, record.id, d.id, d.address)) return err;
  std::error_code ec;
  core::fs::remove_all(ctx.home().root() / "nodes" / record.id, ec);
  return ctx.registry.remove(record.id);
}

}  // namespace cachectl::cli
