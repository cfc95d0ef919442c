#include "node/daemon.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "core/events.h"
#include "core/registry.h"
#include "core/time_format.h"
#include "node/admin_server.h"
#include "node/supervisor.h"

namespace cachectl::node {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

constexpr auto kHomeCheckInterval = 1s;

void tell(int fd, const std::string& message) {
  if (fd < 0) return;
  std::string line = message + "\n";
  (void)!::write(fd, line.data(), line.size());
}

int fail_start(const DaemonOptions& o, const std::string& message) {
  tell(o.ready_fd, "error: " + message);
  std::fprintf(stderr, "cachectl-node: %s\n", message.c_str());
  return 1;
}

}  // namespace

int run_daemon(const DaemonOptions& o) {
  core::StateHome home{core::fs::path(o.state_dir)};
  core::Registry registry(home);
  auto record = registry.get(o.cluster);
  if (!record) return fail_start(o, record.error().message);
  const core::CacheNodeRecord* node = record->find_node(o.node);
  if (!node) return fail_start(o, "cluster " + o.cluster + " has no node " + o.node);
  const core::fs::path dir = home.node_dir(o.cluster, o.node);
  std::error_code ec;
  core::fs::create_directories(dir / "data", ec);
  if (ec) return fail_start(o, "cannot create " + dir.string() + ": " + ec.message());

  // One daemon per node: the lock is released by the kernel when we die.
  int lock_fd = ::open((dir / "daemon.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0 || ::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    return fail_start(o, "a daemon is already running for " + o.cluster + "/" + o.node);
  }

  sigset_t mask;
  sigemptyset(&mask);
  for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) sigaddset(&mask, s);
  ::sigprocmask(SIG_BLOCK, &mask, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  int sig_fd = ::signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);

  core::EventLog events(home.events_file());
  core::SystemClock clock;
  auto record_event = [&](const std::string& message) {
    events.append({o.cluster, "cache-cluster", message, clock.now()});
  };

  const std::string engine = record->engine;
  SupervisorConfig config{
      engine, node->id, node->address, node->port, record->auth_token, dir, [&]() {
        // Re-read the record so that a reboot applies what changed.
        auto fresh = registry.get(o.cluster);
        if (fresh) {
          if (auto* n = fresh->find_node(o.node)) {
            return engine_launch(*fresh, *n, dir);
          }
        }
        return engine_launch(*record, *node, dir);
      }};
  Supervisor supervisor(config, record_event);
  auto started_at = clock.now();
  bool shutting_down = false;
  std::vector<int> waiting_for_stop;
  AdminServer* server_ptr = nullptr;

  auto status_json = [&]() {
    return json{{"cluster", o.cluster},
                {"node", o.node},
                {"status", supervisor.node_status()},
                {"engine",
                 {{"name", engine},
                  {"pid", supervisor.engine_pid()},
                  {"address", node->address},
                  {"port", node->port},
                  {"restarts", supervisor.restarts()},
                  {"last_error", supervisor.last_error()}}},
                {"daemon", {{"pid", ::getpid()}, {"started", core::to_iso8601(started_at)}}}};
  };

  AdminServer server([&](int id, const HttpRequest& req, int& status, std::string& body) {
    auto method_is = [&](const char* m) {
      if (req.method == m) return true;
      status = 405;
      body = json{{"error", "use " + std::string(m) + " for " + req.path}}.dump();
      return false;
    };
    if (req.path == "/v1/status") {
      if (method_is("GET")) body = status_json().dump();
      return true;
    }
    if (req.path == "/v1/reboot") {
      if (!method_is("POST")) return true;
      if (shutting_down) {
        status = 409;
        body = json{{"error", "the node is shutting down"}}.dump();
        return true;
      }
      supervisor.reboot(std::chrono::steady_clock::now());
      status = 202;
      body = status_json().dump();
      return true;
    }
    if (req.path == "/v1/shutdown") {
      if (!method_is("POST")) return true;
      shutting_down = true;
      supervisor.stop();
      waiting_for_stop.push_back(id);
      return false;  // answered once the engine has stopped
    }
    status = 404;
    body = json{{"error", "no such resource: " + req.path},
                {"resources", {"GET /v1/status", "POST /v1/reboot", "POST /v1/shutdown"}}}
               .dump();
    return true;
  });
  server_ptr = &server;
  std::string error;
  if (!server.listen(home.admin_socket(node->address), error)) return fail_start(o, error);
  {
    std::string pid = std::to_string(::getpid()) + "\n";
    int fd = ::open((dir / "daemon.pid").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0) {
      (void)!::write(fd, pid.data(), pid.size());
      ::close(fd);
    }
  }

  supervisor.start(std::chrono::steady_clock::now());
  tell(o.ready_fd, "ok");
  if (o.ready_fd >= 0) ::close(o.ready_fd);

  auto next_home_check = std::chrono::steady_clock::now() + kHomeCheckInterval;
  for (;;) {
    auto now = std::chrono::steady_clock::now();
    if (shutting_down && supervisor.stopped()) {
      for (int id : waiting_for_stop) server_ptr->respond(id, 200, status_json().dump());
      waiting_for_stop.clear();
      if (!server.busy()) break;
    }
    std::vector<pollfd> fds;
    fds.push_back({sig_fd, POLLIN, 0});
    server.collect(fds);
    auto deadline = std::min(supervisor.next_deadline(now), next_home_check);
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
    int timeout = static_cast<int>(std::clamp<long long>(wait, 0, 1000));
    if (shutting_down && supervisor.stopped()) timeout = std::min(timeout, 10);
    ::poll(fds.data(), fds.size(), timeout);
    now = std::chrono::steady_clock::now();

    if (fds[0].revents & POLLIN) {
      signalfd_siginfo si;
      while (::read(sig_fd, &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT || si.ssi_signo == SIGHUP) {
          shutting_down = true;
          supervisor.stop();
        }
      }
      int ws = 0;
      pid_t pid;
      while ((pid = ::waitpid(-1, &ws, WNOHANG)) > 0) supervisor.on_exit(pid, ws, now);
    }
    server.handle(fds);
    supervisor.tick(now);

    if (now >= next_home_check) {
      next_home_check = now + kHomeCheckInterval;
      // The state home was removed under us (a test's temporary home, or a
      // user's rm -rf): nothing can reach this node any more, so stop.
      if (!shutting_down && !core::fs::exists(dir)) {
        shutting_down = true;
        supervisor.stop();
      }
    }
  }
  server.close_listener();
  ::unlink((dir / "daemon.pid").c_str());
  return 0;
}

}  // namespace cachectl::node
