// Stopping a cluster's daemons and removing all trace of it: shared by
// delete-cache-cluster and by a create that cannot finish.
#pragma once

#include "cli/context.h"

namespace cachectl::cli {

// Asks every node daemon to shut down (which stops its engine), kills any
// that does not answer, removes the node directories, then the record and
// its address claims.
// Shuts one daemon down (node or configuration endpoint), killing it if it
// does not answer, and waits until it has exited.
void stop_daemon(Context& ctx, const std::string& cluster, const std::string& id,
                 const std::string& address);

// Stops the daemon of node directory `dir` through its pid file (SIGTERM,
// then SIGKILL), when it holds its lock; for daemons no record names.
void kill_unresponsive(const core::fs::path& dir);

core::Status teardown_cluster(Context& ctx, const core::CacheClusterRecord& record);

}  // namespace cachectl::cli
