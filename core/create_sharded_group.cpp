// CreateReplicationGroup in cluster mode: node groups (shards) with their
// slots, each a primary and replicas, every member planned as the
// CreateCacheCluster it is (core/create_cluster.h).
#include <algorithm>

#include "core/create_replication_group.h"
#include "core/identifiers.h"
#include "core/parameter_groups.h"
#include "core/request_members.h"
#include "core/seed_source.h"

namespace cachectl::core {

namespace {

using json = nlohmann::json;

constexpr int kMaxNodeGroups = 90;  // the API's bound for NumNodeGroups
constexpr int kMaxReplicas = kMaxGroupMembers - 1;
constexpr int kClusterBusPortOffset = 10000;

struct ShardPlan {
  std::string id;
  std::optional<SlotRanges> slots;
  int replicas = 0;
  std::string primary_zone;
  std::vector<std::string> replica_zones;
};

// "7" or "0007" -> "0007"; an error for anything else.
Result<std::string> node_group_id_of(const std::string& given) {
  if (given.empty() || given.size() > 4 ||
      given.find_first_not_of("0123456789") != std::string::npos)
    return invalid_value("NodeGroupId '" + given + "' is not 1 to 4 digits.");
  int n = std::stoi(given);
  if (n < 1) return invalid_value("NodeGroupId '" + given + "' must be 0001 or more.");
  return node_group_id(n);
}

}  // namespace

bool wants_cluster_mode(const json& req, const ServiceContext& ctx, std::string& error) {
  std::string mode = ascii_lower(get_string(req, "ClusterMode"));
  bool sharded = (has(req, "NumNodeGroups") && req["NumNodeGroups"].get<int>() > 1) ||
                 (has(req, "NodeGroupConfiguration") && req["NodeGroupConfiguration"].size() > 1) ||
                 mode == "enabled" || mode == "compatible";
  std::string group = ascii_lower(get_string(req, "CacheParameterGroupName"));
  bool group_on =
      !group.empty() && ctx.cluster_parameter_group && ctx.cluster_parameter_group(group);
  if (mode == "disabled" && (sharded || group_on)) {
    error = group_on ? "ClusterMode disabled cannot be used with parameter group " + group +
                           ", which has cluster-enabled yes."
                     : "ClusterMode disabled allows a single node group.";
    return false;
  }
  if (sharded && !group.empty() && !group_on) {
    error = "Parameter group " + group +
            " has cluster-enabled no: cluster mode (several node groups, or ClusterMode " +
            (mode.empty() ? std::string("enabled") : mode) +
            ") needs a parameter group with cluster-enabled yes, such as "
            "default.redis7.cluster.on.";
    return false;
  }
  return sharded || group_on;
}

Result<NewReplicationGroup> plan_cluster_mode_group(const json& req, const ServiceContext& ctx,
                                                    NewReplicationGroup out) {
  ReplicationGroupRecord& g = out.group;
  if (has(req, "PrimaryClusterId"))
    return invalid_combination(
        "PrimaryClusterId cannot be given for a cluster-mode replication group: its members are "
        "created with it.");
  if (has(req, "NumCacheClusters") || has(req, "PreferredCacheClusterAZs"))
    return invalid_combination(
        "NumCacheClusters and PreferredCacheClusterAZs are for cluster mode disabled; give "
        "NumNodeGroups and ReplicasPerNodeGroup (or NodeGroupConfiguration).");
  if (has(req, "AutomaticFailoverEnabled") && !req["AutomaticFailoverEnabled"].get<bool>())
    return invalid_combination(
        "Redis with cluster mode enabled requires automatic failover (Redis Cluster fails over "
        "within each node group).");
  if (has(req, "SnapshotRetentionLimit") && req["SnapshotRetentionLimit"].get<int>() > 0)
    return invalid_value(
        "Automatic backups of a cluster-mode replication group are not supported by cachectl "
        "yet; take snapshots with create-snapshot --replication-group-id.");
  if (has(req, "SnapshottingClusterId"))
    return invalid_combination(
        "SnapshottingClusterId is for cluster mode disabled: a cluster-mode snapshot takes one "
        "member of every node group.");
  g.cluster_enabled = true;
  g.cluster_mode =
      has(req, "ClusterMode") ? ascii_lower(get_string(req, "ClusterMode")) : "enabled";
  g.automatic_failover = true;
  g.multi_az = has(req, "MultiAZEnabled") && req["MultiAZEnabled"].get<bool>();

  // The node groups: NodeGroupConfiguration, else NumNodeGroups alike.
  json configs = has(req, "NodeGroupConfiguration") ? req["NodeGroupConfiguration"] : json::array();
  int count = has(req, "NumNodeGroups") ? req["NumNodeGroups"].get<int>()
                                        : std::max<int>(1, static_cast<int>(configs.size()));
  if (count < 1 || count > kMaxNodeGroups)
    return invalid_value("NumNodeGroups must be between 1 and 90.");
  if (!configs.empty() && static_cast<int>(configs.size()) != count)
    return invalid_combination("NodeGroupConfiguration has " + std::to_string(configs.size()) +
                               " node groups and NumNodeGroups " + std::to_string(count) +
                               ": they must agree.");
  std::optional<int> default_replicas;
  if (has(req, "ReplicasPerNodeGroup")) {
    default_replicas = req["ReplicasPerNodeGroup"].get<int>();
    if (*default_replicas < 0 || *default_replicas > kMaxReplicas)
      return invalid_value("ReplicasPerNodeGroup must be between 0 and 5.");
  }
  std::vector<ShardPlan> shards;
  int with_slots = 0;
  for (int i = 0; i < count; ++i) {
    ShardPlan s;
    const json c = i < static_cast<int>(configs.size()) ? configs[static_cast<std::size_t>(i)]
                                                        : json::object();
    if (has(c, "NodeGroupId")) {
      auto id = node_group_id_of(get_string(c, "NodeGroupId"));
      if (!id) return id.error();
      s.id = *id;
    } else {
      s.id = node_group_id(i + 1);
    }
    for (const auto& other : shards)
      if (other.id == s.id) return invalid_value("NodeGroupId " + s.id + " is given twice.");
    if (has(c, "Slots")) {
      auto slots = parse_slots(get_string(c, "Slots"));
      if (!slots) return slots.error();
      s.slots = *slots;
      ++with_slots;
    }
    s.replicas = default_replicas.value_or(0);
    if (has(c, "ReplicaCount")) {
      int n = c["ReplicaCount"].get<int>();
      if (n < 0 || n > kMaxReplicas)
        return invalid_value("ReplicaCount of node group " + s.id + " must be between 0 and 5.");
      if (default_replicas && n != *default_replicas)
        return invalid_combination("ReplicaCount of node group " + s.id +
                                   " disagrees with ReplicasPerNodeGroup.");
      s.replicas = n;
    }
    s.primary_zone = get_string(c, "PrimaryAvailabilityZone");
    s.replica_zones = get_strings(c, "ReplicaAvailabilityZones");
    if (!s.replica_zones.empty() && static_cast<int>(s.replica_zones.size()) != s.replicas)
      return invalid_value("Node group " + s.id + " has " + std::to_string(s.replicas) +
                           " replicas but " + std::to_string(s.replica_zones.size()) +
                           " ReplicaAvailabilityZones.");
    shards.push_back(std::move(s));
  }
  if (with_slots != 0 && with_slots != count)
    return invalid_combination("Either every NodeGroupConfiguration gives Slots or none does.");
  if (with_slots == 0) {
    auto split = even_split(count);
    for (int i = 0; i < count; ++i)
      shards[static_cast<std::size_t>(i)].slots = split[static_cast<std::size_t>(i)];
  } else {
    std::vector<int> seen(kSlotCount, 0);
    for (const auto& s : shards)
      for (const auto& r : *s.slots)
        for (int slot = r.first; slot <= r.last; ++slot) ++seen[static_cast<std::size_t>(slot)];
    for (int slot = 0; slot < kSlotCount; ++slot)
      if (seen[static_cast<std::size_t>(slot)] != 1)
        return invalid_value("The node groups' Slots must cover 0-16383 exactly once; slot " +
                             std::to_string(slot) + " is in " +
                             std::to_string(seen[static_cast<std::size_t>(slot)]) + ".");
  }

  // Every member as a CreateCacheCluster would make it; the group's seed
  // (a snapshot or RDB files) is loaded by the cluster manager once the
  // cluster is up, since its keys spread over node groups that need not be
  // the snapshot's.
  json base = member_fields(req);
  ServiceContext member_ctx = ctx;
  member_ctx.cluster_member = true;
  auto placement = default_zones(req, ctx);  // the subnet group's zones first
  if (!placement) return placement.error();
  const std::vector<std::string>& zones = *placement;
  std::size_t spread = 0;
  auto zone_for = [&](const std::string& given) {
    if (!given.empty()) return given;
    return g.multi_az ? zones[spread++ % zones.size()] : zones[0];
  };
  bool first = true;
  for (const auto& s : shards) {
    NodeGroupRecord ng;
    ng.id = s.id;
    ng.slots = *s.slots;
    for (int n = 1; n <= s.replicas + 1; ++n) {
      json member = base;
      member["CacheClusterId"] = shard_member_id(g.id, s.id, n);
      member["PreferredAvailabilityZone"] =
          zone_for(n == 1                    ? s.primary_zone
                   : s.replica_zones.empty() ? std::string()
                                             : s.replica_zones[static_cast<std::size_t>(n - 2)]);
      if (first && !has(member, "CacheParameterGroupName")) {
        // The family's cluster-mode default, once the version is known.
        json probe = member;
        probe.erase("SnapshotName");
        probe.erase("SnapshotArns");
        auto planned = plan_new_cluster(probe, member_ctx);
        if (!planned) return planned.error();
        base["CacheParameterGroupName"] = planned->parameter_group + std::string(kClusterOnSuffix);
        member["CacheParameterGroupName"] = base["CacheParameterGroupName"];
      }
      auto planned = plan_new_cluster(member, member_ctx);
      if (!planned) return planned.error();
      if (first) {
        out.seed_snapshot = planned->snapshot_name;
        out.seed_sources = planned->snapshot_arns;
      }
      first = false;
      planned->snapshot_name.clear();
      planned->snapshot_arns.clear();
      planned->snapshot_retention_limit = 0;
      planned->replication_group_id = g.id;
      ng.members.push_back(planned->id);
      g.members.push_back(planned->id);
      out.members.push_back(std::move(*planned));
    }
    ng.primary = ng.members.front();
    g.node_groups.push_back(std::move(ng));
  }
  for (const auto& source : out.seed_sources)
    if (seed_kind(source) == SeedKind::kDownload || seed_kind(source) == SeedKind::kS3)
      return invalid_value("SnapshotArns entry '" + source +
                           "': a cluster-mode group is seeded from local RDB files (a path or a "
                           "file:// URL) or a snapshot (SnapshotName).");
  if (out.members.front().port + kClusterBusPortOffset > 65535)
    return invalid_value("Port must be at most " + std::to_string(65535 - kClusterBusPortOffset) +
                         " in cluster mode: Redis Cluster's bus listens on the port + " +
                         std::to_string(kClusterBusPortOffset) + ".");
  g.seeding = !out.seed_snapshot.empty() || !out.seed_sources.empty();
  fill_group_from_member(g, out.members.front(), req);
  g.primary = g.members.front();
  if (auto err = plan_group_access(out, req, ctx)) return *err;
  return out;
}

}  // namespace cachectl::core
