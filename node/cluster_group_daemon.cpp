// cachectl-node --group ID for a cluster-mode group: the group's daemon. It
// serves the admin socket named after the ConfigurationEndpoint's address,
// runs the cluster manager (node/cluster_manager.h) as its child and
// restarts it when it dies, passes it test-failover requests and "look now"
// pokes, keeps its last report for GET /v1/status, and restarts members
// whose node daemon died (node/member_watch.h). The manager does the
// engines' work, blocking on them; this loop never waits.
#include "node/cluster_group_daemon.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/admin_api.h"
#include "core/events.h"
#include "core/files.h"
#include "core/replication_group.h"
#include "core/restricted_commands.h"
#include "core/time_format.h"
#include "node/admin_routes.h"
#include "node/admin_server.h"
#include "node/daemon_files.h"
#include "node/engine_client.h"
#include "node/member_watch.h"
#include "node/node_context.h"
#include "os/spawn.h"

namespace cachectl::node {

namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
namespace admin = core::admin;

constexpr auto kMemberWatch = 250ms;
// A manager that keeps dying is started again no more often than this.
constexpr auto kManagerRestartDelay = 1s;
// A test-failover request the manager has not answered in this long fails.
constexpr auto kFailoverAnswerWait = 30s;

// The manager: a child with a pipe each way.
struct Manager {
  pid_t pid = -1;
  int in = -1;   // its stdin (we write)
  int out = -1;  // its stdout (we read)
  std::string buffer;
  void close_pipes() {
    if (in >= 0) ::close(in);
    if (out >= 0) ::close(out);
    in = out = -1;
    buffer.clear();
  }
};

bool start_manager(const core::StateHome& home, const std::string& id, const core::fs::path& dir,
                   Manager& m, std::string& error) {
  int to_child[2], from_child[2];
  if (::pipe2(to_child, O_CLOEXEC) != 0) return false;
  if (::pipe2(from_child, O_CLOEXEC) != 0) {
    ::close(to_child[0]);
    ::close(to_child[1]);
    return false;
  }
  os::SpawnOptions so;
  so.argv = {core::companion_program("cachectl-node", "CACHECTL_NODE_BIN"),
             "--state-dir",
             home.root().string(),
             "--group",
             id,
             "--cluster-manager"};
  so.fds = {{0, to_child[0]}, {1, from_child[1]}};
  so.log = dir / "manager.log";
  so.die_with_parent = true;
  os::Spawned s = os::spawn(so);
  ::close(to_child[0]);
  ::close(from_child[1]);
  if (!s) {
    ::close(to_child[1]);
    ::close(from_child[0]);
    error = s.what;
    return false;
  }
  m.pid = s.pid;
  m.in = to_child[1];
  m.out = from_child[0];
  ::fcntl(m.in, F_SETFL, ::fcntl(m.in, F_GETFL) | O_NONBLOCK);
  ::fcntl(m.out, F_SETFL, ::fcntl(m.out, F_GETFL) | O_NONBLOCK);
  return true;
}

}  // namespace

