#include "cli/node_status.h"

#include "core/files.h"

namespace cachectl::cli {

namespace {
// A daemon is started right after its record is written; until it serves its
// socket, a young cluster is still "creating" rather than "failed".
constexpr auto kStartGrace = std::chrono::seconds(10);
}  // namespace

core::NodeStatuses live_node_statuses(Context& ctx, const core::CacheClusterRecord& record) {
  core::NodeStatuses out;
  for (const auto& node : record.nodes) {
    if (record.lifecycle == core::Lifecycle::kDeleting) {
      out.push_back("deleting");
      continue;
    }
    AdminReply reply = ctx.admin().get(ctx.home().admin_socket(node.address), "/v1/status");
    if (reply.reached && reply.status == 200 && reply.body.contains("status") &&
        reply.body["status"].is_string()) {
      out.push_back(reply.body["status"]);
      continue;
    }
    bool daemon_alive = core::is_locked(ctx.home().node_dir(record.id, node.id) / "daemon.lock");
    bool young = ctx.clock.now() - node.create_time < kStartGrace;
    out.push_back(daemon_alive || young ? "creating" : "failed");
  }
  return out;
}

nlohmann::json live_cluster_json(Context& ctx, const core::CacheClusterRecord& record,
                                 bool show_node_info) {
  return core::cache_cluster_json(record, live_node_statuses(ctx, record), show_node_info,
                                  ctx.region);
}

}  // namespace cachectl::cli
