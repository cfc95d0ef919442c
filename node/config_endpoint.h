// The daemon behind a Memcached cluster's configuration endpoint: answers
// auto discovery from the registry (so the node list is always current) and
// passes every other command through to one of the cluster's nodes, as
// ElastiCache's endpoint, which names one of the nodes, does.
#pragma once

#include "node/daemon.h"

namespace cachectl::node {

int run_config_endpoint(const DaemonOptions& options);

}  // namespace cachectl::node
