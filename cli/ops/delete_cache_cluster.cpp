// delete-cache-cluster: mark the cluster "deleting" (so every observer sees
// it), stop its nodes, then remove it. The answer shows "deleting", as the
// API's does. The mark is the intent: a delete that was killed half-way is
// finished by the next command on the cluster or by `cachectl resume`.
// A final snapshot is taken first, under a "delete" intent whose step is
// "final-snapshot": killed there, the delete is undone (the cluster stays).
#include "cli/context.h"
#include "cli/group_members.h"
#include "cli/node_status.h"
#include "cli/ops/group_operation.h"
#include "cli/ops/recovery.h"
#include "cli/ops/request_fields.h"
#include "cli/ops/take_snapshot.h"
#include "core/identifiers.h"

namespace cachectl::cli {

namespace {

// A replica of a replication group leaves the group as it is deleted; the
// primary is refused, as on ElastiCache (delete the group, or fail over).
core::Result<nlohmann::json> delete_member_cluster(Context& ctx,
                                                   const core::CacheClusterRecord& member,
                                                   const nlohmann::json& request) {
  auto op = begin_group_operation(ctx, member.replication_group_id);
  if (!op) return op.error();
  const core::ReplicationGroupRecord& g = op->group;
  if (g.cluster_enabled)
    return core::ApiError{"InvalidCacheClusterState",
                          "Cache cluster " + member.id +
                              " is a member of cluster-mode replication "
                              "group " +
                              g.id +
                              "; remove replicas with decrease-replica-count and node "
                              "groups with modify-replication-group-shard-configuration."};
  if (opt_string(request, "FinalSnapshotIdentifier"))
    return core::invalid_combination(
        "FinalSnapshotIdentifier is not allowed for a member of a replication group; use "
        "create-snapshot --replication-group-id first.");
  std::string primary = live_primary(ctx, g);
  if (member.id == primary || g.members.size() < 2)
    return core::ApiError{"InvalidCacheClusterState",
                          "Cache cluster " + member.id + " is the primary of replication group " +
                              g.id + "; delete the replication group instead."};
  if (g.automatic_failover && g.members.size() <= 2)
    return core::invalid_combination("Cache cluster " + member.id +
                                     " is the last replica of replication group " + g.id +
                                     ", which has automatic failover enabled; disable it first.");
  core::CacheClusterRecord deleting = member;
  deleting.lifecycle = core::Lifecycle::kDeleting;
  nlohmann::json response{{"CacheCluster", live_cluster_json(ctx, deleting, false)}};
  if (auto err = remove_members(ctx, g, {member.id})) return *err;
  return response;
}

}  // namespace

core::Result<nlohmann::json> delete_cache_cluster(Context& ctx, const nlohmann::json& request) {
  std::string id = opt_string(request, "CacheClusterId").value_or("");
  if (auto member = ctx.registry.get(id); member && !member->replication_group_id.empty())
    return delete_member_cluster(ctx, *member, request);
  auto op = begin_cluster_operation(ctx, id);
  if (!op) return op.error();
  id = op->record.id;
  core::CacheClusterRecord& record = op->record;
  // As the service documents, a cluster that is not available cannot be
  // deleted while something is under way; one that failed (failed,
  // restore-failed, incompatible-*) can, so that nothing is ever stuck (a
  // node whose engine keeps failing shows failed: node/supervisor.cpp), and
  // so can one whose daemon does not answer (nothing is known under way).
  std::string status =
      core::cluster_status(record, live_node_statuses(ctx, record, Unanswered::kUnknown));
  if (status == "creating" || status == "rebooting cache cluster nodes" || status == "modifying" ||
      status == "snapshotting") {
    return core::ApiError{
        "InvalidCacheClusterState",
        "Cache cluster " + id + " is " + status + "; it can be deleted once it is available."};
  }
  if (auto final_snapshot = opt_string(request, "FinalSnapshotIdentifier")) {
    // Taken first: if it cannot be taken, the cluster is not deleted.
    auto name = core::normalize_name(*final_snapshot, "FinalSnapshotIdentifier", 255);
    if (!name) return name.error();
    auto marked = ctx.registry.update(id, [&](core::CacheClusterRecord& r) -> core::Status {
      r.intent = core::new_intent("delete", ctx.clock.now());
      r.intent.step = "final-snapshot";
      r.intent.snapshot = *name;
      return std::nullopt;
    });
    if (marked) return *marked;
    auto snapshot = take_snapshot(ctx, record, *name, "manual");
    if (!snapshot) {
      (void)ctx.registry.update(id, [](core::CacheClusterRecord& r) -> core::Status {
        r.intent = {};
        return std::nullopt;
      });
      return snapshot.error();
    }
  }
  auto marked = ctx.registry.update(id, [&](core::CacheClusterRecord& r) -> core::Status {
    r.lifecycle = core::Lifecycle::kDeleting;
    r.intent = core::new_intent("delete", ctx.clock.now());
    r.intent.step = "teardown";
    return std::nullopt;
  });
  if (marked) return *marked;
  record.lifecycle = core::Lifecycle::kDeleting;
  record.intent = {};
  nlohmann::json response{{"CacheCluster", live_cluster_json(ctx, record, false)}};
  auto settled = settle(ctx, id);  // stops the nodes, removes the record
  if (!settled) return settled.error();
  return response;
}

}  // namespace cachectl::cli
