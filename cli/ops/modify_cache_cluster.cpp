// modify-cache-cluster: the node list of Memcached clusters
// (--num-cache-nodes, --cache-node-ids-to-remove, --new-availability-zones,
// --az-mode) is planned by core::plan_node_count; every other member by core::plan_modify (node
// type, engine version, windows, backups, notifications, security groups,
// auto minor version upgrade); the parameter group by cli/parameter_apply.
// With --apply-immediately the change happens
// now, else node type, engine version and node count wait in
// PendingModifiedValues for the maintenance window (node/daemon.cpp). The
// members listed in kNotYet are refused, and nothing changes.
#include "cli/ops/modify_cache_cluster.h"

#include "cli/access_apply.h"
#include "cli/address_probe.h"
#include "cli/context.h"
#include "cli/engine_versions.h"
#include "cli/node_launcher.h"
#include "cli/node_status.h"
#include "cli/ops/recovery.h"
#include "cli/ops/request_fields.h"
#include "cli/parameter_apply.h"
#include "core/access_control.h"
#include "core/create_cluster.h"
#include "core/identifiers.h"
#include "core/modify_cluster.h"
#include "core/node_count_plan.h"

namespace cachectl::cli {
namespace {

const char* const kNotYet[] = {"Engine", "LogDeliveryConfigurations", "IpDiscovery", "ScaleConfig"};

}  // namespace

core::Result<nlohmann::json> modify_cache_cluster(Context& ctx, const nlohmann::json& request) {
  if (auto member = ctx.registry.get(opt_string(request, "CacheClusterId").value_or(""));
      member && !member->replication_group_id.empty()) {
    const std::string& id = member->id;
    const core::CacheClusterRecord& record = *member;
    // A member's node type, version, node count and parameter group are the
    // group's: ElastiCache changes them with modify-replication-group.
    for (const char* field :
         {"NumCacheNodes", "CacheNodeIdsToRemove", "CacheNodeType", "EngineVersion",
          "CacheParameterGroupName", "AZMode", "NewAvailabilityZones", "SnapshotRetentionLimit",
          "AuthToken", "AuthTokenUpdateStrategy"}) {
      if (request.contains(field))
        return core::invalid_combination(
            std::string(field) + " cannot be modified for cache cluster " + id +
            ", a member of replication group " + record.replication_group_id +
            "; use modify-replication-group (or increase-/decrease-replica-count).");
    }
  }
  return modify_cluster_record(ctx, request);
}

core::Result<nlohmann::json> modify_cluster_record(Context& ctx, const nlohmann::json& request) {
  for (const char* member : kNotYet) {
    if (request.contains(member)) {
      return core::invalid_value(
          std::string(member) +
          " cannot be modified by this version of cachectl yet; nothing was changed.");
    }
  }
  std::string id = opt_string(request, "CacheClusterId").value_or("");
  // The operation lock: a second modify (or any other change) of this
  // cluster at the same time gets InvalidCacheClusterState, nothing changed.
  auto op = begin_cluster_operation(ctx, id);
  if (!op) return op.error();
  id = op->record.id;
  const core::CacheClusterRecord& record = op->record;
  std::string status = core::cluster_status(record, live_node_statuses(ctx, record));
  if (status != "available") {
    return core::ApiError{
        "InvalidCacheClusterState",
        "Cache cluster " + id + " is not in available state (it is " + status + ")."};
  }
  if (auto mode = opt_string(request, "AZMode")) {
    if (record.engine != "memcached")
      return core::invalid_combination("AZMode is only supported for Memcached clusters.");
  }
  // Everything is checked before anything changes.
  auto installed = installed_engines(ctx.home());
  if (!installed) return installed.error();
  core::ModifyContext checks{*installed, [&]() -> std::optional<std::int64_t> {
                               const auto& n = record.nodes.front();
                               auto reply = ctx.admin().call(ctx.home().admin_socket(n.address),
                                                             core::admin::Route::kMemory);
                               auto memory = core::admin::parse_memory_response(reply.body);
                               if (!reply.ok() || !memory) return std::nullopt;
                               return memory->used_memory;
                             }};
  auto changes = core::plan_modify(record, request, checks);
  if (!changes) return changes.error();
  auto tokens = core::next_auth_token_hashes(record.auth_token_hashes, request,
                                             record.transit_encryption_enabled, false);
  if (!tokens) return tokens.error();
  auto plan = core::plan_node_count(changes->record, request, ctx.region);
  if (!plan) return plan.error();
  // A parameter group change applies at once, as on ElastiCache (immediate
  // parameters now, requires-reboot ones at the nodes' next reboot). It is
  // checked (exists, same family) before it writes anything, and goes first
  // so that a bad group leaves the rest of the request undone too.
  if (auto group = opt_string(request, "CacheParameterGroupName")) {
    if (auto err = move_cluster_to_parameter_group(ctx, id, *group)) return *err;
  }
  // Planned again and applied in ONE locked update, on the record as it is
  // then; the intent that goes with it says what the side effects are, so
  // that if this process is killed the next command carries them out.
  bool now = opt_bool(request, "ApplyImmediately", false);
  checks.used_memory = nullptr;
  core::NodeCountChange change;
  if (auto err = ctx.registry.update(id, [&](core::CacheClusterRecord& r) -> core::Status {
        auto again = core::plan_modify(r, request, checks);
        if (!again) return again.error();
        core::CacheClusterRecord next = again->record;
        auto node_plan = core::plan_node_count(next, request, ctx.region);
        if (!node_plan) return node_plan.error();
        // Added nodes take addresses from the cluster's subnet group.
        std::optional<core::AddressSpace> space;
        auto applied = core::apply_node_count(
            next, *node_plan, now, ctx.clock.now(), ctx.region,
            [&](const core::CacheNodeRecord& n) -> core::Result<std::string> {
              if (!space) {
                auto got = ctx.registry.address_space(next.subnet_group);
                if (!got) return got.error();
                space.emplace(std::move(*got));
              }
              return ctx.registry.claim_address(next.id, n.id, n.port, can_listen, {},
                                                space->for_zone(n.availability_zone));
            },
            [&](const std::string& address) { ctx.registry.release_address(address); });
        if (!applied) return applied.error();
        if (again->restart || !applied->added.empty() || !applied->removed.empty()) {
          next.intent = core::new_intent("modify", ctx.clock.now());
          for (const auto& n : applied->added) next.intent.added.push_back(n.id);
          next.intent.restart = again->restart;
        }
        change = *applied;
        if (*tokens) {
          next.auth_token_hashes = **tokens;
          next.auth_token_modified = ctx.clock.now();
        }
        r = std::move(next);
        return std::nullopt;
      }))
    return *err;
  // The new token reaches the running engines at once (its `default`
  // user's passwords); connections already made stay, as on ElastiCache.
  if (*tokens) push_cluster_access(ctx, id);
  std::optional<nlohmann::json> response;
  if (!change.removed.empty()) {
    // Answered as the node list changed: "modifying" while they stop.
    auto marked = ctx.registry.get(id);
    if (!marked) return marked.error();
    response = nlohmann::json{{"CacheCluster", live_cluster_json(ctx, *marked, false)}};
  }
  // The side effects: start added nodes, stop removed ones, restart engines.
  auto settled = settle(ctx, id);
  if (!settled) return settled.error();
  if (!settled->failed.empty()) return core::ApiError{"InternalFailure", settled->failed.front()};
  if (response) return *response;
  auto fresh = ctx.registry.get(id);
  if (!fresh) return fresh.error();
  return nlohmann::json{{"CacheCluster", live_cluster_json(ctx, *fresh, false)}};
}

}  // namespace cachectl::cli