int run_cluster_group_daemon(const DaemonOptions& o, const core::ReplicationGroupRecord& group) {
  core::StateHome home{core::fs::path(o.state_dir)};
  core::ReplicationGroupStore groups(home);
  core::Registry registry(home);
  core::EventLog events(home.events_dir());
  core::SystemClock clock;
  const std::string id = group.id;
  const core::fs::path dir = core::group_dir(home, id);
  auto fail = [&](const std::string& m) {
    tell_launcher(o.ready_fd, "error: " + m);
    std::fprintf(stderr, "cachectl-node: %s\n", m.c_str());
    return 1;
  };
  std::error_code ec;
  core::fs::create_directories(dir, ec);
  if (!take_daemon_lock(dir))
    return fail("a daemon is already running for replication group " + id);
  if (auto key = core::load_or_create_command_key(dir); !key) return fail(key.error().message);
  int sig_fd = signal_descriptor(true);
  auto cluster_event = [&](const std::string& cluster, const std::string& message) {
    auto r = registry.get(cluster);
    record_daemon_event(
        events, home, {cluster, "cache-cluster", message, clock.now(), r ? r->active_topic() : ""});
  };

  Manager manager;
  std::optional<admin::ClusterReport> report;
  std::string manager_error;
  SteadyTime next_start{};
  bool shutting_down = false;
  std::vector<RequestId> waiting_for_stop;
  std::map<std::int64_t, std::pair<RequestId, SteadyTime>> failovers;  // manager request -> ours
  std::int64_t next_request = 1;
  long restarts = 0;
  const auto started_at = clock.now();
  AdminServer* server_ptr = nullptr;

  auto tell = [&](const json& line) {
    if (manager.in < 0) return false;
    std::string text = line.dump() + "\n";
    // Requests are tiny and rare; a full pipe means a wedged manager.
    return ::write(manager.in, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  };
  auto status = [&]() {
    admin::StatusResponse s;
    s.cluster = id;
    s.node = "group";
    s.status = shutting_down ? "deleting" : manager.pid > 0 ? "available" : "modifying";
    s.engine = {"cluster-manager", manager.pid,  group.configuration_address, 0,
                restarts,          manager_error};
    s.daemon = {::getpid(), core::to_iso8601(started_at), 0};
    s.cluster_report = report;
    return s;
  };
  auto on_line = [&](const std::string& text) {
    json j = json::parse(text, nullptr, false);
    if (!j.is_object()) return;
    if (j.contains("report")) {
      auto r = admin::parse_cluster_report(j["report"].dump());
      if (r) report = *r;
    } else if (j.contains("reply")) {
      auto it = failovers.find(j.value("reply", std::int64_t{0}));
      if (it == failovers.end()) return;
      RequestId rid = it->second.first;
      failovers.erase(it);
      if (j.value("ok", false)) {
        server_ptr->respond(rid, 202, admin::to_json(admin::ErrorResponse{"failing over"}));
      } else {
        server_ptr->respond(rid, 409,
                            admin::to_json(admin::ErrorResponse{j.value("error", "refused")}));
      }
    }
  };
  auto manager_gone = [&]() {
    manager.close_pipes();
    manager.pid = -1;
    report.reset();
    for (auto& [n, pending] : failovers)
      server_ptr->respond(pending.first, 409,
                          admin::to_json(admin::ErrorResponse{"the cluster manager stopped"}));
    failovers.clear();
  };

  AdminServer server([&](RequestId rid, const HttpRequest& req, int& code, std::string& body) {
    const admin::RouteSpec* route = group_daemon_route(
        req, "GET /v1/status, POST /v1/failover, POST /v1/modify, POST /v1/shutdown", status, code,
        body);
    if (!route) return true;
    switch (route->route) {
      case admin::Route::kModify:
        // The record changed (a resharding, members added): look now.
        tell({{"look", true}});
        code = 202;
        body = admin::to_json(status());
        return true;
      case admin::Route::kShutdown:
        shutting_down = true;
        if (manager.pid > 0) ::kill(manager.pid, SIGTERM);
        waiting_for_stop.push_back(rid);
        return false;
      case admin::Route::kFailover: {
        auto asked = admin::parse_failover_request(req.body);
        if (asked->node_group.empty())
          return error_answer(code, body, 400, "name the node group to fail over");
        std::int64_t n = next_request++;
        if (!tell({{"failover", asked->node_group}, {"request", n}}))
          return error_answer(code, body, 409, "the cluster manager is not running");
        failovers[n] = {rid, std::chrono::steady_clock::now() + kFailoverAnswerWait};
        return false;
      }
      default:
        return error_answer(code, body, 404,
                            "a cluster-mode group's daemon serves status, modify, failover and "
                            "shutdown");
    }
  });
  server_ptr = &server;
  std::string error;
  if (!server.listen(home.admin_socket(group.configuration_address), error)) return fail(error);
  write_pid_file(dir);
  tell_launcher(o.ready_fd, "ok");
  if (o.ready_fd >= 0) ::close(o.ready_fd);

  MemberWatch member_watch(home, cluster_event);
  auto next_watch = std::chrono::steady_clock::now();
  std::vector<pollfd> fds;
  for (;;) {
    auto now = std::chrono::steady_clock::now();
    if (shutting_down && manager.pid <= 0) {
      for (RequestId rid : waiting_for_stop) server.respond(rid, 200, admin::to_json(status()));
      waiting_for_stop.clear();
      if (!server.busy()) break;
    }
    if (!shutting_down && manager.pid <= 0 && now >= next_start) {
      next_start = now + kManagerRestartDelay;
      if (start_manager(home, id, dir, manager, manager_error)) {
        ++restarts;
        manager_error.clear();
      }
    }
    fds.clear();
    fds.push_back({sig_fd, POLLIN, 0});
    server.collect(fds, now);
    const std::size_t manager_at = fds.size();
    if (manager.out >= 0) fds.push_back({manager.out, POLLIN, 0});
    auto deadline =
        std::min({server.next_deadline(), next_watch, manager.pid <= 0 ? next_start : now + 1h});
    for (const auto& [n, pending] : failovers) deadline = std::min(deadline, pending.second);
    int timeout = poll_timeout(deadline, now);
    if (shutting_down) timeout = std::min(timeout, 10);
    ::poll(fds.data(), fds.size(), timeout);
    now = std::chrono::steady_clock::now();
    if (fds[0].revents & POLLIN) {
      if (read_stop_signals(sig_fd)) {
        shutting_down = true;
        if (manager.pid > 0) ::kill(manager.pid, SIGTERM);
      }
      int ws = 0;
      pid_t pid;
      while ((pid = ::waitpid(-1, &ws, WNOHANG)) > 0) {
        if (pid != manager.pid) continue;
        if (!shutting_down) manager_error = "the cluster manager " + os::describe_wait_status(ws);
        manager_gone();
      }
    }
    server.handle(fds.data() + 1, manager_at - 1, now);
    if (manager.out >= 0 && fds.size() > manager_at && fds[manager_at].revents) {
      char buf[65536];
      for (;;) {
        ssize_t n = ::read(manager.out, buf, sizeof buf);
        if (n > 0) {
          manager.buffer.append(buf, static_cast<std::size_t>(n));
          continue;
        }
        if (n == 0) {  // it closed its output: it is on its way out
          ::close(manager.out);
          manager.out = -1;
        }
        break;
      }
      for (std::size_t eol; (eol = manager.buffer.find('\n')) != std::string::npos;) {
        on_line(manager.buffer.substr(0, eol));
        manager.buffer.erase(0, eol + 1);
      }
      if (manager.buffer.size() > (4 << 20)) manager.buffer.clear();
    }
    for (auto it = failovers.begin(); it != failovers.end();) {
      if (it->second.second > now) {
        ++it;
        continue;
      }
      server.respond(
          it->second.first, 409,
          admin::to_json(admin::ErrorResponse{"the failover was not confirmed in time"}));
      it = failovers.erase(it);
    }
    if (shutting_down) continue;
    if (now >= next_watch) {
      next_watch = now + kMemberWatch;
      if (auto g = groups.get(id)) member_watch.tick(now, *g);
      // The state home was removed under us: nothing can reach the group.
      if (!core::fs::exists(dir)) {
        shutting_down = true;
        if (manager.pid > 0) ::kill(manager.pid, SIGTERM);
      }
    }
  }
  server.close_listener();
  ::unlink((dir / "daemon.pid").c_str());
  return 0;
}

}  // namespace cachectl::node
