#include "cli/ops/group_operation.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "cli/address_probe.h"
#include "cli/group_members.h"
#include "cli/node_launcher.h"
#include "cli/ops/cluster_teardown.h"
#include "cli/ops/service_context.h"
#include "core/create_replication_group.h"
#include "core/files.h"

namespace cachectl::cli {

namespace {

bool group_daemon_alive(Context& ctx, const std::string& id) {
  return core::is_locked(core::group_dir(ctx.home(), id) / "daemon.lock");
}

core::Status clear_group_intent(Context& ctx, const std::string& id) {
  return core::ReplicationGroupStore(ctx.home())
      .update(id, [](core::ReplicationGroupRecord& g) -> core::Status {
        g.intent = {};
        return std::nullopt;
      });
}

// A member that leaves its group (delete --retain-primary-cluster) becomes
// a cluster of its own; its daemon restarts its engine as one, keeping the
// data (node/modify_restart.h).
core::Status release_member(Context& ctx, const std::string& cluster) {
  auto err = ctx.registry.update(cluster, [](core::CacheClusterRecord& r) -> core::Status {
    r.replication_group_id.clear();
    return std::nullopt;
  });
  if (err) return err;
  if (auto record = ctx.registry.get(cluster); record && !record->nodes.empty())
    ctx.admin().call(ctx.home().admin_socket(record->nodes.front().address),
                     core::admin::Route::kModify, std::chrono::seconds(30));
  return std::nullopt;
}

// Takes members out of the record (and out of their node groups).
void drop_members(core::ReplicationGroupRecord& rec, const std::vector<std::string>& gone) {
  auto in_gone = [&](const std::string& m) {
    return std::find(gone.begin(), gone.end(), m) != gone.end();
  };
  std::erase_if(rec.members, in_gone);
  // The cluster manager must forget them before the group is available.
  if (rec.cluster_enabled) ++rec.layout_version;
  for (auto& ng : rec.node_groups) {
    std::erase_if(ng.members, in_gone);
    if (in_gone(ng.primary)) ng.primary = ng.members.empty() ? "" : ng.members.front();
  }
  if (in_gone(rec.primary)) rec.primary = rec.members.empty() ? "" : rec.members.front();
}

}  // namespace

void poke_group_daemon(Context& ctx, const core::ReplicationGroupRecord& group) {
  (void)ctx.admin().call(ctx.home().admin_socket(group.daemon_address()),
                         core::admin::Route::kModify, std::chrono::seconds(2));
}

core::Result<core::OperationLock> lock_group(Context& ctx, const std::string& id) {
  auto lock = core::OperationLock::try_take(ctx.home(), "rg." + id);
  if (!lock && lock.error().code == "InvalidCacheClusterState")
    return core::ApiError{"InvalidReplicationGroupState",
                          "Replication group " + id +
                              " is being changed by another command; try again once it is "
                              "available."};
  return lock;
}

core::Status delete_member(Context& ctx, const std::string& cluster) {
  auto op = begin_cluster_operation(ctx, cluster);
  if (!op)
    return op.error().code == "CacheClusterNotFound" ? std::nullopt : core::Status(op.error());
  auto marked = ctx.registry.update(cluster, [&](core::CacheClusterRecord& r) -> core::Status {
    r.lifecycle = core::Lifecycle::kDeleting;
    r.intent = core::new_intent("delete", ctx.clock.now());
    r.intent.step = "teardown";
    return std::nullopt;
  });
  if (marked) return marked;
  auto settled = settle(ctx, cluster);
  if (!settled) return settled.error();
  return std::nullopt;
}

core::Status ensure_group_daemon(Context& ctx, const core::ReplicationGroupRecord& group) {
  if (group_daemon_alive(ctx, group.id)) return std::nullopt;
  auto err = launch_group_daemon(ctx.home(), group.id, core::group_dir(ctx.home(), group.id));
  if (err && group_daemon_alive(ctx, group.id)) return std::nullopt;
  return err;
}

core::Status remove_group(Context& ctx, const core::ReplicationGroupRecord& group) {
  core::fs::path dir = core::group_dir(ctx.home(), group.id);
  if (group_daemon_alive(ctx, group.id)) {
    AdminReply reply = ctx.admin().call(ctx.home().admin_socket(group.daemon_address()),
                                        core::admin::Route::kShutdown, std::chrono::seconds(15));
    if (!reply.reached || reply.status != 200) kill_unresponsive(dir);
  }
  // Its Sentinel (and members' engines) listen on the endpoints until gone.
  for (int i = 0; i < 2000 && group_daemon_alive(ctx, group.id); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  for (const auto& address : group.endpoint_addresses()) {
    (void)wait_until_unbound(address, std::chrono::seconds(5));
    ctx.registry.release_address(address);
  }
  std::error_code ec;
  core::fs::remove_all(dir, ec);
  return core::ReplicationGroupStore(ctx.home()).remove(group.id);
}

core::Result<Settled> settle_group(Context& ctx, const std::string& id) {
  Settled out;
  core::ReplicationGroupStore store(ctx.home());
  auto got = store.get(id);
  if (!got) {
    if (got.error().code != "ReplicationGroupNotFoundFault") return got.error();
    out.deleted = true;
    return out;
  }
  core::ReplicationGroupRecord g = *got;
  const core::GroupIntent intent = g.intent;

  auto undo_create = [&](const std::string& why) -> core::Result<Settled> {
    for (const auto& m : g.members)
      if (!(intent.retain_primary && m == g.primary))
        if (auto err = delete_member(ctx, m)) return *err;
    if (auto err = remove_group(ctx, g)) return *err;
    ctx.record_group_event(g, "Replication group creation undone: " + why);
    out.failed.push_back(why);
    out.deleted = true;
    return out;
  };

  if (g.lifecycle == core::Lifecycle::kDeleting || intent.operation == "delete") {
    for (const auto& m : g.members) {
      if (intent.retain_primary && m == g.primary) continue;
      if (auto err = delete_member(ctx, m)) return *err;
    }
    if (intent.retain_primary && g.has_member(g.primary))
      if (auto err = release_member(ctx, g.primary)) return *err;
    if (auto err = remove_group(ctx, g)) return *err;
    ctx.record_group_event(g, "Replication group deleted");
    out.done.push_back("finished deleting replication group " + id);
    out.deleted = true;
    return out;
  }
  if (intent.operation == "create" || intent.operation == "add") {
    std::vector<std::string> starting = intent.operation == "create" ? g.members : intent.members;
    std::vector<std::string> missing;
    for (const auto& m : starting) {
      auto record = ctx.registry.get(m);
      if (!record) {
        if (record.error().code != "CacheClusterNotFound") return record.error();
        missing.push_back(m);
        continue;
      }
      auto settled = settle(ctx, m);  // the member's own create intent
      if (!settled) return settled.error();
      if (settled->deleted) missing.push_back(m);
      for (auto& f : settled->failed) out.failed.push_back(f);
    }
    if (intent.operation == "create" && !missing.empty())
      return undo_create(out.failed.empty()
                             ? "member cluster " + missing.front() + " was never created"
                             : out.failed.front());
    if (!missing.empty()) {
      auto err = store.update(id, [&](core::ReplicationGroupRecord& rec) -> core::Status {
        drop_members(rec, missing);
        return std::nullopt;
      });
      if (err) return *err;
      for (const auto& m : missing) out.done.push_back("undid adding member cluster " + m);
    }
    if (auto err = ensure_group_daemon(ctx, g)) {
      if (intent.operation == "create") return undo_create(err->message);
      out.failed.push_back(err->message);
    }
    for (const auto& m : starting)
      if (std::find(missing.begin(), missing.end(), m) == missing.end())
        out.done.push_back(intent.operation == "create" ? "started member cluster " + m
                                                        : "added member cluster " + m);
  } else if (intent.operation == "remove") {
    for (const auto& m : intent.members)
      if (auto err = delete_member(ctx, m)) return *err;
    auto err = store.update(id, [&](core::ReplicationGroupRecord& rec) -> core::Status {
      drop_members(rec, intent.members);
      return std::nullopt;
    });
    if (err) return *err;
    for (const auto& m : intent.members) out.done.push_back("removed member cluster " + m);
  } else if (intent.operation == "reshard") {
    auto done = settle_resharding(ctx, g, out);
    if (!done) return done.error();
    if (!*done) return out;  // slots still moving: the intent stays
  }
  if (!intent.empty())
    if (auto err = clear_group_intent(ctx, id)) return *err;
  if (intent.empty()) {
    // Nothing left half-done; the group daemon must run all the same.
    if (auto err = ensure_group_daemon(ctx, g)) out.failed.push_back(err->message);
  }
  // A cluster-mode group's manager looks at the changed record at once.
  if (g.cluster_enabled && !intent.empty()) poke_group_daemon(ctx, g);
  return out;
}

core::Result<GroupOperation> begin_group_operation(Context& ctx, const std::string& id) {
  core::ReplicationGroupStore store(ctx.home());
  auto record = store.get(id);
  if (!record) return record.error();
  const std::string canonical = record->id;
  auto lock = lock_group(ctx, canonical);
  if (!lock) return lock.error();
  if (!record->intent.empty() || record->lifecycle == core::Lifecycle::kDeleting) {
    auto settled = settle_group(ctx, canonical);
    if (!settled) return settled.error();
  }
  auto fresh = store.get(canonical);
  if (!fresh) return fresh.error();
  return GroupOperation{std::move(*lock), std::move(*fresh)};
}

core::Result<core::ReplicationGroupRecord> settle_group_if_abandoned(
    Context& ctx, core::ReplicationGroupRecord group) {
  if (group.intent.empty() && group.lifecycle == core::Lifecycle::kActive) return group;
  auto lock = lock_group(ctx, group.id);
  if (!lock) return group;  // someone is at work on it: show it as it is
  auto settled = settle_group(ctx, group.id);
  if (!settled) return settled.error();
  return core::ReplicationGroupStore(ctx.home()).get(group.id);
}

core::Result<PlannedMembers> plan_members(Context& ctx, const core::ReplicationGroupRecord& group,
                                          const std::vector<std::string>& ids,
                                          const std::vector<std::string>& zones) {
  auto service = make_service_context(ctx, nlohmann::json::object());
  if (!service) return service.error();
  service->cluster_member = group.cluster_enabled;
  // Who may connect is the group's, as its members have it: TLS and the
  // AuthToken (kept only as digests, so copied from a member).
  auto model = ctx.registry.get(group.primary);
  if (!model && !group.members.empty()) model = ctx.registry.get(group.members.front());
  if (!model) return model.error();
  PlannedMembers out;
  // New members go in the subnet group of the group's members.
  std::string subnet_group;
  if (!group.members.empty())
    if (auto member = ctx.registry.get(group.members.front())) subnet_group = member->subnet_group;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    nlohmann::json request = core::member_request(group, ids[i], i < zones.size() ? zones[i] : "");
    if (!subnet_group.empty()) request["CacheSubnetGroupName"] = subnet_group;
    auto record = core::plan_new_cluster(request, *service);
    if (!record) return record.error();
    record->replication_group_id = group.id;
    record->transit_encryption_enabled = model->transit_encryption_enabled;
    record->transit_encryption_mode = model->transit_encryption_mode;
    record->auth_token_hashes = model->auth_token_hashes;
    record->auth_token_modified = model->auth_token_modified;
    auto lock = core::OperationLock::try_take(ctx.home(), record->id);
    if (!lock || ctx.registry.get(record->id).ok())
      return core::ApiError{"CacheClusterAlreadyExists",
                            "Cache cluster " + record->id + " already exists."};
    out.locks.push_back(std::move(*lock));
    if (auto swept = sweep_cluster_leftovers(ctx, record->id); !swept) return swept.error();
    out.records.push_back(std::move(*record));
  }
  return out;
}

core::Status add_members(Context& ctx, const core::ReplicationGroupRecord& group,
                         const std::vector<std::string>& ids, const std::vector<std::string>& zones,
                         const std::string& node_group) {
  const core::NodeGroupRecord* ng = group.find_node_group(node_group);
  if (group.cluster_enabled && !ng)
    return core::ApiError{"InvalidReplicationGroupState",
                          "Replication group " + group.id +
                              " is in cluster mode: its replicas are added per node group "
                              "(increase-replica-count --replica-configuration)."};
  std::size_t count = ng ? ng->members.size() : group.members.size();
  if (count + ids.size() > static_cast<std::size_t>(core::kMaxGroupMembers))
    return core::ApiError{"NodeQuotaForClusterExceeded",
                          "A replication group has at most 5 replicas (6 member clusters) " +
                              std::string(ng ? "per node group." : ".")};
  auto members = plan_members(ctx, group, ids, zones);
  if (!members) return members.error();
  auto& planned = members->records;
  core::ReplicationGroupStore store(ctx.home());
  auto marked = store.update(group.id, [&](core::ReplicationGroupRecord& g) -> core::Status {
    for (const auto& id : ids) g.members.push_back(id);
    if (auto* target = g.find_node_group(node_group)) {
      for (const auto& id : ids) target->members.push_back(id);
      ++g.layout_version;  // available once the manager has made them replicas
    }
    g.intent = core::new_group_intent("add", ctx.clock.now(), ids);
    return std::nullopt;
  });
  if (marked) return marked;
  for (auto& r : planned) {
    r.intent = core::new_intent("create", ctx.clock.now());
    if (auto err =
            ctx.registry.create(r, group.cluster_enabled ? can_listen_cluster : can_listen)) {
      (void)settle_group(ctx, group.id);  // takes the unwritten ones out again
      return err;
    }
  }
  members->locks.clear();
  auto settled = settle_group(ctx, group.id);
  if (!settled) return settled.error();
  if (!settled->failed.empty()) return core::ApiError{"InternalFailure", settled->failed.front()};
  for (const auto& id : ids)
    ctx.record_group_event(group.id, "Added cache cluster " + id + " to replication group " +
                                         group.id + " as a replica");
  return std::nullopt;
}

core::Status remove_members(Context& ctx, const core::ReplicationGroupRecord& group,
                            const std::vector<std::string>& ids) {
  core::ReplicationGroupStore store(ctx.home());
  auto marked = store.update(group.id, [&](core::ReplicationGroupRecord& g) -> core::Status {
    g.intent = core::new_group_intent("remove", ctx.clock.now(), ids);
    return std::nullopt;
  });
  if (marked) return marked;
  auto settled = settle_group(ctx, group.id);
  if (!settled) return settled.error();
  for (const auto& id : ids)
    ctx.record_group_event(group.id,
                           "Removed cache cluster " + id + " from replication group " + group.id);
  return std::nullopt;
}

}  // namespace cachectl::cli
