// delete-cache-cluster: mark the cluster "deleting" (so every observer sees
// it), stop its nodes, then remove it. The answer shows "deleting", as the
// API's does. A delete that was killed half-way is finished by the next one.
#include "cli/context.h"
#include "cli/node_status.h"
#include "cli/ops/cluster_teardown.h"
#include "cli/ops/request_fields.h"
#include "cli/ops/take_snapshot.h"

namespace cachectl::cli {

core::Result<nlohmann::json> delete_cache_cluster(Context& ctx, const nlohmann::json& request) {
  std::string id = opt_string(request, "CacheClusterId").value_or("");
  auto record = ctx.registry.get(id);
  if (!record) return record.error();
  if (record->lifecycle != core::Lifecycle::kDeleting) {
    std::string status = core::cluster_status(*record, live_node_statuses(ctx, *record));
    if (status == "rebooting cache cluster nodes" || status == "modifying" ||
        status == "snapshotting") {
      return core::ApiError{
          "InvalidCacheClusterState",
          "Cache cluster " + id + " is " + status + "; it can be deleted once it is available."};
    }
  }
  if (auto final_snapshot = opt_string(request, "FinalSnapshotIdentifier")) {
    // Taken first: if it cannot be taken, the cluster is not deleted.
    auto snapshot = take_snapshot(ctx, *record, *final_snapshot, "manual");
    if (!snapshot) return snapshot.error();
  }
  auto marked = ctx.registry.update(id, [](core::CacheClusterRecord& r) -> core::Status {
    r.lifecycle = core::Lifecycle::kDeleting;
    return std::nullopt;
  });
  if (marked) return *marked;
  record->lifecycle = core::Lifecycle::kDeleting;
  nlohmann::json response{{"CacheCluster", live_cluster_json(ctx, *record, false)}};
  if (auto err = teardown_cluster(ctx, *record)) return *err;
  ctx.record_event(id, "Cache cluster deleted");
  return response;
}

}  // namespace cachectl::cli
