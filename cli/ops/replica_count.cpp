// increase-replica-count and decrease-replica-count: one node group with
// cluster mode disabled, per node group in cluster mode. ElastiCache
// applies both at once only (ApplyImmediately=false is not supported there
// either).
#include <algorithm>
#include <map>

#include "cli/context.h"
#include "cli/group_members.h"
#include "cli/ops/group_operation.h"
#include "cli/ops/request_fields.h"
#include "core/create_replication_group.h"
#include "core/identifiers.h"

namespace cachectl::cli {

namespace {

core::Status require_immediately(const nlohmann::json& request) {
  if (!opt_bool(request, "ApplyImmediately", false))
    return core::invalid_value(
        "ApplyImmediately must be true: a replica count change is applied at once.");
  return std::nullopt;
}

core::Status require_one_node_group(const nlohmann::json& request) {
  if (request.contains("ReplicaConfiguration") && request["ReplicaConfiguration"].size() > 1)
    return core::invalid_value(
        "ReplicaConfiguration names more than one node group; a group with cluster mode "
        "disabled has one (0001).");
  return std::nullopt;
}

// Cluster mode: the wanted replica count of each node group, from
// ReplicaConfiguration (per node group) or NewReplicaCount (every one);
// node groups not named keep theirs. Zones per node group, when given.
struct ShardReplicas {
  std::map<std::string, int> wanted;
  std::map<std::string, std::vector<std::string>> zones;
};

core::Result<ShardReplicas> wanted_per_node_group(const nlohmann::json& request,
                                                  const core::ReplicationGroupRecord& g) {
  ShardReplicas out;
  if (auto n = opt_int(request, "NewReplicaCount"))
    for (const auto& ng : g.node_groups) out.wanted[ng.id] = static_cast<int>(*n);
  for (const auto& c : request.value("ReplicaConfiguration", nlohmann::json::array())) {
    std::string id = c.value("NodeGroupId", "");
    if (id.size() < 4) id.insert(0, 4 - id.size(), '0');
    if (!g.find_node_group(id))
      return core::ApiError{
          "NodeGroupNotFoundFault",
          "The node group " + id + " was not found in replication group " + g.id + "."};
    out.wanted[id] = c.value("NewReplicaCount", 0);
    if (auto z = c.find("PreferredAvailabilityZones"); z != c.end())
      for (const auto& v : *z) out.zones[id].push_back(v.get<std::string>());
  }
  if (out.wanted.empty())
    return core::invalid_value("NewReplicaCount or ReplicaConfiguration must be given.");
  for (const auto& [id, n] : out.wanted)
    if (n < 0 || n > core::kMaxGroupMembers - 1)
      return core::invalid_value("The replica count of node group " + id +
                                 " must be between 0 and 5.");
  return out;
}

// increase-replica-count in cluster mode: each node group named gets new
// members GROUP-NNNN-MMM, which the cluster manager makes replicas of the
// node group's primary (CLUSTER REPLICATE).
core::Status increase_cluster_replicas(Context& ctx, const core::ReplicationGroupRecord& g,
                                       const nlohmann::json& request) {
  auto wanted = wanted_per_node_group(request, g);
  if (!wanted) return wanted.error();
  bool more = false;
  for (const auto& [id, n] : wanted->wanted) {
    int current = static_cast<int>(g.find_node_group(id)->members.size()) - 1;
    if (n < current)
      return core::invalid_value("Node group " + id + " has " + std::to_string(current) +
                                 " replicas; increase-replica-count cannot lower it to " +
                                 std::to_string(n) + ".");
    more = more || n > current;
  }
  if (!more) return core::invalid_value("The replica counts asked for are the current ones.");
  for (const auto& [id, n] : wanted->wanted) {
    auto fresh = core::ReplicationGroupStore(ctx.home()).get(g.id);
    if (!fresh) return fresh.error();
    const core::NodeGroupRecord* ng = fresh->find_node_group(id);
    int current = static_cast<int>(ng->members.size()) - 1;
    std::vector<std::string> ids, zones;
    int next = core::next_shard_member_number(*ng);
    const auto& given = wanted->zones[id];
    for (int i = 0; i < n - current; ++i) {
      ids.push_back(core::shard_member_id(g.id, id, next + i));
      zones.push_back(static_cast<std::size_t>(i) < given.size() ? given[i] : "");
    }
    if (!ids.empty())
      if (auto err = add_members(ctx, *fresh, ids, zones, id)) return err;
  }
  return std::nullopt;
}

// decrease-replica-count in cluster mode: the newest replicas of each node
// group named go (ReplicasToRemove names them instead), never a node
// group's primary.
core::Status decrease_cluster_replicas(Context& ctx, const core::ReplicationGroupRecord& g,
                                       const nlohmann::json& request) {
  auto report = cluster_report(ctx, g);
  auto primary_of = [&](const core::NodeGroupRecord& ng) {
    if (report)
      for (const auto& s : report->shards)
        if (s.node_group == ng.id && !s.primary.empty()) return s.primary;
    return ng.primary;
  };
  std::vector<std::string> remove;
  for (const auto& v : request.value("ReplicasToRemove", nlohmann::json::array())) {
    std::string id = core::ascii_lower(v.get<std::string>());
    const core::NodeGroupRecord* ng = g.node_group_of(id);
    if (!ng) return core::ApiError{"CacheClusterNotFound", "CacheCluster not found: " + id};
    if (id == primary_of(*ng))
      return core::invalid_value("Cache cluster " + id + " is the primary of node group " + ng->id +
                                 "; only replicas can be removed.");
    if (std::find(remove.begin(), remove.end(), id) == remove.end()) remove.push_back(id);
  }
  if (remove.empty()) {
    auto wanted = wanted_per_node_group(request, g);
    if (!wanted) return wanted.error();
    for (const auto& [id, n] : wanted->wanted) {
      const core::NodeGroupRecord* ng = g.find_node_group(id);
      int current = static_cast<int>(ng->members.size()) - 1;
      if (n > current)
        return core::invalid_value("Node group " + id + " has " + std::to_string(current) +
                                   " replicas; decrease-replica-count cannot raise it to " +
                                   std::to_string(n) + ".");
      std::string primary = primary_of(*ng);
      for (auto it = ng->members.rbegin(); it != ng->members.rend() && current > n; ++it)
        if (*it != primary) {
          remove.push_back(*it);
          --current;
        }
    }
  }
  if (remove.empty()) return core::invalid_value("No replica would be removed.");
  return remove_members(ctx, g, remove);
}

// NewReplicaCount, or ReplicaConfiguration[0].NewReplicaCount.
std::optional<int> wanted_replicas(const nlohmann::json& request) {
  if (auto n = opt_int(request, "NewReplicaCount")) return static_cast<int>(*n);
  if (request.contains("ReplicaConfiguration") && !request["ReplicaConfiguration"].empty()) {
    const auto& c = request["ReplicaConfiguration"][0];
    if (c.contains("NewReplicaCount")) return c["NewReplicaCount"].get<int>();
  }
  return std::nullopt;
}

core::Status require_available(Context& ctx, const core::ReplicationGroupRecord& g) {
  std::string status = live_group_status(ctx, g);
  if (status == "available") return std::nullopt;
  return core::ApiError{"InvalidReplicationGroupState",
                        "Replication group " + g.id + " is " + status +
                            "; its replica count can be changed once it is available."};
}

core::Result<nlohmann::json> fresh_group_json(Context& ctx, const std::string& id) {
  auto fresh = core::ReplicationGroupStore(ctx.home()).get(id);
  if (!fresh) return fresh.error();
  return nlohmann::json{{"ReplicationGroup", live_group_json(ctx, *fresh)}};
}

}  // namespace

core::Result<nlohmann::json> increase_replica_count(Context& ctx, const nlohmann::json& request) {
  if (auto err = require_immediately(request)) return *err;
  auto op = begin_group_operation(ctx, opt_string(request, "ReplicationGroupId").value_or(""));
  if (!op) return op.error();
  core::ReplicationGroupRecord& g = op->group;
  if (g.cluster_enabled) {
    if (auto err = require_available(ctx, g)) return *err;
    if (auto err = increase_cluster_replicas(ctx, g, request)) return *err;
    return fresh_group_json(ctx, g.id);
  }
  if (auto err = require_one_node_group(request)) return *err;
  auto wanted = wanted_replicas(request);
  if (!wanted) return core::invalid_value("NewReplicaCount must be given.");
  int current = static_cast<int>(g.members.size()) - 1;
  if (*wanted <= current)
    return core::invalid_value("NewReplicaCount (" + std::to_string(*wanted) +
                               ") must be greater than the current number of replicas (" +
                               std::to_string(current) + ").");
  if (*wanted > core::kMaxGroupMembers - 1)
    return core::invalid_value("NewReplicaCount must be at most 5.");
  if (auto err = require_available(ctx, g)) return *err;
  std::vector<std::string> ids, zones;
  std::vector<std::string> preferred;
  if (request.contains("ReplicaConfiguration") && !request["ReplicaConfiguration"].empty())
    if (auto z = request["ReplicaConfiguration"][0].find("PreferredAvailabilityZones");
        z != request["ReplicaConfiguration"][0].end())
      for (const auto& v : *z) preferred.push_back(v.get<std::string>());
  int next = core::next_member_number(g);
  for (int i = 0; i < *wanted - current; ++i) {
    ids.push_back(core::member_cluster_id(g.id, next + i));
    zones.push_back(static_cast<std::size_t>(i) < preferred.size() ? preferred[i] : "");
  }
  if (auto err = add_members(ctx, g, ids, zones)) return *err;
  auto fresh = core::ReplicationGroupStore(ctx.home()).get(g.id);
  if (!fresh) return fresh.error();
  return nlohmann::json{{"ReplicationGroup", live_group_json(ctx, *fresh)}};
}

core::Result<nlohmann::json> decrease_replica_count(Context& ctx, const nlohmann::json& request) {
  if (auto err = require_immediately(request)) return *err;
  auto op = begin_group_operation(ctx, opt_string(request, "ReplicationGroupId").value_or(""));
  if (!op) return op.error();
  core::ReplicationGroupRecord& g = op->group;
  if (auto err = require_available(ctx, g)) return *err;
  if (g.cluster_enabled) {
    if (auto err = decrease_cluster_replicas(ctx, g, request)) return *err;
    return fresh_group_json(ctx, g.id);
  }
  if (auto err = require_one_node_group(request)) return *err;
  // The live primary, which is never removed.
  std::string primary = live_primary(ctx, g);
  std::vector<std::string> remove;
  if (request.contains("ReplicasToRemove")) {
    for (const auto& v : request["ReplicasToRemove"]) {
      std::string id = core::ascii_lower(v.get<std::string>());
      if (!g.has_member(id))
        return core::ApiError{"CacheClusterNotFound", "CacheCluster not found: " + id};
      if (id == primary)
        return core::invalid_value("Cache cluster " + id + " is the primary of replication group " +
                                   g.id + "; only replicas can be removed.");
      if (std::find(remove.begin(), remove.end(), id) == remove.end()) remove.push_back(id);
    }
  }
  int current = static_cast<int>(g.members.size()) - 1;
  auto wanted = wanted_replicas(request);
  if (!wanted && remove.empty())
    return core::invalid_value("NewReplicaCount or ReplicasToRemove must be given.");
  if (wanted) {
    if (*wanted < 0 || *wanted >= current)
      return core::invalid_value("NewReplicaCount (" + std::to_string(*wanted) +
                                 ") must be less than the current number of replicas (" +
                                 std::to_string(current) + ") and not negative.");
    if (!remove.empty() && static_cast<int>(remove.size()) != current - *wanted)
      return core::invalid_combination(
          "ReplicasToRemove must name exactly as many replicas as NewReplicaCount removes.");
    // The newest replicas go first.
    for (auto it = g.members.rbegin();
         it != g.members.rend() && static_cast<int>(remove.size()) < current - *wanted; ++it)
      if (*it != primary) remove.push_back(*it);
  }
  int left = current - static_cast<int>(remove.size());
  if (g.automatic_failover && left < 1)
    return core::invalid_combination(
        "Automatic failover needs at least one replica; disable it (modify-replication-group "
        "--no-automatic-failover-enabled) before removing the last replica.");
  if (auto err = remove_members(ctx, g, remove)) return *err;
  auto fresh = core::ReplicationGroupStore(ctx.home()).get(g.id);
  if (!fresh) return fresh.error();
  return nlohmann::json{{"ReplicationGroup", live_group_json(ctx, *fresh)}};
}

}  // namespace cachectl::cli
