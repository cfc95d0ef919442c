// The API's ReplicationGroup shape for a stored group plus its members' live
// state, which only their daemons know, and in cluster mode the cluster
// manager's last report (which primary serves which slots now).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/admin_api.h"
#include "core/cluster.h"
#include "core/replication_group.h"

namespace cachectl::core {

struct MemberState {
  std::string cluster;
  std::string address;  // the member's node (its ReadEndpoint)
  int port = 0;
  std::string zone;
  std::string status;  // the node's CacheNodeStatus ("failed": no daemon)
  std::string role;    // live: "primary" | "replica" | "" (not known)
  bool link_up = false;
};

// "deleting", "creating" (until every member has answered once and its
// replication is up; in cluster mode until the cluster has been complete
// once and a snapshot's keys are loaded), "modifying" (a change in
// progress, a member down or a replica not in sync; in cluster mode also
// slots not yet where the record's layout puts them, or a node not saying
// cluster_state:ok), else "available".
std::string replication_group_status(const ReplicationGroupRecord& group,
                                     const std::vector<MemberState>& members,
                                     const std::optional<admin::ClusterReport>& report = {});

nlohmann::json replication_group_json(const ReplicationGroupRecord& group,
                                      const std::vector<MemberState>& members,
                                      const std::string& status, const std::string& region,
                                      const std::optional<admin::ClusterReport>& report = {});

// Whether a cluster manager's report says the group's cluster is the
// record's layout, complete and healthy.
bool cluster_in_sync(const ReplicationGroupRecord& group,
                     const std::optional<admin::ClusterReport>& report);

std::string replication_group_arn(std::string_view region, std::string_view id);

}  // namespace cachectl::core
