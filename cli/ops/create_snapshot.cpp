// create-snapshot: a manual snapshot of a Redis cluster (see take_snapshot).
// The cluster shows "snapshotting" while its engine saves. The answer comes
// once the snapshot is complete, so it shows "available". A "snapshot"
// intent covers the work: killed, its work directory is removed by the next
// command on the cluster (and work directories of dead processes by the
// next create-snapshot and by `cachectl resume`). A cluster-mode group's
// snapshot has one RDB per node group.
#include "cli/context.h"
#include "cli/group_members.h"
#include "cli/ops/group_operation.h"
#include "cli/ops/recovery.h"
#include "cli/ops/request_fields.h"
#include "cli/ops/take_snapshot.h"
#include "core/identifiers.h"
#include "core/tags.h"

namespace cachectl::cli {

core::Result<nlohmann::json> create_snapshot(Context& ctx, const nlohmann::json& request) {
  auto id = opt_string(request, "CacheClusterId");
  if (id && request.contains("ReplicationGroupId"))
    return core::invalid_combination(
        "Only one of CacheClusterId or ReplicationGroupId can be given.");
  if (!id) {
    auto group_id = opt_string(request, "ReplicationGroupId");
    if (!group_id)
      return core::invalid_combination(
          "One of CacheClusterId or ReplicationGroupId must be given.");
    // A group's snapshot comes from its snapshotting cluster, else from a
    // replica in sync (as ElastiCache prefers, so the primary is not
    // slowed down), else from the primary.
    auto group = core::ReplicationGroupStore(ctx.home()).get(*group_id);
    if (!group) return group.error();
    if (group->cluster_enabled) {
      // One RDB per node group (cli/ops/take_snapshot.h), under the group's
      // lock; a killed command leaves only a work directory that the next
      // snapshot sweeps.
      sweep_temporary_files(ctx);
      auto op = begin_group_operation(ctx, group->id);
      if (!op) return op.error();
      auto snapshot = take_group_snapshot(
          ctx, op->group, opt_string(request, "SnapshotName").value_or(""), "manual");
      if (!snapshot) return snapshot.error();
      return nlohmann::json{{"Snapshot", core::snapshot_json(*snapshot, "available", ctx.region)}};
    }
    std::string source = group->snapshotting_cluster;
    if (source.empty()) {
      for (const auto& m : live_member_states(ctx, *group)) {
        if (m.role == "replica" && m.link_up && m.status == "available") {
          source = m.cluster;
          break;
        }
        if (m.role == "primary") source = m.cluster;
      }
    }
    if (source.empty()) source = group->primary;
    id = source;
  }
  sweep_temporary_files(ctx);
  auto op = begin_cluster_operation(ctx, *id);
  if (!op) return op.error();
  id = op->record.id;
  auto name =
      core::normalize_name(opt_string(request, "SnapshotName").value_or(""), "SnapshotName", 255);
  if (!name) return name.error();
  auto tags = core::tags_of_request(request);
  if (!tags) return tags.error();
  if (auto err = ctx.registry.update(*id, [&](core::CacheClusterRecord& r) -> core::Status {
        r.intent = core::new_intent("snapshot", ctx.clock.now());
        r.intent.snapshot = *name;
        return std::nullopt;
      }))
    return *err;
  auto snapshot = take_snapshot(ctx, op->record, *name, "manual", *tags);
  auto cleared = ctx.registry.update(*id, [](core::CacheClusterRecord& r) -> core::Status {
    r.intent = {};
    return std::nullopt;
  });
  if (!snapshot) return snapshot.error();
  if (cleared) return *cleared;
  return nlohmann::json{{"Snapshot", core::snapshot_json(*snapshot, "available", ctx.region)}};
}

}  // namespace cachectl::cli
