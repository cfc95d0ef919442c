// create-snapshot: a manual snapshot of a Redis cluster (see take_snapshot).
// The cluster shows "snapshotting" while its engine saves. The answer comes
// once the snapshot is complete, so it shows "available".
#include "cli/context.h"
#include "cli/ops/request_fields.h"
#include "cli/ops/take_snapshot.h"

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
  auto record = ctx.registry.get(*id);
  if (!record) return record.error();
  auto snapshot =
      take_snapshot(ctx, *record, opt_string(request, "SnapshotName").value_or(""), "manual");
  if (!snapshot) return snapshot.error();
  return nlohmann::json{{"Snapshot", core::snapshot_json(*snapshot, "available", ctx.region)}};
}

}  // namespace cachectl::cli
