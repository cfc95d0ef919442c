// create-cache-cluster: validate, record (allocating addresses) with a
// "create" intent, download an http(s) RDB to seed from, start one daemon
// per node (recovery.h's settle, which also finishes a create that was
// killed), answer "creating" as ElastiCache does.
#include "cli/address_probe.h"
#include "cli/context.h"
#include "cli/engine_versions.h"
#include "cli/group_members.h"
#include "cli/node_launcher.h"
#include "cli/ops/cluster_teardown.h"
#include "cli/ops/group_operation.h"
#include "cli/ops/recovery.h"
#include "cli/ops/request_fields.h"
#include "cli/ops/service_context.h"
#include "cli/seed_download.h"
#include "core/cluster_view.h"
#include "core/create_cluster.h"
#include "core/identifiers.h"
#include "core/intent.h"
#include "core/parameter_groups.h"
#include "core/snapshots.h"

namespace cachectl::cli {

namespace {

// create-cache-cluster --replication-group-id: a new replica of the group,
// with the group's engine, version, node type and parameter group.
core::Result<nlohmann::json> create_replica(Context& ctx, const nlohmann::json& request,
                                            const std::string& group_id) {
  auto id = core::normalize_cluster_id(opt_string(request, "CacheClusterId").value_or(""));
  if (!id) return id.error();
  auto op = begin_group_operation(ctx, group_id);
  if (!op) return op.error();
  const core::ReplicationGroupRecord& g = op->group;
  for (const auto& [member, value] :
       {std::pair<const char*, std::string>{"CacheNodeType", g.node_type},
        {"Engine", g.engine},
        {"EngineVersion", g.engine_version},
        {"CacheParameterGroupName", g.parameter_group}}) {
    auto given = opt_string(request, member);
    if (given && core::ascii_lower(*given) != core::ascii_lower(value))
      return core::invalid_combination(std::string(member) + " '" + *given +
                                       "' differs from replication group " + g.id + "'s '" + value +
                                       "'; a replica takes the group's.");
  }
  if (opt_int(request, "NumCacheNodes").value_or(1) != 1)
    return core::invalid_value("A replica of a replication group has one cache node.");
  if (ctx.registry.get(*id).ok())
    return core::ApiError{"CacheClusterAlreadyExists", "Cache cluster " + *id + " already exists."};
  std::string status = live_group_status(ctx, g);
  if (status != "available")
    return core::ApiError{"InvalidReplicationGroupState",
                          "Replication group " + g.id + " is " + status +
                              "; a replica can be added once it is available."};
  if (auto err = add_members(ctx, g, {*id},
                             {opt_string(request, "PreferredAvailabilityZone").value_or("")}))
    return *err;
  auto record = ctx.registry.get(*id);
  if (!record) return record.error();
  core::NodeStatuses creating(record->nodes.size(), "creating");
  return nlohmann::json{
      {"CacheCluster", core::cache_cluster_json(*record, creating, false, ctx.region)}};
}

}  // namespace

core::Result<nlohmann::json> create_cache_cluster(Context& ctx, const nlohmann::json& request) {
  if (auto group = opt_string(request, "ReplicationGroupId"))
    return create_replica(ctx, request, *group);
  auto service = make_service_context(ctx, request);
  if (!service) return service.error();
  auto record = core::plan_new_cluster(request, *service);
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
  // with nobody holding the lock starts the daemons that are missing. It is
  // written for every reader at once (a kill loses nothing) and made durable
  // while the engines start, as is the look for dead claims: the engines'
  // start is the longest step, and nothing else waits in front of it.
  record->intent = core::new_intent("create", ctx.clock.now());
  if (auto err = ctx.registry.create(*record, can_listen,
                                     {core::Durability::kDeferred, /*reclaim_first=*/false}))
    return *err;
  // Before the daemons start: they seed from the downloaded file, or report
  // why there is none.
  download_seeds(ctx.home(), *record);
  auto settled = settle(ctx, record->id, [&]() -> core::Status {
    if (auto err = ctx.registry.make_durable(*record)) return err;
    return ctx.registry.reclaim_dead_claims();
  });
  if (!settled) return settled.error();
  if (settled->create_error) return *settled->create_error;
  if (!settled->failed.empty()) return core::ApiError{"InternalFailure", settled->failed.front()};
  record->intent = {};
  core::NodeStatuses creating(record->nodes.size(), "creating");
  return nlohmann::json{
      {"CacheCluster", core::cache_cluster_json(*record, creating, false, ctx.region)}};
}

}  // namespace cachectl::cli
