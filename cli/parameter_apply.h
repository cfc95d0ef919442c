// Bringing running clusters in line with their parameter group: changed
// immediate parameters are pushed to every node's engine at once (the node
// daemon's POST /v1/config, CONFIG SET); changed requires-reboot ones mark
// the cluster's nodes as to be rebooted (ParameterApplyStatus
// pending-reboot), and the engines read them at their next start.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cli/context.h"
#include "core/parameter_groups.h"

namespace cachectl::cli {

using ParameterValues = std::map<std::string, std::string>;

// Ids of the clusters whose record names `group`.
std::vector<std::string> clusters_using_group(Context& ctx, const std::string& group);

// Applies to one cluster the difference between the effective values it ran
// with (`before`) and those it must run with (`after`), both of `family`.
core::Status apply_parameter_changes(Context& ctx, const std::string& cluster_id,
                                     const std::string& family, const ParameterValues& before,
                                     const ParameterValues& after);

// modify-cache-cluster --cache-parameter-group-name: checks that the group
// exists (CacheParameterGroupNotFound) and is of the cluster's family
// (InvalidParameterCombination), records it, then applies the difference
// between the old group's values and the new one's as above.
core::Status move_cluster_to_parameter_group(Context& ctx, const std::string& cluster_id,
                                             const std::string& group_name);

}  // namespace cachectl::cli
