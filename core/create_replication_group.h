// CreateReplicationGroup's rules (cluster mode disabled): turns a request
// into the group's record and its member clusters' records, or the error
// ElastiCache would give. The members are planned as CreateCacheCluster
// requests would be (core/create_cluster.h), so that every member rule
// (node type, engine version, parameter group, windows, seeds) is the one
// rule a cache cluster follows.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "core/create_cluster.h"
#include "core/replication_group.h"

namespace cachectl::core {

struct NewReplicationGroup {
  ReplicationGroupRecord group;
  // New member clusters to create, primary first (none of them when the
  // group is built around an existing cluster that stays the only member).
  std::vector<CacheClusterRecord> members;
};

inline constexpr int kMaxGroupMembers = 6;  // a primary and five replicas

// `existing_primary`: the cluster named by PrimaryClusterId, as stored
// (the caller reads it; nullopt when the request names none).
Result<NewReplicationGroup> plan_new_replication_group(
    const nlohmann::json& request, const ServiceContext& context,
    const std::optional<CacheClusterRecord>& existing_primary);

// The CreateCacheCluster request for one more member of `group` (a replica
// added by increase-replica-count or create-cache-cluster
// --replication-group-id): the group's engine, version, node type,
// parameter group and port.
nlohmann::json member_request(const ReplicationGroupRecord& group, const std::string& cluster_id,
                              const std::string& zone);

}  // namespace cachectl::core
