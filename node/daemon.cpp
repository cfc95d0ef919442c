#include "node/daemon.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/backup_schedule.h"
#include "core/events.h"
#include "core/files.h"
#include "core/maintenance.h"
#include "core/parameter_groups.h"
#include "core/registry.h"
#include "core/seed_source.h"
#include "core/snapshots.h"
#include "core/time_format.h"
#include "node/admin_server.h"
#include "node/engine_probe.h"
#include "node/node_count_change.h"
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

// A field of INFO's text ("rdb_saves:3" -> "3"), or "".
std::string info_field(const std::string& info, const std::string& key) {
  std::string text = "\n" + info;
  std::size_t at = text.find("\n" + key + ":");
  if (at == std::string::npos) return {};
  std::size_t start = at + key.size() + 2;
  std::size_t end = text.find_first_of("\r\n", start);
  return text.substr(start, end - start);
}

// Puts the RDB a new cluster starts from at `target`; returns why not.
std::string place_seed(const core::StateHome& home, const core::CacheClusterRecord& r,
                       const std::string& node_id, const core::fs::path& target) {
  core::fs::path source;
  bool downloaded = false;
  if (!r.snapshot_name.empty()) {
    source = core::SnapshotStore(home).rdb(r.snapshot_name, node_id);
  } else {
    const std::string& arn = r.snapshot_arns.front();
    switch (core::seed_kind(arn)) {
      case core::SeedKind::kFileUrl: {
        auto path = core::file_url_path(arn, std::getenv("HOME"));
        if (!path) return arn + " is not a file URL";
        source = *path;
        break;
      }
      case core::SeedKind::kDownload: {
        // The CLI downloaded it into the node's directory before starting us.
        const core::fs::path node_dir = home.node_dir(r.id, node_id);
        if (auto why = core::read_file(core::seed_error_file(node_dir))) {
          return why->substr(0, why->find('\n'));
        }
        source = core::downloaded_seed(node_dir);
        if (!core::fs::exists(source)) {
          return "the download of " + arn + " did not finish (create-cache-cluster was stopped?)";
        }
        downloaded = true;
        break;
      }
      case core::SeedKind::kS3:
        return "S3 cannot be reached from here; give the RDB file as a path, a file:// URL or "
               "an http(s):// URL";
      case core::SeedKind::kPath:
        source = arn;
        break;
    }
  }
  std::error_code ec;
  core::fs::remove(target, ec);
  // A hard link costs nothing whatever the size; Redis replaces dump.rdb by
  // rename when it saves, so the source is never written through the link.
  core::fs::create_hard_link(source, target, ec);
  if (ec) {
    ec.clear();
    core::fs::copy_file(source, target, ec);
  }
  if (ec) return "cannot read " + source.string() + ": " + ec.message();
  if (downloaded) core::fs::remove(source, ec);  // data/dump.rdb has it now
  return {};
}

