// create-snapshot: a manual snapshot of a Redis cluster (see take_snapshot).
// The cluster shows "snapshotting" while its engine saves. The answer comes
// once the snapshot is complete, so it shows "available". A "snapshot"
// intent covers the work: killed, its work directory is removed by the next
// command on the cluster (and work directories of dead processes by the
// next create-snapshot and by `cachectl resume`).
#include "cli/context.h"
#include "cli/ops/recovery.h"
#include "cli/ops/request_fields.h"
#include "cli/ops/take_snapshot.h"
#include "core/identifiers.h"

namespace cachectl::cli {

core::Result<nlohmann::json> create_snapshot(Context& ctx, const nlohmann::json& request) {
  auto id = opt_string(request, "CacheClusterId");
  if (!id) {
    if (auto group = opt_string(request, "ReplicationGroupId")) {
      return core::ApiError{"ReplicationGroupNotFoundFault",
                            "ReplicationGroup " + *group + " not found."};
    }
    return core::invalid_combination("One of CacheClusterId or ReplicationGroupId must be given.");
  }
  sweep_temporary_files(ctx);
  auto op = begin_cluster_operation(ctx, *id);
  if (!op) return op.error();
  id = op->record.id;
  auto name =
      core::normalize_name(opt_string(request, "SnapshotName").value_or(""), "SnapshotName", 255);
  if (!name) return name.error();
  if (auto err = ctx.registry.update(*id, [&](core::CacheClusterRecord& r) -> core::Status {
        r.intent = core::new_intent("snapshot", ctx.clock.now());
        r.intent.snapshot = *name;
        return std::nullopt;
      }))
    return *err;
  auto snapshot = take_snapshot(ctx, op->record, *name, "manual");
  auto cleared = ctx.registry.update(*id, [](core::CacheClusterRecord& r) -> core::Status {
    r.intent = {};
    return std::nullopt;
  });
  if (!snapshot) return snapshot.error();
  if (cleared) return *cleared;
  return nlohmann::json{{"Snapshot", core::snapshot_json(*snapshot, "available", ctx.region)}};
}

}  // namespace cachectl::cli
