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
  // Cluster mode: what the group's keys are loaded from once its cluster is
  // up (SnapshotName, or SnapshotArns as local paths / file:// URLs).
  std::string seed_snapshot;
  std::vector<std::string> seed_sources;
};

inline constexpr int kMaxGroupMembers = 6;  // a primary and five replicas

// `existing_primary`: the cluster named by PrimaryClusterId, as stored
// (the caller reads it; nullopt when the request names none).
Result<NewReplicationGroup> plan_new_replication_group(
    const nlohmann::json& request, const ServiceContext& context,
    const std::optional<CacheClusterRecord>& existing_primary);

// Whether the request asks for cluster mode (several node groups,
// ClusterMode enabled or compatible, or a parameter group with
// cluster-enabled yes); false with `error` set when it contradicts itself.
bool wants_cluster_mode(const nlohmann::json& request, const ServiceContext& context,
                        std::string& error);

// The cluster-mode part of plan_new_replication_group: `out` has the
// group's id, description and create time.
Result<NewReplicationGroup> plan_cluster_mode_group(const nlohmann::json& request,
                                                    const ServiceContext& context,
                                                    NewReplicationGroup out);

// The members of a CreateReplicationGroup request that each member cluster
// takes as CreateCacheCluster's.
nlohmann::json member_fields(const nlohmann::json& request);

// The group's copy of what its members share (engine, version, node type,
// parameter group, port, windows, auth), from one planned member.
void fill_group_from_member(ReplicationGroupRecord& group, const CacheClusterRecord& model,
                            const nlohmann::json& request);

// The CreateCacheCluster request for one more member of `group` (a replica
// added by increase-replica-count or create-cache-cluster
// --replication-group-id): the group's engine, version, node type,
// parameter group and port.
nlohmann::json member_request(const ReplicationGroupRecord& group, const std::string& cluster_id,
                              const std::string& zone);

}  // namespace cachectl::core
