// The live state of a replication group's members, asked of their daemons
// (role and replication link included): describe-replication-groups shows
// what is, not what the registry last wrote.
#pragma once

#include "cli/context.h"
#include "core/replication_group.h"
#include "core/replication_group_view.h"

namespace cachectl::cli {

std::vector<core::MemberState> live_member_states(Context& ctx,
                                                  const core::ReplicationGroupRecord& group);

// The member that is primary now, as its daemon says (a failover moves it);
// the recorded primary when none says so.
std::string live_primary(const core::ReplicationGroupRecord& group,
                         const std::vector<core::MemberState>& members);
std::string live_primary(Context& ctx, const core::ReplicationGroupRecord& group);

// A cluster-mode group's cluster as its daemon's cluster manager last
// reported it (none when the daemon does not answer or has no report yet;
// always none for a group with cluster mode disabled).
std::optional<core::admin::ClusterReport> cluster_report(Context& ctx,
                                                         const core::ReplicationGroupRecord& group);

// The ReplicationGroup JSON of a group with its live state.
nlohmann::json live_group_json(Context& ctx, const core::ReplicationGroupRecord& group);

// The group's status as describe shows it.
std::string live_group_status(Context& ctx, const core::ReplicationGroupRecord& group);

}  // namespace cachectl::cli
