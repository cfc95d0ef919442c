// create-cache-cluster: validate, record (allocating addresses) with a
// "create" intent, download an http(s) RDB to seed from, start one daemon
// per node (recovery.h's settle, which also finishes a create that was
// killed), answer "creating" as ElastiCache does.
#include "cli/address_probe.h"
#include "cli/context.h"
#include "cli/engine_versions.h"
#include "cli/node_launcher.h"
#include "cli/ops/cluster_teardown.h"
#include "cli/ops/recovery.h"
#include "cli/ops/request_fields.h"
#include "cli/seed_download.h"
#include "core/cluster_view.h"
#include "core/create_cluster.h"
#include "core/intent.h"
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
  // The operation lock, taken before the record exists: a second create of
  // the same id waits for nothing and is told the cluster exists. Leftovers
  // of a create of this id that was killed before writing its record
  // (address claims, node directories) go first.
  auto lock = core::OperationLock::try_take(ctx.home(), record->id);
  if (!lock) {
    if (lock.error().code != "InvalidCacheClusterState") return lock.error();
    return core::ApiError{"CacheClusterAlreadyExists",
                          "Cache cluster " + record->id + " already exists."};
  }
  if (auto existing = ctx.registry.get(record->id); existing) {
    // A record: a cluster, or a create killed after writing it (finish it,
    // then the answer is the same).
    if (core::has_unfinished_work(*existing)) (void)settle(ctx, record->id);
    if (ctx.registry.get(record->id).ok())
      return core::ApiError{"CacheClusterAlreadyExists",
                            "Cache cluster " + record->id + " already exists."};
  }
  if (auto swept = sweep_cluster_leftovers(ctx, record->id); !swept) return swept.error();
  // The record carries the intent from its first byte: whoever finds it
  // with nobody holding the lock starts the daemons that are missing.
  record->intent = core::new_intent("create", ctx.clock.now());
  if (auto err = ctx.registry.create(*record, can_listen)) return *err;
  // Before the daemons start: they seed from the downloaded file, or report
  // why there is none.
  download_seeds(ctx.home(), *record);
  auto settled = settle(ctx, record->id);
  if (!settled) return settled.error();
  if (!settled->failed.empty()) return core::ApiError{"InternalFailure", settled->failed.front()};
  record->intent = {};
  core::NodeStatuses creating(record->nodes.size(), "creating");
  return nlohmann::json{
      {"CacheCluster", core::cache_cluster_json(*record, creating, false, ctx.region)}};
}

}  // namespace cachectl::cli
