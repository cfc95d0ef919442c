// Taking a snapshot of a Redis cluster: the node daemon has the engine BGSAVE
// and moves the RDB into a private directory of the snapshot store, which is
// then published whole. Shared by create-snapshot and by
// delete-cache-cluster --final-snapshot-identifier.
#pragma once

#include "cli/context.h"
#include "core/replication_group.h"
#include "core/snapshots.h"

namespace cachectl::cli {

core::Result<core::SnapshotRecord> take_snapshot(Context& ctx,
                                                 const core::CacheClusterRecord& cluster,
                                                 const std::string& name, const std::string& source,
                                                 const std::vector<core::Tag>& tags = {});

// A cluster-mode group's snapshot: one RDB per node group, each from a
// replica in sync where there is one (as ElastiCache prefers), else from
// the node group's primary. The group must be available. With the group's
// operation lock held.
core::Result<core::SnapshotRecord> take_group_snapshot(Context& ctx,
                                                       const core::ReplicationGroupRecord& group,
                                                       const std::string& name,
                                                       const std::string& source);

}  // namespace cachectl::cli
