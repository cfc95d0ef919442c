// Stopping a cluster's daemons and removing all trace of it: shared by
// delete-cache-cluster and by a create that cannot finish.
#pragma once

#include "cli/context.h"

namespace cachectl::cli {

// Shuts one daemon down (node or configuration endpoint), killing it if it
// does not answer, and waits until it has exited. RegistryFileInvalid
// naming its pid file when it does not answer and that file does not name
// it (edited by hand): then nothing is signalled.
core::Status stop_daemon(Context& ctx, const std::string& cluster, const std::string& id,
                         const std::string& address);

// Stops the daemon of node directory `dir` through its pid file (SIGTERM,
// then SIGKILL), when it holds its lock; for daemons no record names. The
// pid file must name the lock's holder (/proc/locks), else
// RegistryFileInvalid naming the file and saying what to do.
core::Status kill_unresponsive(const core::fs::path& dir);

// Asks every node daemon to shut down (which stops its engine), kills any
// that does not answer, removes the node directories, then the record and
// its address claims. A daemon that cannot be stopped stops it there (the
// record stays, marked as it was).
core::Status teardown_cluster(Context& ctx, const core::CacheClusterRecord& record);

}  // namespace cachectl::cli
