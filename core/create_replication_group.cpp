#include "core/create_replication_group.h"

#include <algorithm>

#include "core/identifiers.h"
#include "core/request_members.h"

namespace cachectl::core {
namespace {

using json = nlohmann::json;

// The members of the CreateReplicationGroup request that mean the same for
// each member cluster as they do in CreateCacheCluster.
constexpr const char* kMemberFields[] = {"CacheNodeType",
                                         "Engine",
                                         "EngineVersion",
                                         "CacheParameterGroupName",
                                         "CacheSubnetGroupName",
                                         "CacheSecurityGroupNames",
                                         "SecurityGroupIds",
                                         "Tags",
                                         "SnapshotArns",
                                         "SnapshotName",
                                         "PreferredMaintenanceWindow",
                                         "Port",
                                         "NotificationTopicArn",
                                         "AutoMinorVersionUpgrade",
                                         "AuthToken",
                                         "TransitEncryptionEnabled",
                                         "LogDeliveryConfigurations",
                                         "NetworkType",
                                         "IpDiscovery",
                                         "SnapshotWindow"};

}  // namespace

json member_fields(const json& req) {
  json base = json::object();
  for (const char* field : kMemberFields)
    if (has(req, field)) base[field] = req[field];
  return base;
}

void fill_group_from_member(ReplicationGroupRecord& g, const CacheClusterRecord& model,
                            const json& req) {
  g.engine = "redis";
  g.engine_version = model.engine_version;
  g.node_type = model.node_type;
  g.parameter_group = model.parameter_group;
  g.port = model.port;
  g.maintenance_window = model.maintenance_window;
  g.snapshot_window = model.snapshot_window;
  g.notification_topic_arn = model.notification_topic_arn;
  g.auto_minor_version_upgrade = model.auto_minor_version_upgrade;
  g.auth_token_enabled = model.auth_token_enabled();
  g.auth_token_modified = model.auth_token_modified;
  g.transit_encryption_enabled = model.transit_encryption_enabled;
  g.transit_encryption_mode = model.transit_encryption_mode;
  g.at_rest_encryption_enabled =
      has(req, "AtRestEncryptionEnabled") && req["AtRestEncryptionEnabled"].get<bool>();
  g.tags = model.tags;
}

Status plan_group_access(NewReplicationGroup& planned, const json& req, const ServiceContext& ctx) {
  ReplicationGroupRecord& g = planned.group;
  if (has(req, "TransitEncryptionMode")) {
    std::string mode = get_string(req, "TransitEncryptionMode");
    if (mode != "preferred" && mode != "required")
      return invalid_value("TransitEncryptionMode must be preferred or required.");
    if (!g.transit_encryption_enabled)
      return invalid_combination(
          "TransitEncryptionMode can only be specified when TransitEncryptionEnabled is true.");
    g.transit_encryption_mode = mode;
  }
  std::vector<std::string> ids = get_strings(req, "UserGroupIds");
  if (!ids.empty()) {
    if (ids.size() > 1)
      return invalid_value("A replication group can be associated with one user group only.");
    if (g.auth_token_enabled)
      return invalid_combination("AuthToken and UserGroupIds cannot be used together.");
    if (!g.transit_encryption_enabled)
      return invalid_combination(
          "UserGroupIds can only be specified when TransitEncryptionEnabled is true.");
    std::string id = ascii_lower(ids.front());
    if (!ctx.user_group_exists)
      return ApiError{"UserGroupNotFound", "User group " + id + " not found."};
    if (auto err = ctx.user_group_exists(id)) return err;
    g.user_group_ids = {id};
  }
  for (auto& m : planned.members) m.transit_encryption_mode = g.transit_encryption_mode;
  return std::nullopt;
}

json member_request(const ReplicationGroupRecord& g, const std::string& cluster_id,
                    const std::string& zone) {
  json r{{"CacheClusterId", cluster_id},
         {"Engine", g.engine},
         {"EngineVersion", g.engine_version},
         {"CacheNodeType", g.node_type},
         {"CacheParameterGroupName", g.parameter_group},
         {"Port", g.port},
         {"AutoMinorVersionUpgrade", g.auto_minor_version_upgrade}};
  if (!zone.empty()) r["PreferredAvailabilityZone"] = zone;
  if (!g.maintenance_window.empty()) r["PreferredMaintenanceWindow"] = g.maintenance_window;
  if (!g.snapshot_window.empty()) r["SnapshotWindow"] = g.snapshot_window;
  if (!g.notification_topic_arn.empty()) r["NotificationTopicArn"] = g.notification_topic_arn;
  return r;
}

Result<NewReplicationGroup> plan_new_replication_group(
    const json& req, const ServiceContext& ctx, const std::optional<CacheClusterRecord>& existing) {
  NewReplicationGroup out;
  ReplicationGroupRecord& g = out.group;
  auto id = normalize_name(get_string(req, "ReplicationGroupId"), "ReplicationGroupId", 40);
  if (!id) return id.error();
  g.id = *id;
  g.create_time = ctx.now;
  if (!has(req, "ReplicationGroupDescription"))
    return invalid_value("The parameter ReplicationGroupDescription must be provided.");
  g.description = get_string(req, "ReplicationGroupDescription");

  if (has(req, "GlobalReplicationGroupId"))
    return invalid_value("Global datastores are not supported by cachectl.");
  if (has(req, "ServerlessCacheSnapshotName"))
    return invalid_value("Serverless caches are not supported by cachectl.");
  if (has(req, "DataTieringEnabled") && req["DataTieringEnabled"].get<bool>())
    return invalid_combination("Data tiering requires an r6gd node type, which cachectl has not.");
  std::string engine = has(req, "Engine") ? ascii_lower(get_string(req, "Engine")) : "redis";
  if (engine != "redis" && engine != "valkey")
    return invalid_value("Replication groups are only supported for the redis engine.");
  if (engine == "valkey")
    return invalid_value("Cannot find the valkey engine on this machine; install redis.");
  std::string mode_error;
  if (wants_cluster_mode(req, ctx, mode_error))
    return plan_cluster_mode_group(req, ctx, std::move(out));
  if (!mode_error.empty()) return invalid_combination(mode_error);

  // How many members: NumCacheClusters, or ReplicasPerNodeGroup + 1, or
  // the NodeGroupConfiguration's ReplicaCount + 1, or just the primary.
  std::optional<int> count;
  if (has(req, "NumCacheClusters")) count = req["NumCacheClusters"].get<int>();
  if (has(req, "ReplicasPerNodeGroup")) {
    int replicas = req["ReplicasPerNodeGroup"].get<int>();
    if (replicas < 0 || replicas > kMaxGroupMembers - 1)
      return invalid_value("ReplicasPerNodeGroup must be between 0 and 5.");
    if (count && *count != replicas + 1) {
      return invalid_combination("NumCacheClusters (" + std::to_string(*count) +
                                 ") and ReplicasPerNodeGroup (" + std::to_string(replicas) +
                                 ") disagree: NumCacheClusters counts the primary too.");
    }
    count = replicas + 1;
  }
  if (has(req, "NodeGroupConfiguration") && !req["NodeGroupConfiguration"].empty()) {
    const json& ng = req["NodeGroupConfiguration"][0];
    if (ng.contains("ReplicaCount")) {
      int replicas = ng["ReplicaCount"].get<int>();
      if (count && *count != replicas + 1)
        return invalid_combination(
            "NodeGroupConfiguration's ReplicaCount disagrees with "
            "NumCacheClusters or ReplicasPerNodeGroup.");
      count = replicas + 1;
    }
  }
  std::string primary_id = get_string(req, "PrimaryClusterId");
  if (!primary_id.empty()) {
    if (!existing) return ApiError{"CacheClusterNotFound", "CacheCluster not found: " + primary_id};
    if (existing->engine != "redis")
      return invalid_value("Cache cluster " + existing->id + " is not a Redis cluster.");
    if (!existing->replication_group_id.empty()) {
      return invalid_value("Cache cluster " + existing->id +
                           " is already a member of replication group " +
                           existing->replication_group_id + ".");
    }
  } else if (!count) {
    return invalid_value(
        "One of NumCacheClusters, ReplicasPerNodeGroup, NodeGroupConfiguration or "
        "PrimaryClusterId must be given.");
  }
  int members = count.value_or(1);
  if (members < 1 || members > kMaxGroupMembers)
    return invalid_value("NumCacheClusters must be between 1 and 6.");

  g.automatic_failover =
      has(req, "AutomaticFailoverEnabled") && req["AutomaticFailoverEnabled"].get<bool>();
  g.multi_az = has(req, "MultiAZEnabled") && req["MultiAZEnabled"].get<bool>();
  if (g.multi_az && !g.automatic_failover) {
    return invalid_combination(
        "Multi-AZ can only be enabled when automatic failover is enabled (set "
        "--automatic-failover-enabled).");
  }
  if (g.automatic_failover && members < 2) {
    return invalid_combination(
        "Redis with cluster mode disabled requires at least one replica (NumCacheClusters of 2 "
        "or more) for automatic failover.");
  }

  // Zones, one per member, as given or spread (Multi-AZ) or in the first.
  std::vector<std::string> zones;
  if (auto it = req.find("PreferredCacheClusterAZs"); it != req.end() && it->is_array())
    for (const auto& z : *it) zones.push_back(z.get<std::string>());
  if (!zones.empty() && static_cast<int>(zones.size()) != members) {
    return invalid_value("The number of PreferredCacheClusterAZs (" + std::to_string(zones.size()) +
                         ") must match NumCacheClusters (" + std::to_string(members) + ").");
  }
  auto placement = default_zones(req, ctx);  // the subnet group's zones first
  if (!placement) return placement.error();
  const std::vector<std::string>& region_zones = *placement;
  for (int i = static_cast<int>(zones.size()); i < members; ++i)
    zones.push_back(g.multi_az ? region_zones[static_cast<std::size_t>(i) % region_zones.size()]
                               : region_zones[0]);

  // Each member as a CreateCacheCluster would make it.
  json base = member_fields(req);
  if (existing) {
    // New replicas take after the cluster the group is built around.
    base["Engine"] = existing->engine;
    base["EngineVersion"] = existing->engine_version;
    base["CacheNodeType"] = existing->node_type;
    base["CacheParameterGroupName"] = existing->parameter_group;
    base["Port"] = existing->port;
    base.erase("AuthToken");
    base["TransitEncryptionEnabled"] = existing->transit_encryption_enabled;
  }
  int first_new = existing ? 2 : 1;
  for (int n = first_new; n <= members; ++n) {
    json member = base;
    member["CacheClusterId"] = member_cluster_id(g.id, n);
    member["PreferredAvailabilityZone"] = zones[static_cast<std::size_t>(n - 1)];
    auto planned = plan_new_cluster(member, ctx);
    if (!planned) return planned.error();
    planned->replication_group_id = g.id;
    if (existing) {
      // Its AuthToken, as digests: the token itself is kept nowhere.
      planned->auth_token_hashes = existing->auth_token_hashes;
      planned->auth_token_modified = existing->auth_token_modified;
    }
    out.members.push_back(std::move(*planned));
  }
  fill_group_from_member(g, existing ? *existing : out.members.front(), req);
  g.members.push_back(existing ? existing->id : out.members.front().id);
  for (std::size_t i = existing ? 0 : 1; i < out.members.size(); ++i)
    g.members.push_back(out.members[i].id);
  g.primary = g.members.front();

  g.snapshot_retention_limit =
      has(req, "SnapshotRetentionLimit") ? req["SnapshotRetentionLimit"].get<int>() : 0;
  if (g.snapshot_retention_limit < 0 || g.snapshot_retention_limit > 35)
    return invalid_value("SnapshotRetentionLimit must be between 0 and 35 days.");
  g.snapshotting_cluster = ascii_lower(get_string(req, "SnapshottingClusterId"));
  if (!g.snapshotting_cluster.empty() && !g.has_member(g.snapshotting_cluster)) {
    return invalid_value("SnapshottingClusterId " + g.snapshotting_cluster +
                         " is not a member of replication group " + g.id + ".");
  }
  if (g.snapshotting_cluster.empty() && g.snapshot_retention_limit > 0)
    // Backups come from a replica when there is one, as ElastiCache prefers.
    g.snapshotting_cluster = g.members.size() > 1 ? g.members[1] : g.members[0];
  // Only the snapshotting cluster takes the automatic backups.
  for (auto& m : out.members)
    m.snapshot_retention_limit = m.id == g.snapshotting_cluster ? g.snapshot_retention_limit : 0;
  if (auto err = plan_group_access(out, req, ctx)) return *err;
  return out;
}

}  // namespace cachectl::core
