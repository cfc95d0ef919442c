// The node daemon: sets the node up, wires its parts together and runs the
// poll loop. The parts, each in its own file:
//   admin_routes.cpp    the admin socket's routes (core/admin_api.h)
//   supervisor.cpp      the engine's lifecycle (effects: engine_host.cpp)
//   engine_client.cpp   the daemon's non-blocking connection to Redis
//   snapshot_job.cpp    BGSAVE-based snapshots, asked for or automatic
//   modify_restart.cpp  restarts that apply a new node type / engine version
//   schedule.cpp        backups, the maintenance window, catching up
// Nothing on the loop waits for the engine or a client.
#include "node/daemon.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>

#include "core/files.h"
#include "core/parameter_groups.h"
#include "core/replication_group.h"
#include "core/time_format.h"
#include "node/admin_routes.h"
#include "node/admin_server.h"
#include "node/daemon_files.h"
#include "node/engine_client.h"
#include "node/engine_host.h"
#include "node/engine_probe.h"
#include "node/engine_security.h"
#include "node/engine_start.h"
#include "node/modify_restart.h"
#include "node/node_context.h"
#include "node/ready_notice.h"
#include "node/replication_role.h"
#include "node/schedule.h"
#include "node/seed.h"
#include "node/snapshot_job.h"
#include "node/status_watches.h"
#include "node/supervisor.h"

