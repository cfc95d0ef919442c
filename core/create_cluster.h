// CreateCacheCluster's rules: turns a request (API member names, as the CLI
// parsed it) into the record to store, or the error ElastiCache would give.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/cluster.h"
#include "core/engines.h"

namespace cachectl::core {

struct ServiceContext {
  std::vector<InstalledEngine> installed;
  TimePoint now;
  std::string region = "us-east-1";
  // Whether a snapshot of that name is in the store (--snapshot-name).
  std::function<bool(const std::string&)> snapshot_exists;
  // The family of a parameter group (CacheParameterGroupNotFound when there
  // is none of that name). Unset: only default groups exist.
  std::function<Result<std::string>(const std::string&)> parameter_group_family;
  // Whether a parameter group turns cluster mode on (cluster-enabled yes).
  // Unset: none does.
  std::function<bool(const std::string&)> cluster_parameter_group;
  // Whether a snapshot is a cluster-mode group's (one RDB per node group):
  // only a cluster-mode group can be restored from it. Unset: none is.
  std::function<bool(const std::string&)> cluster_mode_snapshot;
  // Planning a member of a cluster-mode replication group: a parameter
  // group with cluster-enabled yes is then expected, not refused.
  bool cluster_member = false;
  // The availability zones of a cache subnet group's subnets, in their order
  // (CacheSubnetGroupNotFoundFault when there is none). Unset: only the
  // default group exists.
  std::function<Result<std::vector<std::string>>(const std::string&)> subnet_group_zones;
  // Whether a user group of that id exists (UserGroupNotFound, or a broken
  // record, otherwise). Unset: none does.
  std::function<Status(const std::string&)> user_group_exists;
};

// Per-cluster node limit for Memcached (ElastiCache's default quota).
inline constexpr int kMaxMemcachedNodes = 40;

// "0001" for 1.
std::string node_id(int n);

// The zones nodes go to when the request names none: those of the
// subnets of its cache subnet group (each once, in the group's order), else
// the region's. CacheSubnetGroupNotFoundFault for a group that is not there.
Result<std::vector<std::string>> default_zones(const nlohmann::json& request,
                                               const ServiceContext& context);

Result<CacheClusterRecord> plan_new_cluster(const nlohmann::json& request,
                                            const ServiceContext& context);

}  // namespace cachectl::core
