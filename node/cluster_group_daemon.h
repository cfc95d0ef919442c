// The daemon of a cluster-mode replication group (cachectl-node --group ID
// when the group's record says cluster_enabled): see
// node/cluster_group_daemon.cpp.
#pragma once

#include "core/replication_group.h"
#include "node/daemon.h"

namespace cachectl::node {

int run_cluster_group_daemon(const DaemonOptions& options,
                             const core::ReplicationGroupRecord& group);

}  // namespace cachectl::node