// A snapshot in progress: BGSAVE was sent; done when rdb_saves moves on.
struct SnapshotJob {
  int request = -1;  // the admin request to answer, or -1 for an automatic backup
  std::string target;
  std::string automatic_name;  // with request -1: the snapshot to publish
  core::fs::path work;
  long long saves_before = 0;
  std::chrono::steady_clock::time_point deadline;
};

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
  std::unique_ptr<core::Clock> clock_owner = core::clock_from_environment();
  const core::Clock& clock = *clock_owner;
  const bool fake_clock = std::getenv("CACHECTL_FAKE_CLOCK") != nullptr;
  auto record_event = [&](const std::string& message) {
    // An event that cannot be recorded goes to node.log (our stderr) instead.
    if (auto err = events.append({o.cluster, "cache-cluster", message, clock.now()}))
      std::fprintf(stderr, "%s (event: %s)\n", err->message.c_str(), message.c_str());
  };
  core::SnapshotStore store(home);

  const std::string engine = record->engine;
  // What the engine was last started with; when the record says otherwise
  // (a modify), the engine restarts to catch up.
  std::string running_type = record->node_type;
  std::string running_version = record->engine_version;
  // The cluster's parameter group's values, read at every engine start. A
  // group that cannot be read never means the family's defaults: the engine
  // is not started (a program that cannot exist; the supervisor retries) and
  // an event names the file.
  std::string group_error;
  auto launch_for = [&](const core::CacheClusterRecord& r, const core::CacheNodeRecord& n) {
    auto group = core::ParameterGroupStore(home).get(r.parameter_group);
    if (!group) {
      if (group.error().message != group_error)
        record_event("Cannot start cache node " + n.id + ": " + group.error().message);
      group_error = group.error().message;
      return EngineLaunch{{"(unreadable parameter group)"}, {}, {}};
    }
    group_error.clear();
    return engine_launch(r, n, dir, group->values);
  };
  SupervisorConfig config{
      engine, node->id, node->address, node->port, record->auth_token, dir, [&]() {
        // Re-read the record so that a reboot applies what changed.
        auto fresh = registry.get(o.cluster);
        if (fresh) {
          if (auto* n = fresh->find_node(o.node)) {
            running_type = fresh->node_type;
            running_version = fresh->engine_version;
            return launch_for(*fresh, *n);
          }
        }
        return launch_for(*record, *node);
      }};
  Supervisor supervisor(config, record_event);
  auto started_at = clock.now();
  bool shutting_down = false;
  std::vector<int> waiting_for_stop;
  std::optional<SnapshotJob> snapshot;
  AdminServer* server_ptr = nullptr;
  // A restart that applies a modification (node type, engine version) and
  // keeps the data: the node is "modifying" until the engine answers again.
  struct ModifyJob {
    std::string from_type, from_version;
  };
  std::optional<ModifyJob> modifying;
  auto next_modify_try = std::chrono::steady_clock::time_point{};

  auto status_json = [&]() {
    return json{{"cluster", o.cluster},
                {"node", o.node},
                {"status", snapshot                      ? std::string("snapshotting")
                           : modifying && !shutting_down ? std::string("modifying")
                                                         : supervisor.node_status()},
                {"engine",
                 {{"name", engine},
                  {"pid", supervisor.engine_pid()},
                  {"address", node->address},
                  {"port", node->port},
                  {"restarts", supervisor.restarts()},
                  {"last_error", supervisor.last_error()}}},
                {"daemon", {{"pid", ::getpid()}, {"started", core::to_iso8601(started_at)}}}};
  };

  // Restarts the engine when the record asks for another node type or engine
  // version, keeping Redis data through an RDB written just before (a plain
  // reboot drops it, as ElastiCache's does).
  auto catch_up_with_record = [&](const core::CacheClusterRecord& fresh) {
    if (modifying || snapshot || shutting_down || supervisor.node_status() != "available") return;
    if (std::chrono::steady_clock::now() < next_modify_try) return;
    if (fresh.lifecycle != core::Lifecycle::kActive) return;
    if (fresh.node_type == running_type && fresh.engine_version == running_version) return;
    if (engine == "redis") {
      auto saved = redis_command(node->address, node->port, record->auth_token, {"SAVE"},
                                 std::chrono::minutes(5));
      if (!saved || saved->rfind("+", 0) != 0) {
        record_event("Cache node " + node->id + " could not save its data before modification (" +
                     saved.value_or("no answer") + "); retrying in 10 seconds");
        next_modify_try = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        return;
      }
    }
    modifying = ModifyJob{running_type, running_version};
    supervisor.reboot(std::chrono::steady_clock::now());
  };
  auto finish_modify = [&]() {
    if (!modifying || supervisor.node_status() != "available") return;
    // The engine has loaded the RDB; a later reboot must not find it again.
    std::error_code rm;
    core::fs::remove(dir / "data" / "dump.rdb", rm);
    if (node->id == "0001") {
      if (running_type != modifying->from_type)
        record_event("Cache node type modified to " + running_type);
      if (running_version != modifying->from_version)
        record_event("Cache engine version upgraded to " + running_version);
    }
    modifying.reset();
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
    if (req.path == "/v1/modify") {
      // The record changed: apply it now instead of at the next check.
      if (!method_is("POST")) return true;
      next_modify_try = {};
      if (auto fresh = registry.get(o.cluster)) catch_up_with_record(*fresh);
      status = 202;
      body = status_json().dump();
      return true;
    }
    if (req.path == "/v1/memory") {
      if (!method_is("GET")) return true;
      long long used = 0;
      if (engine == "redis") {
        auto info = redis_command(node->address, node->port, record->auth_token, {"INFO", "memory"},
                                  std::chrono::seconds(2));
        if (!info) {
          status = 503;
          body = json{{"error", "the engine does not answer"}}.dump();
          return true;
        }
        used = std::atoll(info_field(*info, "used_memory").c_str());
      }
      body = json{{"used_memory", used}}.dump();
      return true;
    }
    if (req.path == "/v1/snapshot") {
      if (!method_is("POST")) return true;
      json body_json = json::parse(req.body, nullptr, false);
      std::string target = body_json.is_object() ? body_json.value("path", "") : "";
      auto refuse = [&](int code, const std::string& why) {
        status = code;
        body = json{{"error", why}}.dump();
        return true;
      };
      if (target.empty()) return refuse(400, "send {\"path\": \"...\"}: where the RDB file goes");
      if (engine != "redis") return refuse(409, "only Redis nodes can be snapshotted");
      if (snapshot || modifying || shutting_down || supervisor.node_status() != "available")
        return refuse(409, "the node is " +
                               std::string(snapshot ? "snapshotting" : supervisor.node_status()));
      auto info = redis_command(node->address, node->port, record->auth_token,
                                {"INFO", "persistence"}, std::chrono::seconds(2));
      auto started = redis_command(node->address, node->port, record->auth_token, {"BGSAVE"},
                                   std::chrono::seconds(2));
      if (!info || !started || started->rfind("+", 0) != 0)
        return refuse(500, "BGSAVE was refused: " + started.value_or("no answer"));
      snapshot = SnapshotJob{id,
                             target,
                             "",
                             {},
                             std::atoll(info_field(*info, "rdb_saves").c_str()),
                             std::chrono::steady_clock::now() + std::chrono::minutes(30)};
      return false;  // answered when the RDB is written
    }
    if (req.path == "/v1/config") {
      // Immediate parameter changes: CONFIG SET each, answer what was set.
      if (!method_is("POST")) return true;
      json body_json = json::parse(req.body, nullptr, false);
      auto refuse = [&](int code, const std::string& why) {
        status = code;
        body = json{{"error", why}}.dump();
        return true;
      };
      if (!body_json.is_object() || !body_json.contains("parameters") ||
          !body_json["parameters"].is_object())
        return refuse(400, "send {\"parameters\": {\"name\": \"value\", ...}}");
      if (engine != "redis") return refuse(409, "memcached reads its parameters when it starts");
      if (shutting_down || supervisor.node_status() != "available")
        return refuse(409, "the node is " + supervisor.node_status());
      json applied = json::object();
      for (const auto& item : body_json["parameters"].items()) {
        const std::string& name = item.key();
        const json& value = item.value();
        if (!value.is_string()) return refuse(400, "the value of " + name + " must be a string");
        auto reply = redis_command(node->address, node->port, record->auth_token,
                                   {"CONFIG", "SET", name, value.get<std::string>()},
                                   std::chrono::seconds(2));
        if (!reply || reply->rfind("+OK", 0) != 0)
          return refuse(500, "CONFIG SET " + name + " failed: " + reply.value_or("no answer"));
        applied[name] = value;
      }
      body = json{{"applied", applied}}.dump();
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
                {"resources",
                 {"GET /v1/status", "GET /v1/memory", "POST /v1/reboot", "POST /v1/modify",
                  "POST /v1/snapshot", "POST /v1/config", "POST /v1/shutdown"}}}
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

  // Data to restore is placed once, before the first start (a marker keeps
  // reboots from doing it again).
  std::string seed_error;
  bool seeding = false;
  if (engine == "redis" && !core::fs::exists(dir / "data" / ".seeded") &&
      (!record->snapshot_name.empty() || !record->snapshot_arns.empty())) {
    seeding = true;
    seed_error = place_seed(home, *record, node->id, dir / "data" / "dump.rdb");
    std::ofstream(dir / "data" / ".seeded") << "seeded\n";
  }
  if (!seed_error.empty()) {
    supervisor.restore_failed(seed_error);
  } else {
    if (seeding) supervisor.expect_restore();
    supervisor.start(std::chrono::steady_clock::now());
  }
  tell(o.ready_fd, "ok");
  if (o.ready_fd >= 0) ::close(o.ready_fd);

  // Automatic backups: the daemon of node 0001 takes the daily system
  // snapshot inside the snapshot window and deletes the expired ones.
  auto run_backup_schedule = [&](const core::CacheClusterRecord& fresh) {
    if (fresh.snapshot_retention_limit <= 0) return;
    std::vector<core::SnapshotRecord> existing;
    for (const auto& name : store.list_names()) {
      if (name.rfind("automatic.", 0) != 0) continue;
      if (auto s = store.get(name)) existing.push_back(*s);
    }
    core::TimePoint t = clock.now();
    for (const auto& name : core::expired_backups(fresh, t, existing)) {
      if (!store.remove(name)) record_event("Deleted automatic snapshot " + name + " (retention)");
    }
    if (snapshot || modifying || supervisor.node_status() != "available") return;
    auto due = core::due_backup(fresh, t, existing);
    if (!due) return;
    auto work = store.begin(*due);
    if (!work) return;
    auto info = redis_command(node->address, node->port, record->auth_token,
                              {"INFO", "persistence"}, std::chrono::seconds(2));
    auto started = redis_command(node->address, node->port, record->auth_token, {"BGSAVE"},
                                 std::chrono::seconds(2));
    if (!info || !started || started->rfind("+", 0) != 0) {
      store.discard(*work);
      return;
    }
    snapshot = SnapshotJob{-1,
                           (*work / (node->id + ".rdb")).string(),
                           *due,
                           *work,
                           std::atoll(info_field(*info, "rdb_saves").c_str()),
                           std::chrono::steady_clock::now() + std::chrono::minutes(30)};
  };
  // The maintenance window: the daemon of the first node moves the cluster's due
  // work (pending changes, auto minor version upgrades) into the record,
  // under the registry's lock; every node's daemon then catches up with it.
  // Returns whether it changed the record.
  auto run_maintenance = [&](const core::CacheClusterRecord& fresh) {
    // The cluster's first node runs its schedule (a Memcached cluster can
    // lose node 0001).
    if (fresh.nodes.empty() || fresh.nodes.front().id != o.node) return false;
    core::TimePoint t = clock.now();
    // Outside the window (nearly always) nothing else is looked at: listing
    // the installed engines is a directory scan.
    auto window = core::current_maintenance_window(fresh, t);
    if (!window || fresh.last_maintenance == *window) return false;
    auto installed = core::versioned_engines();
    if (!core::due_maintenance(fresh, t, installed)) return false;
    std::optional<core::MaintenanceWork> done;
    auto err = registry.update(o.cluster, [&](core::CacheClusterRecord& r) -> core::Status {
      done = core::due_maintenance(r, t, installed);
      if (done) core::apply_maintenance(r, *done);
      return std::nullopt;
    });
    if (err || !done) return false;
    std::string what;
    if (!done->cache_node_type.empty()) what += "cache node type " + done->cache_node_type;
    if (!done->engine_version.empty()) {
      if (!what.empty()) what += ", ";
      what += (done->auto_upgrade ? "auto minor version upgrade to engine version "
                                  : "engine version ") +
              done->engine_version;
    }
    if (done->num_cache_nodes > 0) {
      if (!what.empty()) what += ", ";
      what += "number of cache nodes " + std::to_string(done->num_cache_nodes);
    }
    record_event("Applying modifications in the maintenance window: " + what);
    if (done->num_cache_nodes > 0 &&
        start_node_count_change(o.state_dir, o.cluster, done->num_cache_nodes,
                                done->cache_node_ids_to_remove, dir / "maintenance.log") < 0) {
      record_event("Could not change the number of cache nodes: cannot start cachectl");
    }
    return true;
  };
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
    if (snapshot) timeout = std::min(timeout, 5);
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
    finish_modify();
    if (snapshot) {
      auto info = redis_command(node->address, node->port, record->auth_token,
                                {"INFO", "persistence"}, std::chrono::seconds(2));
      bool finished = info && info_field(*info, "rdb_bgsave_in_progress") == "0" &&
                      std::atoll(info_field(*info, "rdb_saves").c_str()) > snapshot->saves_before;
      bool failed_save = finished && info_field(*info, "rdb_last_bgsave_status") != "ok";
      if (finished && !failed_save && snapshot->request < 0) {
        std::error_code move_error;
        core::fs::rename(dir / "data" / "dump.rdb", snapshot->target, move_error);
        auto fresh = registry.get(o.cluster);
        if (move_error || !fresh) {
          store.discard(snapshot->work);
          record_event("Automatic snapshot failed for snapshot named " + snapshot->automatic_name);
        } else {
          core::SnapshotRecord s;
          s.name = snapshot->automatic_name;
          s.source = "system";
          s.cluster = *fresh;
          s.nodes.push_back(
              {node->id,
               static_cast<std::int64_t>(core::fs::file_size(snapshot->target, move_error)),
               node->create_time, clock.now()});
          if (!store.publish(snapshot->work, s))
            record_event("Automatic snapshot succeeded for snapshot named " + s.name);
        }
        snapshot.reset();
      } else if (finished && !failed_save) {
        // The RDB moves into the snapshot store: no copy, whatever its size.
        std::error_code move_error;
        core::fs::rename(dir / "data" / "dump.rdb", snapshot->target, move_error);
        if (move_error) {
          server.respond(snapshot->request, 500,
                         json{{"error", "cannot move the RDB: " + move_error.message()}}.dump());
        } else {
          server.respond(snapshot->request, 200,
                         json{{"path", snapshot->target},
                              {"size", core::fs::file_size(snapshot->target, move_error)}}
                             .dump());
        }
        snapshot.reset();
      } else if (failed_save || now > snapshot->deadline ||
                 supervisor.node_status() != "available") {
        server.respond(snapshot->request, 500,
                       json{{"error", "BGSAVE failed (see engine.log)"}}.dump());
        snapshot.reset();
      }
    }

    if (now >= next_home_check) {
      // A test's clock jumps: look at the schedule often then.
      next_home_check = now + (fake_clock ? std::chrono::milliseconds(50) : kHomeCheckInterval);
      // One read of the record serves the whole check.
      if (!shutting_down) {
        auto fresh = registry.get(o.cluster);
        if (fresh && engine == "redis" && node->id == "0001") run_backup_schedule(*fresh);
        if (fresh && run_maintenance(*fresh)) fresh = registry.get(o.cluster);
        if (fresh) catch_up_with_record(*fresh);
      }
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