namespace cachectl::node {
namespace {

using namespace std::chrono_literals;

// A state home removed under a daemon (rm -rf of a test's home) is noticed
// within this: cheap (one stat), but not worth waking 1,000 daemons often.
constexpr auto kHomeCheckInterval = 10s;
// How long one probe of a starting engine waits for its PONG (on the loop,
// not blocking it); the supervisor asks again 2 ms after a failed one.
constexpr auto kProbeTimeout = 200ms;

int fail_start(const DaemonOptions& o, const std::string& message) {
  tell_launcher(o.ready_fd, "error: " + message);
  std::fprintf(stderr, "cachectl-node: %s\n", message.c_str());
  return 1;
}

// The poll timeout: the loop sleeps until its next deadline, however far
// (every part's deadline is at most a minute or so away).
std::chrono::milliseconds until(SteadyTime deadline, SteadyTime now) {
  if (deadline <= now) return 0ms;
  if (deadline - now > 1h) return std::chrono::milliseconds(1h);
  // Rounded up: waking before a deadline only to wait again would spin.
  return std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
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
  if (!take_daemon_lock(dir))
    return fail_start(o, "a daemon is already running for " + o.cluster + "/" + o.node);
  // A replication group's members share one secret: Sentinel reaches them
  // all under the same names (core/restricted_commands.h). A cluster that
  // joins a group later (CreateReplicationGroup --primary-cluster-id) keeps
  // its own, which the group then adopts.
  core::fs::path key_dir = dir;
  if (!record->replication_group_id.empty() && !core::fs::exists(core::command_key_file(dir))) {
    key_dir = core::group_dir(home, record->replication_group_id);
    core::fs::create_directories(key_dir, ec);
  }
  auto key = core::load_or_create_command_key(key_dir);
  if (!key) return fail_start(o, key.error().message);

  int sig_fd = signal_descriptor(true);

  NodeContext ctx{o,
                  home,
                  registry,
                  core::EventLog(home.events_dir()),
                  core::SnapshotStore(home),
                  core::clock_from_environment(),
                  std::getenv("CACHECTL_FAKE_CLOCK") != nullptr,
                  record->engine,
                  *node,
                  dir,
                  *key};
  auto record_event = [&](const std::string& message) { ctx.record_event(message); };

  // Redis says when it is ready (Memcached cannot): probed at once then.
  std::optional<ReadyNotice> notice;
  if (ctx.engine == "redis") notice.emplace(home.ready_socket(node->address));
  // Redis is reached on its private socket as the admin user, whatever its
  // port asks of clients (TLS, a password); Memcached on its port.
  const EngineTarget target = ctx.engine == "redis"
                                  ? admin_target(home, node->address, ctx.command_key)
                                  : EngineTarget{node->address, node->port, {}, {}};
  EngineClient client(target);
  EngineProbe probe(ctx.engine, target, kProbeTimeout);
  RealEngineHost host({ctx.engine, node->address, node->port}, dir, client, probe,
                      ctx.engine == "redis" ? ctx.command("SHUTDOWN") : std::string());
  ModifyRestart* modify_ptr = nullptr;
  std::string group_id = record->replication_group_id;
  ReplicationRole role(ctx, client, [&]() {
    auto g = core::ReplicationGroupStore(home).get(group_id);
    return g ? static_cast<int>(g->members.size()) - 1 : 0;
  });
  // group_id: the group the running engine was started in ("" = none).
  // A member's place in its group, from the group's record at every start:
  // the recorded primary starts as primary, the others replicate from it.
  // Why the engine cannot start, told once per reason (an engine that
  // cannot start must not flood the event log): `last` is the one told last.
  auto cannot_start = [&](std::string& last, const std::string& why) {
    if (why != last) record_event("Cannot start cache node " + node->id + ": " + why);
    last = why;
  };
  std::string group_error_seen;
  auto replication_setup = [&]() -> std::optional<ReplicationSetup> {
    if (group_id.empty()) return ReplicationSetup{};
    auto fail = [&](const std::string& why) -> std::optional<ReplicationSetup> {
      cannot_start(group_error_seen, why);
      return std::nullopt;
    };
    auto group = core::ReplicationGroupStore(home).get(group_id);
    if (!group) return fail(group.error().message);
    ReplicationSetup setup;
    setup.member = true;
    if (group->cluster_enabled) {
      // Redis Cluster: roles and slots are the cluster manager's, kept in
      // the engine's nodes.conf.
      setup.cluster = true;
      setup.configuration_endpoint = group->configuration_address;
      setup.cluster_config_file = dir / "nodes.conf";
      setup.node_timeout_ms = cluster_node_timeout_ms();
      group_error_seen.clear();
      return setup;
    }
    setup.primary_endpoint = group->primary_address;
    setup.reader_endpoint = group->reader_address;
    setup.primary = group->primary == o.cluster || group->primary.empty();
    setup.serves_reader = !setup.primary || group->members.size() < 2;
    if (!setup.primary) {
      auto primary = registry.get(group->primary);
      if (!primary) return fail(primary.error().message);
      if (primary->nodes.empty()) return fail("the primary " + group->primary + " has no node");
      setup.upstream_address = primary->nodes.front().address;
      setup.upstream_port = primary->nodes.front().port;
    }
    group_error_seen.clear();
    return setup;
  };
  // The cluster's parameter group's values, read at every engine start. A
  // group that cannot be read never means the family's defaults: the engine
  // is not started (the supervisor retries) and an event names the file.
  std::string group_error;
  auto group_values = [&](const core::CacheClusterRecord& r) -> std::optional<GroupValues> {
    auto values = parameter_group_values(home, r);
    if (!values) {
      cannot_start(group_error, values.error().message);
      return std::nullopt;
    }
    group_error.clear();
    return *values;
  };
  // Who may use the engine and how (users, TLS), read at every start: what
  // cannot be read never means an engine more open than asked. It is not
  // started (the supervisor retries) and an event says why.
  std::string security_error;
  auto security = [&](const core::CacheClusterRecord& r, const core::CacheNodeRecord& n,
                      const ReplicationSetup& setup) -> std::optional<EngineSecurity> {
    if (r.engine != "redis") return EngineSecurity{};
    auto s = engine_security(home, r, n, dir, ctx.command_key, setup);
    if (!s) {
      cannot_start(security_error, s.error().message);
      return std::nullopt;
    }
    security_error.clear();
    return *s;
  };
  bool first_launch = true;
  SupervisorConfig config{
      node->id,
      dir,
      [&]() {
        // Re-read the record so that a restart applies what changed
        // (the first start has just read it).
        core::CacheClusterRecord use = *record;
        const core::CacheNodeRecord* n = node;
        if (!first_launch) {
          auto fresh = registry.get(o.cluster);
          if (fresh && fresh->find_node(o.node)) {
            use = *fresh;
            n = nullptr;
          }
        }
        first_launch = false;
        if (!n) n = use.find_node(o.node);
        group_id = use.replication_group_id;
        if (modify_ptr)
          modify_ptr->started_with(use.node_type, use.engine_version, use.replication_group_id);
        auto values = group_values(use);
        // A program that cannot exist: the start fails, nothing runs.
        if (!values) return EngineLaunch{{"(unreadable parameter group)"}, {}, {}, {}};
        auto setup = replication_setup();
        if (!setup) return EngineLaunch{{"(unreadable replication group)"}, {}, {}, {}};
        auto secure = security(use, *n, *setup);
        if (!secure) return EngineLaunch{{"(unreadable access settings)"}, {}, {}, {}};
        role.engine_started(setup->primary_endpoint, setup->reader_endpoint,
                            setup->configuration_endpoint);
        return engine_launch(use, *n, dir, *values, ctx.command_key, *setup,
                             notice ? notice->socket_path() : std::string(), *secure);
      },
      {}};
  // A group's primary that died waits for Sentinel (or Redis Cluster) to
  // promote a replica, then comes back as a replica of it (30 s at most).
  std::optional<SteadyTime> held_since;
  config.hold = [&]() {
    if (group_id.empty()) return false;
    auto g = core::ReplicationGroupStore(home).get(group_id);
    if (!g || !core::restart_waits_for_failover(*g, o.cluster)) {
      held_since.reset();
      return false;
    }
    auto now = std::chrono::steady_clock::now();
    if (!held_since) held_since = now;
    if (now - *held_since > 30s) {
      held_since.reset();
      return false;
    }
    return true;
  };
  Supervisor supervisor(config, host, record_event);
  SnapshotJob snapshot(ctx, client);
  ModifyRestart modify(ctx, supervisor, client, record->node_type, record->engine_version,
                       record->replication_group_id);
  modify_ptr = &modify;
  Schedule schedule(ctx, supervisor, snapshot, modify,
                    [&]() { return !snapshot.running() && !modify.running(); });

  const auto started_at = ctx.clock->now();
  bool shutting_down = false;
  std::vector<RequestId> waiting_for_stop;
  auto status = [&]() {
    core::admin::StatusResponse s;
    s.cluster = o.cluster;
    s.node = o.node;
    s.status = snapshot.running()                   ? std::string("snapshotting")
               : modify.running() && !shutting_down ? std::string("modifying")
                                                    : supervisor.node_status();
    s.engine = {ctx.engine, supervisor.engine_pid(), node->address,
                node->port, supervisor.restarts(),   supervisor.last_error()};
    s.daemon = {::getpid(), core::to_iso8601(started_at), schedule.checks()};
    if (!group_id.empty()) s.replication = role.status();
    return s;
  };
  auto shut_down = [&](SteadyTime now) {
    shutting_down = true;
    supervisor.stop(now);
  };

  StatusWatches watches;
  AdminRoutes routes(
      ctx, NodeParts{supervisor, client, snapshot, modify, status, [&]() { return shutting_down; },
                     [&](RequestId id) {
                       shut_down(std::chrono::steady_clock::now());
                       waiting_for_stop.push_back(id);
                     },
                     [&]() { schedule.look_now(); },
                     [&](RequestId id, std::string from, std::chrono::milliseconds wait) {
                       watches.add(id, std::move(from), std::chrono::steady_clock::now() + wait);
                     }});
  AdminServer server([&](RequestId id, const HttpRequest& req, int& code, std::string& body) {
    return routes.handle(id, req, code, body);
  });
  routes.set_server(server);
  // Data to restore is placed once, before the first start (a marker keeps
  // reboots from doing it again).
  std::string seed_error;
  bool seeding = false;
  if (ctx.engine == "redis" && !core::fs::exists(dir / "data" / ".seeded") &&
      record->restores_data()) {
    seeding = true;
    seed_error = place_seed(home, *record, node->id, dir / "data" / "dump.rdb");
    std::ofstream(dir / "data" / ".seeded") << "seeded\n";
  }
  // The engine first: the admin socket and the pid file are set up while it
  // starts (a failure below stops it: it dies with the daemon).
  const bool adopt = o.engine_pid > 0 && !seeding && seed_error.empty();
  if (o.engine_pid > 0 && !adopt) ::kill(o.engine_pid, SIGKILL);  // data comes first
  if (!seed_error.empty()) {
    supervisor.restore_failed(seed_error);
  } else if (adopt) {
    // Started by our launcher while we started (node/engine_start.h). An
    // engine that exited before our signalfd existed sent a SIGCHLD nobody
    // got: asked once here.
    const auto now = std::chrono::steady_clock::now();
    supervisor.adopt(o.engine_pid, now);
    int ws = 0;
    if (::waitpid(o.engine_pid, &ws, WNOHANG) == o.engine_pid)
      supervisor.on_exit(o.engine_pid, ws, now);
  } else {
    if (seeding) supervisor.expect_restore();
    supervisor.start(std::chrono::steady_clock::now());
  }
  std::string error;
  if (!server.listen(home.admin_socket(node->address), error)) return fail_start(o, error);
  write_pid_file(dir);
  tell_launcher(o.ready_fd, "ok");
  if (o.ready_fd >= 0) ::close(o.ready_fd);

  auto next_home_check = std::chrono::steady_clock::now() + kHomeCheckInterval;
  std::vector<pollfd> fds;
  for (;;) {
    auto now = std::chrono::steady_clock::now();
    if (shutting_down && supervisor.stopped()) {
      for (RequestId id : waiting_for_stop) server.respond(id, 200, core::admin::to_json(status()));
      waiting_for_stop.clear();
      if (!server.busy()) break;
    }
    fds.clear();
    fds.push_back({sig_fd, POLLIN, 0});
    server.collect(fds, now);
    const std::size_t client_at = fds.size();
    client.collect(fds);
    const std::size_t probe_at = fds.size();
    probe.collect(fds);
    const std::size_t notice_at = fds.size();
    if (notice && notice->fd() >= 0) fds.push_back({notice->fd(), POLLIN, 0});
    auto deadline = std::min({supervisor.next_deadline(now), next_home_check,
                              server.next_deadline(), client.next_deadline(), probe.next_deadline(),
                              snapshot.next_deadline(), modify.next_deadline()});
    if (!group_id.empty() && supervisor.node_status() == "available")
      deadline = std::min(deadline, role.next_deadline(now));
    if (!shutting_down) deadline = std::min(deadline, schedule.next_deadline());
    deadline = std::min(deadline, watches.next_deadline());
    int timeout = static_cast<int>(until(deadline, now).count());
    if (shutting_down && supervisor.stopped()) timeout = std::min(timeout, 10);
    ::poll(fds.data(), fds.size(), timeout);
    now = std::chrono::steady_clock::now();

    // Signals first: a dead engine is restarted whatever else is going on.
    if (fds[0].revents & POLLIN) {
      signalfd_siginfo si;
      while (::read(sig_fd, &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT || si.ssi_signo == SIGHUP)
          shut_down(now);
      }
      int ws = 0;
      pid_t pid;
      while ((pid = ::waitpid(-1, &ws, WNOHANG)) > 0) supervisor.on_exit(pid, ws, now);
    }
    server.handle(fds.data() + 1, client_at - 1, now);
    client.handle(fds.data() + client_at, probe_at - client_at, now);
    // Before the supervisor's tick: a probe's answer is acted on at once.
    probe.handle(fds.data() + probe_at, notice_at - probe_at, now);
    if (notice_at < fds.size() && (fds[notice_at].revents & POLLIN) &&
        notice->take_ready(supervisor.engine_pid()))
      supervisor.engine_says_ready(now);
    supervisor.tick(now);
    client.tick(now);
    snapshot.tick(now);
    modify.tick(now);
    if (!group_id.empty() && !shutting_down)
      role.tick(now, supervisor.node_status() == "available");
    if (!shutting_down) schedule.tick(now);
    if (!watches.empty()) {
      auto s = status();
      watches.offer(s.status, now,
                    [&](RequestId id) { server.respond(id, 200, core::admin::to_json(s)); });
    }

    if (now >= next_home_check) {
      next_home_check = now + kHomeCheckInterval;
      // The state home was removed under us (a test's temporary home, or a
      // user's rm -rf): nothing can reach this node any more, so stop.
      if (!shutting_down && !core::fs::exists(dir)) shut_down(now);
    }
  }
  server.close_listener();
  ::unlink((dir / "daemon.pid").c_str());
  // Redis removes its socket when it stops cleanly; not when it was killed.
  if (ctx.engine == "redis") ::unlink(home.engine_socket(node->address).c_str());
  return 0;
}

}  // namespace cachectl::node
