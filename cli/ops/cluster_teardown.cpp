#include "cli/ops/cluster_teardown.h"

#include <signal.h>
#include <sys/types.h>

#include <thread>

#include "cli/node_status.h"
#include "core/files.h"

namespace cachectl::cli {
namespace {

using namespace std::chrono_literals;

// A daemon that does not answer its socket is stopped through its pid file;
// the daemon's engine dies with it (PR_SET_PDEATHSIG).
void kill_unresponsive(const core::fs::path& dir) {
  auto pid_text = core::read_file(dir / "daemon.pid");
  if (!pid_text) return;
  pid_t pid = 0;
  try {
    pid = static_cast<pid_t>(std::stol(*pid_text));
  } catch (...) {
    return;
  }
  if (pid <= 1 || !core::is_locked(dir / "daemon.lock")) return;
  ::kill(pid, SIGTERM);
  for (int i = 0; i < 500 && core::is_locked(dir / "daemon.lock"); ++i)
    std::this_thread::sleep_for(10ms);
  if (core::is_locked(dir / "daemon.lock")) ::kill(pid, SIGKILL);
  for (int i = 0; i < 100 && core::is_locked(dir / "daemon.lock"); ++i)
    std::this_thread::sleep_for(10ms);
}

}  // namespace

void stop_daemon(Context& ctx, const std::string& cluster, const std::string& id,
                 const std::string& address) {
  core::fs::path dir = ctx.home().node_dir(cluster, id);
  AdminReply reply =
      ctx.admin().call(ctx.home().admin_socket(address), core::admin::Route::kShutdown, 15s);
  if (!reply.reached || reply.status != 200) kill_unresponsive(dir);
  // The daemon lets go of its lock as it exits.
  for (int i = 0; i < 200 && core::is_locked(dir / "daemon.lock"); ++i)
    std::this_thread::sleep_for(5ms);
}

core::Status teardown_cluster(Context& ctx, const core::CacheClusterRecord& record) {
  for (const auto& d : all_daemons_of(record)) stop_daemon(ctx, record.id, d.id, d.address);
  std::error_code ec;
  core::fs::remove_all(ctx.home().root() / "nodes" / record.id, ec);
  return ctx.registry.remove(record.id);
}

}  // namespace cachectl::cli
