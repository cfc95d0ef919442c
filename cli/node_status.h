// The live status of a cluster's nodes, asked of their daemons: the truth,
// not a stored guess.
#pragma once

#include "cli/context.h"
#include "core/cluster_view.h"

namespace cachectl::cli {

// Every daemon of a cluster: its nodes, then (Memcached) the configuration
// endpoint's.
struct DaemonRef {
  std::string id;  // "0001" or "cfg"
  std::string address;
  core::TimePoint create_time;
};
std::vector<DaemonRef> daemons_of(const core::CacheClusterRecord& record);
// ... and the daemons of nodes being removed (to stop them all).
std::vector<DaemonRef> all_daemons_of(const core::CacheClusterRecord& record);

// What a daemon that does not answer counts as: what its lock and pid file
// say ("creating" while it lives, else "failed"), or "unknown" (for a
// decision that a guess must not make, such as refusing a delete).
enum class Unanswered { kGuess, kUnknown };

// One status per daemon, in daemons_of() order.
core::NodeStatuses live_node_statuses(Context& ctx, const core::CacheClusterRecord& record,
                                      Unanswered unanswered = Unanswered::kGuess);
// ... of many clusters, every daemon asked at once; one that does not
// answer within `timeout` counts as `unanswered` says.
std::vector<core::NodeStatuses> live_node_statuses(
    Context& ctx, const std::vector<core::CacheClusterRecord>& records,
    std::chrono::milliseconds timeout, Unanswered unanswered = Unanswered::kGuess);

// The CacheCluster JSON of a record with its live status.
nlohmann::json live_cluster_json(Context& ctx, const core::CacheClusterRecord& record,
                                 bool show_node_info);

}  // namespace cachectl::cli
