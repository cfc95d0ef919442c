// increase-replica-count and decrease-replica-count (cluster mode
// disabled: one node group). ElastiCache applies both at once only
// (ApplyImmediately=false is not supported there either).
#include <algorithm>

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
  if (request.contains("ReplicaConfiguration") && request["ReplicaConfiguration"].size() > 1)
    return core::invalid_value(
        "ReplicaConfiguration names more than one node group; a group with cluster mode "
        "disabled has one (0001).");
  return std::nullopt;
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

}  // namespace

core::Result<nlohmann::json> increase_replica_count(Context& ctx, const nlohmann::json& request) {
  if (auto err = require_immediately(request)) return *err;
  auto op = begin_group_operation(ctx, opt_string(request, "ReplicationGroupId").value_or(""));
  if (!op) return op.error();
  core::ReplicationGroupRecord& g = op->group;
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
