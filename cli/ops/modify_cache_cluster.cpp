// modify-cache-cluster: the node list of Memcached clusters
// (--num-cache-nodes, --cache-node-ids-to-remove, --new-availability-zones,
// --az-mode) is planned here; every other member by core::plan_modify (node
// type, engine version, windows, backups, notifications, security groups,
// auto minor version upgrade); the parameter group by cli/parameter_apply.
// With --apply-immediately the change happens
// now, else node type, engine version and node count wait in
// PendingModifiedValues for the maintenance window (node/daemon.cpp). The
// members listed in kNotYet are refused, and nothing changes.
#include <algorithm>
#include <set>

#include "cli/address_probe.h"
#include "cli/context.h"
#include "cli/engine_versions.h"
#include "cli/node_launcher.h"
#include "cli/node_status.h"
#include "cli/ops/cluster_teardown.h"
#include "cli/ops/request_fields.h"
#include "cli/parameter_apply.h"
#include "core/create_cluster.h"
#include "core/identifiers.h"
#include "core/modify_cluster.h"

namespace cachectl::cli {
namespace {

const char* const kNotYet[] = {
    "Engine",      "AuthToken",  "AuthTokenUpdateStrategy", "LogDeliveryConfigurations",
    "IpDiscovery", "ScaleConfig"};

struct Plan {
  int target = 0;
  std::vector<std::string> remove;
  std::vector<std::string> zones;  // for the nodes added
};

core::Result<Plan> plan_node_change(const core::CacheClusterRecord& r, const nlohmann::json& req,
                                    const std::string& region) {
  Plan p;
  int current = r.num_cache_nodes;
  p.target = static_cast<int>(opt_int(req, "NumCacheNodes").value_or(current));
  for (const auto& id : req.value("CacheNodeIdsToRemove", nlohmann::json::array()))
    p.remove.push_back(id);
  for (const auto& z : req.value("NewAvailabilityZones", nlohmann::json::array()))
    p.zones.push_back(z);
  if (p.target < 1) return core::invalid_value("NumCacheNodes must be at least 1.");
  if (r.engine == "redis" && p.target != 1) {
    return core::invalid_combination(
        "A Redis cache cluster has exactly one node; use a replication group for more.");
  }
  if (p.target > core::kMaxMemcachedNodes) {
    return core::ApiError{"NodeQuotaForClusterExceeded",
                          "The number of cache nodes requested exceeds the per-cluster limit of " +
                              std::to_string(core::kMaxMemcachedNodes) + " nodes for Memcached."};
  }
  if (p.target < current) {
    int wanted = current - p.target;
    if (static_cast<int>(p.remove.size()) != wanted) {
      return core::invalid_value(
          "To go from " + std::to_string(current) + " to " + std::to_string(p.target) +
          " cache nodes, CacheNodeIdsToRemove must name exactly " + std::to_string(wanted) +
          " node(s); it names " + std::to_string(p.remove.size()) + ".");
    }
    std::set<std::string> seen;
    for (const auto& id : p.remove) {
      if (!r.find_node(id))
        return core::invalid_value("Cache cluster " + r.id + " has no cache node " + id + ".");
      if (!seen.insert(id).second)
        return core::invalid_value("Cache node " + id + " is named twice in CacheNodeIdsToRemove.");
    }
  } else if (!p.remove.empty()) {
    return core::invalid_combination(
        "CacheNodeIdsToRemove can only be given with a NumCacheNodes lower than the current " +
        std::to_string(current) + ".");
  }
  if (!p.zones.empty()) {
    if (p.target <= current)
      return core::invalid_combination(
          "NewAvailabilityZones can only be given when nodes are added.");
    if (static_cast<int>(p.zones.size()) != p.target - current) {
      return core::invalid_value("NewAvailabilityZones must name one zone per node added (" +
                                 std::to_string(p.target - current) + ").");
    }
    auto zones = core::availability_zones(region);
    for (const auto& z : p.zones)
      if (std::find(zones.begin(), zones.end(), z) == zones.end())
        return core::invalid_value("Invalid availability zone '" + z + "'.");
  }
  return p;
}

int node_number(const std::string& id) { return std::stoi(id); }

// What every applied change of the node list does to the record: the new
// count, a new auto discovery version, nothing pending any more.
void node_list_changed(core::CacheClusterRecord& r, int count, const std::string& az_mode) {
  r.num_cache_nodes = count;
  r.az_mode = az_mode;
  r.config_version += 1;
  r.pending.num_cache_nodes = 0;
  r.pending.cache_node_ids_to_remove.clear();
}

}  // namespace

core::Result<nlohmann::json> modify_cache_cluster(Context& ctx, const nlohmann::json& request) {
  for (const char* member : kNotYet) {
    if (request.contains(member)) {
      return core::invalid_value(
          std::string(member) +
          " cannot be modified by this version of cachectl yet; nothing was changed.");
    }
  }
  std::string id = opt_string(request, "CacheClusterId").value_or("");
  auto record = ctx.registry.get(id);
  if (!record) return record.error();
  std::string status = core::cluster_status(*record, live_node_statuses(ctx, *record));
  if (status != "available") {
    return core::ApiError{
        "InvalidCacheClusterState",
        "Cache cluster " + id + " is not in available state (it is " + status + ")."};
  }
  if (auto mode = opt_string(request, "AZMode")) {
    if (record->engine != "memcached")
      return core::invalid_combination("AZMode is only supported for Memcached clusters.");
  }
  // Everything is checked before anything changes.
  auto installed = installed_engines(ctx.home());
  if (!installed) return installed.error();
  core::ModifyContext checks{*installed, [&]() -> std::optional<std::int64_t> {
                               const auto& n = record->nodes.front();
                               auto reply = ctx.admin().call(ctx.home().admin_socket(n.address),
                                                             core::admin::Route::kMemory);
                               auto memory = core::admin::parse_memory_response(reply.body);
                               if (!reply.ok() || !memory) return std::nullopt;
                               return memory->used_memory;
                             }};
  auto changes = core::plan_modify(*record, request, checks);
  if (!changes) return changes.error();
  auto plan = plan_node_change(*record, request, ctx.region);
  if (!plan) return plan.error();
  std::string az_mode = opt_string(request, "AZMode").value_or(record->az_mode);
  if (az_mode == "cross-az" && plan->target < 2) {
    return core::invalid_combination(
        "Must specify at least two cache nodes in order to specify AZ Mode of 'cross-az'.");
  }
  // A parameter group change applies at once, as on ElastiCache (immediate
  // parameters now, requires-reboot ones at the nodes' next reboot). It is
  // checked (exists, same family) before it writes anything, and goes first
  // so that a bad group leaves the rest of the request undone too.
  if (auto group = opt_string(request, "CacheParameterGroupName")) {
    if (auto err = move_cluster_to_parameter_group(ctx, id, *group)) return *err;
  }
  // Applied under the record's lock, planned again on what is there then.
  bool restart = false;
  checks.used_memory = nullptr;
  if (auto err = ctx.registry.update(id, [&](core::CacheClusterRecord& r) -> core::Status {
        auto again = core::plan_modify(r, request, checks);
        if (!again) return again.error();
        r = again->record;
        restart = again->restart;
        return std::nullopt;
      }))
    return *err;
  if (restart) {
    // Each node's daemon restarts its engine for the new record (Redis keeps
    // its data through an RDB); the cluster is "modifying" meanwhile.
    for (const auto& n : record->nodes)
      ctx.admin().call(ctx.home().admin_socket(n.address), core::admin::Route::kModify,
                       std::chrono::minutes(5));
  }
  bool now = opt_bool(request, "ApplyImmediately", false);
  int current = record->num_cache_nodes;

  if (!now) {
    // Deferred to the maintenance window.
    if (auto err = ctx.registry.update(id, [&](core::CacheClusterRecord& r) -> core::Status {
          r.az_mode = az_mode;
          if (plan->target != current) {
            r.pending.num_cache_nodes = plan->target;
            r.pending.cache_node_ids_to_remove = plan->remove;
          }
          return std::nullopt;
        }))
      return *err;
  } else if (plan->target > current) {
    std::vector<core::CacheNodeRecord> added;
    auto zones = core::availability_zones(ctx.region);
    if (auto err = ctx.registry.update(id, [&](core::CacheClusterRecord& r) -> core::Status {
          int next = 0;
          for (const auto& n : r.nodes) next = std::max(next, node_number(n.id));
          for (int i = 0; i < plan->target - current; ++i) {
            core::CacheNodeRecord n;
            n.id = core::node_id(next + 1 + i);
            n.port = r.port;
            n.create_time = ctx.clock.now();
            n.availability_zone =
                !plan->zones.empty() ? plan->zones[static_cast<std::size_t>(i)]
                : az_mode == "cross-az"
                    ? zones[static_cast<std::size_t>(r.nodes.size() + static_cast<std::size_t>(i)) %
                            zones.size()]
                    : r.nodes.front().availability_zone;
            auto address = ctx.registry.claim_address(r.id, n.id, n.port, can_listen);
            if (!address) {
              for (const auto& a : added) ctx.registry.release_address(a.address);
              added.clear();
              return address.error();
            }
            n.address = *address;
            added.push_back(n);
          }
          r.nodes.insert(r.nodes.end(), added.begin(), added.end());
          node_list_changed(r, plan->target, az_mode);
          return std::nullopt;
        }))
      return *err;
    for (const auto& n : added) {
      if (auto err = launch_node(ctx.home(), id, n.id)) return *err;
      ctx.record_event(id,
                       "Added cache node " + n.id + " in availability zone " + n.availability_zone);
    }
  } else if (plan->target < current) {
    // The node list (and auto discovery) changes first; the cluster shows
    // "modifying" while the removed nodes' daemons stop.
    if (auto err = ctx.registry.update(id, [&](core::CacheClusterRecord& r) -> core::Status {
          std::vector<core::CacheNodeRecord> kept;
          for (const auto& n : r.nodes) {
            bool go =
                std::find(plan->remove.begin(), plan->remove.end(), n.id) != plan->remove.end();
            (go ? r.removing : kept).push_back(n);
          }
          r.nodes = kept;
          node_list_changed(r, plan->target, az_mode);
          return std::nullopt;
        }))
      return *err;
    auto marked = ctx.registry.get(id);
    if (!marked) return marked.error();
    nlohmann::json response{{"CacheCluster", live_cluster_json(ctx, *marked, false)}};
    for (const auto& n : marked->removing) {
      stop_daemon(ctx, id, n.id, n.address);
      std::error_code ec;
      core::fs::remove_all(ctx.home().node_dir(id, n.id), ec);
    }
    if (auto err = ctx.registry.update(id, [&](core::CacheClusterRecord& r) -> core::Status {
          for (const auto& n : r.removing) ctx.registry.release_address(n.address);
          r.removing.clear();
          return std::nullopt;
        }))
      return *err;
    for (const auto& n : marked->removing) ctx.record_event(id, "Removed cache node " + n.id);
    return response;
  } else if (az_mode != record->az_mode) {
    if (auto err = ctx.registry.update(id, [&](core::CacheClusterRecord& r) -> core::Status {
          r.az_mode = az_mode;
          return std::nullopt;
        }))
      return *err;
  }
  auto fresh = ctx.registry.get(id);
  if (!fresh) return fresh.error();
  return nlohmann::json{{"CacheCluster", live_cluster_json(ctx, *fresh, false)}};
}

}  // namespace cachectl::cli
