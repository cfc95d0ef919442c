// create-cache-cluster: validate, record (allocating addresses), download
// an http(s) RDB to seed from, start one daemon per node, answer "creating"
// as ElastiCache does.
#include "cli/address_probe.h"
#include "cli/context.h"
#include "cli/engine_versions.h"
#include "cli/node_launcher.h"
#include "cli/ops/cluster_teardown.h"
#include "cli/ops/request_fields.h"
#include "cli/seed_download.h"
#include "core/cluster_view.h"
#include "core/create_cluster.h"
#include "core/parameter_groups.h"
#include "core/snapshots.h"

namespace cachectl::cli {

core::Result<nlohmann::json> create_cache_cluster(Context& ctx, const nlohmann::json& request) {
  auto installed = installed_engines(ctx.home());
  if (!installed) return installed.error();
  if (auto name = opt_string(request, "SnapshotName")) {
    // A snapshot whose record is broken is reported (its file named), not "not found".
    auto snapshot = core::SnapshotStore(ctx.home()).get(*name);
    if (!snapshot && snapshot.error().code == core::kRegistryFileInvalid) return snapshot.error();
  }
  core::ServiceContext service{
      *installed, ctx.clock.now(), ctx.region,
      [&](const std::string& name) { return core::SnapshotStore(ctx.home()).get(name).ok(); },
      [&](const std::string& name) -> core::Result<std::string> {
        auto group = core::ParameterGroupStore(ctx.home()).get(name);
        if (!group) return group.error();
        return group->family;
      }};
  auto record = core::plan_new_cluster(request, service);
  if (!record) return record.error();
  if (auto err = ctx.registry.create(*record, can_listen)) return *err;
  // Before the daemons start: they seed from the downloaded file, or report
  // why there is none.
  download_seeds(ctx.home(), *record);
  std::vector<std::string> daemons;
  for (const auto& node : record->nodes) daemons.push_back(node.id);
  if (record->has_config_endpoint()) daemons.emplace_back(core::kConfigEndpointId);
  for (const auto& daemon : daemons) {
    if (auto err = launch_node(ctx.home(), record->id, daemon)) {
      // Undo everything: a cluster that cannot run is not left behind.
      teardown_cluster(ctx, *record);
      return *err;
    }
  }
  ctx.record_event(record->id, "Cache cluster created");
  core::NodeStatuses creating(record->nodes.size(), "creating");
  return nlohmann::json{
      {"CacheCluster", core::cache_cluster_json(*record, creating, false, ctx.region)}};
}

}  // namespace cachectl::cli
