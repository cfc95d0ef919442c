// The live status of a cluster's nodes, asked of their daemons: the truth,
// not a stored guess.
#pragma once

#include "cli/context.h"
#include "core/cluster_view.h"

namespace cachectl::cli {

core::NodeStatuses live_node_statuses(Context& ctx, const core::CacheClusterRecord& record);

// The CacheCluster JSON of a record with its live status.
nlohmann::json live_cluster_json(Context& ctx, const core::CacheClusterRecord& record,
                                 bool show_node_info);

}  // namespace cachectl::cli
