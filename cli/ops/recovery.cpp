#include "cli/ops/recovery.h"

#include <unistd.h>

#include <algorithm>
#include <set>

#include "cli/address_probe.h"
#include "cli/node_launcher.h"
#include "cli/node_status.h"
#include "cli/ops/cluster_teardown.h"
#include "core/files.h"
#include "core/replication_group.h"
#include "core/snapshots.h"

namespace cachectl::cli {

namespace {

bool daemon_alive(Context& ctx, const std::string& cluster, const std::string& node) {
  return core::is_locked(ctx.home().node_dir(cluster, node) / "daemon.lock");
}

// Starts the daemon of a node unless one runs; a daemon started by the
// killed command a moment ago may take its lock while we look, which
// counts as started.
core::Status ensure_daemon(Context& ctx, const std::string& cluster, const std::string& node) {
  if (daemon_alive(ctx, cluster, node)) return std::nullopt;
  auto err = launch_node(ctx.home(), cluster, node);
  if (err && daemon_alive(ctx, cluster, node)) return std::nullopt;
  return err;
}

// The claim files of the home: address -> owner ("cluster/node").
std::vector<std::pair<std::string, std::string>> claims(Context& ctx) {
  std::vector<std::pair<std::string, std::string>> out;
  std::error_code ec;
  for (const auto& e : core::fs::directory_iterator(ctx.home().addresses_dir(), ec)) {
    auto owner = core::read_file(e.path());
    if (!owner) continue;
    std::string who = owner->substr(0, owner->find('\n'));
    // A replication group's endpoint ("GROUP/rg-primary") is the group's,
    // not a cluster's leftover (cli/ops/group_operation.cpp frees it).
    if (core::is_group_endpoint_claim(who)) continue;
    out.emplace_back(e.path().filename().string(), who);
  }
  return out;
}

std::string cluster_of(const std::string& owner) { return owner.substr(0, owner.find('/')); }

// Stops the nodes still being removed and forgets them.
core::Status finish_removing(Context& ctx, const core::CacheClusterRecord& r, Settled& out) {
  if (r.removing.empty()) return std::nullopt;
  for (const auto& n : r.removing) {
    if (auto err = stop_daemon(ctx, r.id, n.id, n.address)) return err;
    std::error_code ec;
    core::fs::remove_all(ctx.home().node_dir(r.id, n.id), ec);
  }
  if (auto err = ctx.registry.update(r.id, [&](core::CacheClusterRecord& rec) -> core::Status {
        for (const auto& n : rec.removing) ctx.registry.release_address(n.address);
        rec.removing.clear();
        return std::nullopt;
      }))
    return err;
  for (const auto& n : r.removing) {
    ctx.record_event(r.id, "Removed cache node " + n.id);
    out.done.push_back("removed cache node " + n.id);
  }
  return std::nullopt;
}

core::Status clear_intent(Context& ctx, const std::string& id, core::Durability durability) {
  return ctx.registry.update(
      id,
      [](core::CacheClusterRecord& r) -> core::Status {
        r.intent = {};
        return std::nullopt;
      },
      durability);
}

// Starts every daemon of `nodes` that does not run, all at once, runs
// `meanwhile` while they start, then waits for each: their engines start
// side by side. The first failure, if any (a daemon started by a killed
// command a moment ago may take its lock while we look: that counts as
// started). `record`: given for the nodes' first start (start_node).
core::Status start_daemons(Context& ctx, const core::CacheClusterRecord& record,
                           const std::vector<std::string>& nodes,
                           const std::function<core::Status()>& meanwhile) {
  const std::string& cluster = record.id;
  core::Status failure;
  std::vector<std::pair<std::string, PendingDaemon>> pending;
  for (const auto& node : nodes) {
    if (daemon_alive(ctx, cluster, node)) continue;
    auto started = start_node(ctx.home(), cluster, node, &record);
    if (!started) {
      if (!daemon_alive(ctx, cluster, node)) failure = started.error();
      break;
    }
    pending.emplace_back(node, std::move(*started));
  }
  if (!failure && meanwhile) failure = meanwhile();
  for (auto& [node, daemon] : pending) {
    auto err = daemon.wait();
    if (err && !failure && !daemon_alive(ctx, cluster, node)) failure = err;
  }
  return failure;
}

}  // namespace

core::Result<Settled> settle(Context& ctx, const std::string& id,
                             const std::function<core::Status()>& while_starting) {
  Settled out;
  auto got = ctx.registry.get(id);
  if (!got) {
    if (got.error().code != "CacheClusterNotFound") return got.error();
    out.deleted = true;
    return out;
  }
  core::CacheClusterRecord r = *got;
  const core::Intent intent = r.intent;
  std::string who = intent.empty() || intent.pid == static_cast<int>(::getpid())
                        ? ""
                        : " (left by process " + std::to_string(intent.pid) + ")";

  if (r.lifecycle == core::Lifecycle::kDeleting ||
      (intent.operation == "delete" && intent.step == "teardown")) {
    if (auto err = teardown_cluster(ctx, r)) return *err;
    ctx.record_events(r, {"Cache cluster deleted"});
    out.done.push_back("finished deleting cache cluster " + id + who);
    if (auto swept = sweep_cluster_leftovers(ctx, id); !swept) return swept.error();
    out.deleted = true;
    return out;
  }
  if (intent.operation == "create") {
    std::vector<std::string> nodes;
    for (const auto& d : daemons_of(r)) nodes.push_back(d.id);
    if (auto err = start_daemons(ctx, r, nodes, while_starting)) {
      // A cluster that cannot run is not left behind (as create does).
      if (auto e = teardown_cluster(ctx, r)) return *e;
      ctx.record_events(r, {"Cache cluster creation undone: " + err->message});
      out.done.push_back("undid creating cache cluster " + id + who + ": " + err->message);
      out.failed.push_back(err->message);
      out.create_error = err;
      out.deleted = true;
      return out;
    }
    // As ElastiCache: an event per node added, then the cluster's (shown
    // first, newest first).
    std::vector<std::string> messages;
    for (const auto& n : r.nodes)
      messages.push_back("Added cache node " + n.id + " in availability zone " +
                         n.availability_zone);
    messages.push_back("Cache cluster created");
    ctx.record_events(r, messages);
    out.done.push_back("finished creating cache cluster " + id + who);
  } else if (intent.operation == "modify") {
    std::vector<std::string> failed;
    for (const auto& node : intent.added) {
      if (!r.find_node(node)) continue;
      if (auto err = ensure_daemon(ctx, id, node)) {
        failed.push_back(node);
        out.failed.push_back(err->message);
      } else {
        const auto* n = r.find_node(node);
        ctx.record_event(
            id, "Added cache node " + node + " in availability zone " + n->availability_zone);
        out.done.push_back("finished adding cache node " + node + who);
      }
    }
    if (!failed.empty()) {
      // Nodes that cannot start are taken out again.
      auto err = ctx.registry.update(id, [&](core::CacheClusterRecord& rec) -> core::Status {
        std::vector<core::CacheNodeRecord> kept;
        for (const auto& n : rec.nodes) {
          bool go = std::find(failed.begin(), failed.end(), n.id) != failed.end();
          (go ? rec.removing : kept).push_back(n);
        }
        rec.nodes = kept;
        rec.num_cache_nodes = static_cast<int>(kept.size());
        rec.config_version += 1;
        return std::nullopt;
      });
      if (err) return *err;
      for (const auto& n : failed) out.done.push_back("undid adding cache node " + n + who);
      if (auto fresh = ctx.registry.get(id)) r = *fresh;
    }
    if (intent.restart) {
      for (const auto& n : r.nodes)
        if (daemon_alive(ctx, id, n.id))
          ctx.admin().call(ctx.home().admin_socket(n.address), core::admin::Route::kModify,
                           std::chrono::minutes(5));
      out.done.push_back("finished restarting the engines of " + id +
                         " for the new node type "
                         "or engine version" +
                         who);
    }
  } else if (intent.operation == "snapshot" || intent.operation == "delete") {
    // Its owner is gone, so its work directory is garbage; a snapshot that
    // was published before the kill stays.
    core::SnapshotStore store(ctx.home());
    store.discard(ctx.home().root() / "snapshots" /
                  ("." + intent.snapshot + ".tmp." + std::to_string(intent.pid)));
    bool published = !intent.snapshot.empty() && store.get(intent.snapshot).ok();
    std::string what = intent.operation == "delete" ? "the final snapshot " : "snapshot ";
    out.done.push_back((published ? "found " + what + intent.snapshot + " complete"
                                  : "undid " + what + intent.snapshot) +
                       (intent.operation == "delete" ? "; the cache cluster was not deleted" : "") +
                       who);
  }
  if (auto err = finish_removing(ctx, r, out)) return *err;
  // A create's intent need not outlive a power loss: whoever finds it after
  // one starts the daemons a restart needs anyway.
  bool own_create = intent.operation == "create" && intent.pid == static_cast<int>(::getpid());
  if (!intent.empty()) {
    if (auto err = clear_intent(ctx, id,
                                own_create ? core::Durability::kDeferred : core::Durability::kNow))
      return *err;
  }
  // Our own create swept the cluster's leftovers before it claimed anything.
  if (own_create) return out;
  auto swept = sweep_cluster_leftovers(ctx, id);
  if (!swept) return swept.error();
  for (auto& left : *swept) out.done.push_back("removed " + left);
  return out;
}

core::Result<ClusterOperation> begin_cluster_operation(Context& ctx, const std::string& id) {
  auto record = ctx.registry.get(id);
  if (!record) return record.error();
  // The record's id from here on: the one every spelling of `id` means.
  const std::string canonical = record->id;
  auto lock = core::OperationLock::try_take(ctx.home(), canonical);
  if (!lock) return lock.error();
  if (core::has_unfinished_work(*record)) {
    auto settled = settle(ctx, canonical);
    if (!settled) return settled.error();
  } else if (auto swept = sweep_cluster_leftovers(ctx, canonical); !swept) {
    return swept.error();
  }
  auto fresh = ctx.registry.get(canonical);
  if (!fresh) return fresh.error();
  return ClusterOperation{std::move(*lock), std::move(*fresh)};
}

core::Result<core::CacheClusterRecord> settle_if_abandoned(Context& ctx,
                                                           core::CacheClusterRecord record) {
  if (!core::has_unfinished_work(record)) return record;
  auto lock = core::OperationLock::try_take(ctx.home(), record.id);
  if (!lock) return record;  // someone is at work on it: show it as it is
  auto settled = settle(ctx, record.id);
  if (!settled) return settled.error();
  return ctx.registry.get(record.id);
}

core::Result<std::vector<std::string>> sweep_cluster_leftovers(Context& ctx,
                                                               const std::string& cluster,
                                                               bool every_claim) {
  std::vector<std::string> removed;
  auto record = ctx.registry.get(cluster);
  bool exists = record.ok();
  if (!exists && record.error().code != "CacheClusterNotFound") return removed;  // unreadable
  std::set<std::string> addresses;
  std::set<std::string> daemons;
  if (exists) {
    for (const auto& d : all_daemons_of(*record)) {
      addresses.insert(d.address);
      daemons.insert(d.id);
    }
  }
  // Stray daemons first, then the addresses their engines listened on.
  core::fs::path dir = ctx.home().root() / "nodes" / cluster;
  std::error_code ec;
  std::vector<core::fs::path> strays;
  for (const auto& e : core::fs::directory_iterator(dir, ec))
    if (!daemons.count(e.path().filename().string())) strays.push_back(e.path());
  for (const auto& p : strays) {
    if (auto err = kill_unresponsive(p)) return *err;
    core::fs::remove_all(p, ec);
    removed.push_back("nodes/" + cluster + "/" + p.filename().string());
  }
  for (const auto& [address, owner] : ctx.registry.claimed_by(cluster, every_claim)) {
    // A replication group's endpoint ("GROUP/rg-primary") is the group's,
    // not a cluster's leftover (cli/ops/group_operation.cpp frees it).
    if (core::is_group_endpoint_claim(owner) || addresses.count(address)) continue;
    (void)wait_until_unbound(address, std::chrono::seconds(5));
    ctx.registry.release_address(address);
    removed.push_back("addresses/" + address);
  }
  if (!exists && core::fs::exists(dir)) core::fs::remove_all(dir, ec);
  return removed;
}

std::vector<std::string> sweep_temporary_files(Context& ctx) {
  std::vector<std::string> removed;
  const core::fs::path& root = ctx.home().root();
  for (const char* sub : {"", "clusters", "addresses", "snapshots", "parameter-groups"}) {
    core::fs::path dir = *sub ? root / sub : root;
    std::error_code ec;
    std::vector<core::fs::path> dead;
    for (const auto& e : core::fs::directory_iterator(dir, ec)) {
      std::string name = e.path().filename().string();
      auto mark = name.rfind(".tmp.");
      if (name.empty() || name[0] != '.' || mark == std::string::npos) continue;
      int pid = 0;
      try {
        pid = std::stoi(name.substr(mark + 5));  // ".tmp.PID" or ".tmp.PID.N"
      } catch (...) {
        continue;
      }
      if (!core::process_alive(pid)) dead.push_back(e.path());
    }
    for (const auto& p : dead) {
      core::fs::remove_all(p, ec);
      removed.push_back(core::fs::relative(p, root, ec).string());
    }
  }
  return removed;
}

std::vector<std::string> clusters_with_traces(Context& ctx) {
  std::set<std::string> ids;
  for (const auto& id : ctx.registry.list_ids()) ids.insert(id);
  for (const auto& [address, owner] : claims(ctx)) {
    std::string c = cluster_of(owner);
    if (!c.empty()) ids.insert(c);
  }
  // A marker without its claim (a kill between the two) is a trace too.
  std::error_code marker_ec;
  for (const auto& e : core::fs::directory_iterator(ctx.home().claim_markers_dir(), marker_ec)) {
    std::string id = e.path().filename().string();
    // (a replication group's endpoints are marked under its id: the group's)
    if (!core::fs::exists(ctx.home().replication_groups_dir() / (id + ".toml"))) ids.insert(id);
  }
  std::error_code ec;
  for (const auto& e : core::fs::directory_iterator(ctx.home().root() / "nodes", ec))
    ids.insert(e.path().filename().string());
  return {ids.begin(), ids.end()};
}

}  // namespace cachectl::cli
