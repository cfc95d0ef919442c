// reboot-cache-cluster: each named node's daemon restarts its engine (data
// not persisted is lost, as on ElastiCache). A node whose daemon is gone
// ("failed") gets a new daemon: reboot is how a cluster comes back after the
// machine restarted.
#include "cli/context.h"
#include "cli/node_launcher.h"
#include "cli/node_status.h"
#include "cli/ops/recovery.h"
#include "cli/ops/request_fields.h"
#include "core/parameter_groups.h"

namespace cachectl::cli {

core::Result<nlohmann::json> reboot_cache_cluster(Context& ctx, const nlohmann::json& request) {
  std::string id = opt_string(request, "CacheClusterId").value_or("");
  // Holding the operation lock (a reboot during another change of the
  // cluster is refused) and with a killed command's work settled first.
  auto op = begin_cluster_operation(ctx, id);
  if (!op) return op.error();
  id = op->record.id;
  std::optional<core::CacheClusterRecord> record = op->record;
  // The engines restart with the cluster's parameter group: one that cannot
  // be read stops the reboot here (its file named), before any node is touched.
  if (auto group = core::ParameterGroupStore(ctx.home()).get(record->parameter_group); !group)
    return group.error();
  core::NodeStatuses statuses = live_node_statuses(ctx, *record);
  std::string status = core::cluster_status(*record, statuses);
  if (status != "available" && status != "failed") {
    return core::ApiError{
        "InvalidCacheClusterState",
        "Cache cluster " + id + " is not in available state (it is " + status + ")."};
  }
  std::vector<std::string> wanted;
  std::string unknown;
  for (const auto& n : request["CacheNodeIdsToReboot"]) {
    std::string node = n.get<std::string>();
    if (!record->find_node(node)) unknown += (unknown.empty() ? "" : ", ") + node;
    wanted.push_back(node);
  }
  if (!unknown.empty()) {
    return core::invalid_value("Cache cluster " + id + " has no cache node(s) " + unknown + ".");
  }
  if (wanted.empty())
    return core::invalid_value("CacheNodeIdsToReboot must name at least one cache node.");
  for (std::size_t i = 0; i < record->nodes.size(); ++i) {
    const auto& node = record->nodes[i];
    if (std::find(wanted.begin(), wanted.end(), node.id) == wanted.end()) continue;
    bool was_failed = statuses[i] == "failed";
    // The answer describes the cluster as the reboot left it, as ElastiCache's
    // does: a fast engine may be serving again before we could ask.
    statuses[i] = "rebooting";
    if (was_failed) {
      if (auto err = launch_node(ctx.home(), record->id, node.id)) return *err;
      continue;
    }
    AdminReply reply =
        ctx.admin().call(ctx.home().admin_socket(node.address), core::admin::Route::kReboot);
    if (!reply.ok(202)) {
      return core::ApiError{
          "InvalidCacheClusterState",
          "Cache node " + node.id + " of " + id + " could not be rebooted: " + reply.why()};
    }
  }
  // A configuration endpoint whose daemon is gone comes back with the nodes.
  if (record->has_config_endpoint() && statuses.back() == "failed") {
    if (auto err = launch_node(ctx.home(), record->id, std::string(core::kConfigEndpointId)))
      return *err;
  }
  // The rebooted engines start with the parameter group's current values.
  if (!record->nodes_to_reboot.empty()) {
    auto err = ctx.registry.update(id, [&](core::CacheClusterRecord& r) -> core::Status {
      std::erase_if(r.nodes_to_reboot, [&](const std::string& n) {
        return std::find(wanted.begin(), wanted.end(), n) != wanted.end();
      });
      return std::nullopt;
    });
    if (err) return *err;
    if (auto fresh = ctx.registry.get(id)) record = *fresh;
  }
  return nlohmann::json{
      {"CacheCluster", core::cache_cluster_json(*record, statuses, false, ctx.region,
                                                ctx.home().ca_certificate_file().string())}};
}

}  // namespace cachectl::cli
