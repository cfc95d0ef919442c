// The API's ReplicationGroup shape (cluster mode disabled) for a stored
// group plus its members' live state, which only their daemons know.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

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
// replication is up), "modifying" (a change in progress, a member down or
// a replica not in sync), else "available".
std::string replication_group_status(const ReplicationGroupRecord& group,
                                     const std::vector<MemberState>& members);

nlohmann::json replication_group_json(const ReplicationGroupRecord& group,
                                      const std::vector<MemberState>& members,
                                      const std::string& status, const std::string& region);

std::string replication_group_arn(std::string_view region, std::string_view id);

}  // namespace cachectl::core
