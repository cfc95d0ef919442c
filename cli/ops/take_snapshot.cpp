#include "cli/ops/take_snapshot.h"

#include "cli/node_status.h"
#include "core/identifiers.h"
#include "core/node_types.h"

namespace cachectl::cli {

core::Result<core::SnapshotRecord> take_snapshot(Context& ctx, const core::CacheClusterRecord& c,
                                                 const std::string& raw_name,
                                                 const std::string& source,
                                                 const std::vector<core::Tag>& tags) {
  auto name = core::normalize_name(raw_name, "SnapshotName", 255);
  if (!name) return name.error();
  const core::NodeType* type = core::find_node_type(c.node_type);
  if (c.engine != "redis") {
    return core::ApiError{"SnapshotFeatureNotSupportedFault",
                          "Snapshots are not supported for Memcached cache clusters."};
  }
  if (type && !type->supports_snapshots) {
    return core::ApiError{"SnapshotFeatureNotSupportedFault",
                          "Snapshots are not supported for cache node type " + c.node_type + "."};
  }
  std::string status = core::cluster_status(c, live_node_statuses(ctx, c));
  if (status != "available") {
    return core::ApiError{
        "InvalidCacheClusterState",
        "Cache cluster " + c.id + " is not in available state (it is " + status + ")."};
  }
  core::SnapshotStore store(ctx.home());
  auto work = store.begin(*name);
  if (!work) return work.error();
  core::SnapshotRecord s;
  s.name = *name;
  s.source = source;
  s.cluster = c;
  s.tags = tags;
  for (const auto& node : c.nodes) {
    std::string target = (*work / (node.id + ".rdb")).string();
    AdminReply reply = ctx.admin().call(ctx.home().admin_socket(node.address),
                                        core::admin::Route::kSnapshot, std::chrono::minutes(30),
                                        core::admin::to_json(core::admin::SnapshotRequest{target}));
    auto saved = core::admin::parse_snapshot_response(reply.body);
    if (!reply.ok() || !saved) {
      store.discard(*work);
      return core::ApiError{
          "InvalidCacheClusterState",
          "Cache node " + node.id + " of " + c.id +
              " could not be snapshotted: " + (reply.ok() ? saved.error().message : reply.why())};
    }
    s.nodes.push_back({node.id, saved->size, node.create_time, ctx.clock.now()});
  }
  if (auto err = store.publish(*work, s)) return *err;
  ctx.record_event(c.id, "Snapshot succeeded for snapshot named " + s.name);
  return s;
}

}  // namespace cachectl::cli
