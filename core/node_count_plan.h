// ModifyCacheCluster's node list (Memcached): NumCacheNodes,
// CacheNodeIdsToRemove, NewAvailabilityZones, AZMode. Planned and applied to
// the record in one go, inside the registry's locked update, so that what is
// checked is what is changed (two commands racing cannot both pass the check).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/cluster.h"

namespace cachectl::core {

struct NodeCountPlan {
  int target = 0;
  bool count_given = false;  // NumCacheNodes was in the request
  std::vector<std::string> remove;
  std::vector<std::string> zones;  // for the nodes added
  std::string az_mode;
};

// Checks the request's node list members against the record.
Result<NodeCountPlan> plan_node_count(const CacheClusterRecord& record,
                                      const nlohmann::json& request, const std::string& region);

struct NodeCountChange {
  std::vector<CacheNodeRecord> added;    // now in record.nodes, addresses claimed
  std::vector<CacheNodeRecord> removed;  // now in record.removing
};

// Applies `plan` to `record`. Without `now` the node count waits in
// `pending` for the maintenance window. A NumCacheNodes equal to the
// current count cancels what is pending, as the API documents. `claim` gives an added node its
// address; when one cannot be had, the addresses claimed so far are given
// back through `release` and the error returned (the record is then not to
// be written).
Result<NodeCountChange> apply_node_count(
    CacheClusterRecord& record, const NodeCountPlan& plan, bool now, TimePoint time,
    const std::string& region,
    const std::function<Result<std::string>(const CacheNodeRecord&)>& claim,
    const std::function<void(const std::string&)>& release);

}  // namespace cachectl::core
