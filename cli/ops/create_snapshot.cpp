// create-snapshot: the checks that do not need a snapshot store. Memcached
// and cache.t1.micro clusters cannot be snapshotted on ElastiCache, and get
// its error here too. Taking snapshots of Redis clusters is the snapshot
// issue's work and is refused plainly until then.
#include "cli/context.h"
#include "cli/ops/request_fields.h"
#include "core/node_types.h"

namespace cachectl::cli {

core::Result<nlohmann::json> create_snapshot(Context& ctx, const nlohmann::json& request) {
  auto id = opt_string(request, "CacheClusterId");
  if (!id) {
    if (opt_string(request, "ReplicationGroupId")) {
      return core::ApiError{
          "ReplicationGroupNotFoundFault",
          "ReplicationGroup " + *opt_string(request, "ReplicationGroupId") + " not found."};
    }
    return core::invalid_combination("One of CacheClusterId or ReplicationGroupId must be given.");
  }
  auto record = ctx.registry.get(*id);
  if (!record) return record.error();
  const core::NodeType* type = core::find_node_type(record->node_type);
  if (record->engine != "redis") {
    return core::ApiError{"SnapshotFeatureNotSupportedFault",
                          "Snapshots are not supported for Memcached cache clusters."};
  }
  if (type && !type->supports_snapshots) {
    return core::ApiError{
        "SnapshotFeatureNotSupportedFault",
        "Snapshots are not supported for cache node type " + record->node_type + "."};
  }
  return core::ApiError{"NotImplemented",
                        "create-snapshot of Redis clusters is not implemented by this version of "
                        "cachectl yet; nothing was changed."};
}

}  // namespace cachectl::cli
