#include "core/node_count_plan.h"

#include <algorithm>
#include <set>

#include "core/create_cluster.h"
#include "core/identifiers.h"

namespace cachectl::core {

namespace {

std::vector<std::string> strings_of(const nlohmann::json& request, const char* key) {
  std::vector<std::string> out;
  if (!request.contains(key) || !request[key].is_array()) return out;
  for (const auto& v : request[key])
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

// What every applied change of the node list does to the record: the new
// count, a new auto discovery version, nothing pending any more.
void node_list_changed(CacheClusterRecord& r, int count) {
  r.num_cache_nodes = count;
  r.config_version += 1;
  r.pending.num_cache_nodes = 0;
  r.pending.cache_node_ids_to_remove.clear();
}

}  // namespace

Result<NodeCountPlan> plan_node_count(const CacheClusterRecord& r, const nlohmann::json& req,
                                      const std::string& region) {
  NodeCountPlan p;
  int current = r.num_cache_nodes;
  p.target = current;
  if (req.contains("NumCacheNodes") && req["NumCacheNodes"].is_number_integer()) {
    auto n = req["NumCacheNodes"].get<long long>();
    if (n < 1) return invalid_value("NumCacheNodes must be at least 1.");
    p.target = static_cast<int>(std::min<long long>(n, 1LL << 20));
    p.count_given = true;
  }
  p.remove = strings_of(req, "CacheNodeIdsToRemove");
  p.zones = strings_of(req, "NewAvailabilityZones");
  p.az_mode = req.contains("AZMode") && req["AZMode"].is_string() ? req["AZMode"].get<std::string>()
                                                                  : r.az_mode;
  if (r.engine == "redis" && p.target != 1) {
    return invalid_combination(
        "A Redis cache cluster has exactly one node; use a replication group for more.");
  }
  if (p.target > kMaxMemcachedNodes) {
    return ApiError{"NodeQuotaForClusterExceeded",
                    "The number of cache nodes requested exceeds the per-cluster limit of " +
                        std::to_string(kMaxMemcachedNodes) + " nodes for Memcached."};
  }
  if (p.target < current) {
    int wanted = current - p.target;
    if (static_cast<int>(p.remove.size()) != wanted) {
      return invalid_value(
          "To go from " + std::to_string(current) + " to " + std::to_string(p.target) +
          " cache nodes, CacheNodeIdsToRemove must name exactly " + std::to_string(wanted) +
          " node(s); it names " + std::to_string(p.remove.size()) + ".");
    }
    std::set<std::string> seen;
    for (const auto& id : p.remove) {
      if (!r.find_node(id))
        return invalid_value("Cache cluster " + r.id + " has no cache node " + id + ".");
      if (!seen.insert(id).second)
        return invalid_value("Cache node " + id + " is named twice in CacheNodeIdsToRemove.");
    }
  } else if (!p.remove.empty()) {
    return invalid_combination(
        "CacheNodeIdsToRemove can only be given with a NumCacheNodes lower than the current " +
        std::to_string(current) + ".");
  }
  if (!p.zones.empty()) {
    if (p.target <= current)
      return invalid_combination("NewAvailabilityZones can only be given when nodes are added.");
    if (static_cast<int>(p.zones.size()) != p.target - current) {
      return invalid_value("NewAvailabilityZones must name one zone per node added (" +
                           std::to_string(p.target - current) + ").");
    }
    auto zones = availability_zones(region);
    for (const auto& z : p.zones)
      if (std::find(zones.begin(), zones.end(), z) == zones.end())
        return invalid_value("Invalid availability zone '" + z + "'.");
  }
  if (p.az_mode == "cross-az" && p.target < 2) {
    return invalid_combination(
        "Must specify at least two cache nodes in order to specify AZ Mode of 'cross-az'.");
  }
  return p;
}

Result<NodeCountChange> apply_node_count(
    CacheClusterRecord& r, const NodeCountPlan& plan, bool now, TimePoint time,
    const std::string& region,
    const std::function<Result<std::string>(const CacheNodeRecord&)>& claim,
    const std::function<void(const std::string&)>& release) {
  NodeCountChange change;
  int current = r.num_cache_nodes;
  r.az_mode = plan.az_mode;
  if (plan.target == current) {
    if (plan.count_given) {
      r.pending.num_cache_nodes = 0;
      r.pending.cache_node_ids_to_remove.clear();
    }
    return change;
  }
  if (!now) {
    r.pending.num_cache_nodes = plan.target;
    r.pending.cache_node_ids_to_remove = plan.remove;
    return change;
  }
  if (plan.target > current) {
    auto zones = availability_zones(region);
    int next = 0;
    for (const auto& n : r.nodes) next = std::max(next, std::stoi(n.id));
    for (const auto& n : r.removing) next = std::max(next, std::stoi(n.id));
    for (int i = 0; i < plan.target - current; ++i) {
      CacheNodeRecord n;
      n.id = node_id(next + 1 + i);
      n.port = r.port;
      n.create_time = time;
      auto k = static_cast<std::size_t>(i);
      n.availability_zone = !plan.zones.empty() ? plan.zones[k]
                            : plan.az_mode == "cross-az"
                                ? zones[(r.nodes.size() + k) % zones.size()]
                                : r.nodes.front().availability_zone;
      auto address = claim(n);
      if (!address) {
        for (const auto& a : change.added) release(a.address);
        return address.error();
      }
      n.address = *address;
      change.added.push_back(n);
    }
    r.nodes.insert(r.nodes.end(), change.added.begin(), change.added.end());
  } else {
    // The node list (and auto discovery) changes at once; the removed nodes
    // wait in `removing` while their daemons stop.
    std::vector<CacheNodeRecord> kept;
    for (const auto& n : r.nodes) {
      bool go = std::find(plan.remove.begin(), plan.remove.end(), n.id) != plan.remove.end();
      (go ? change.removed : kept).push_back(n);
    }
    r.nodes = kept;
    r.removing.insert(r.removing.end(), change.removed.begin(), change.removed.end());
  }
  node_list_changed(r, plan.target);
  return change;
}

}  // namespace cachectl::core
