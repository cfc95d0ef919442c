// Stopping a cluster's daemons and removing all trace of it: shared by
// delete-cache-cluster and by a create that cannot finish.
#pragma once

#include "cli/context.h"

namespace cachectl::cli {

// Asks every node daemon to shut down (which stops its engine), kills any
// that does not answer, removes the node directories, then the record and
// its address claims.
core::Status teardown_cluster(Context& ctx, const core::CacheClusterRecord& record);

}  // namespace cachectl::cli
