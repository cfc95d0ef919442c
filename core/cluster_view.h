// The API's CacheCluster shape for a stored record plus the nodes' live
// status (which only the node daemons know).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/cluster.h"

namespace cachectl::core {

// Per node, in the record's order: "creating", "available", "rebooting",
// "deleting" or "failed" (its daemon is not running).
using NodeStatuses = std::vector<std::string>;

// What the cluster as a whole shows: "deleting" while it is deleted,
// "rebooting cache cluster nodes" while any node reboots, "modifying" while
// nodes added after the cluster was created start, "creating" until every
// node's engine has answered once, "failed" when a node daemon (or the
// configuration endpoint's) is gone, otherwise "available". For a Memcached
// cluster `nodes` may hold one more entry, the configuration endpoint's.
std::string cluster_status(const CacheClusterRecord& record, const NodeStatuses& nodes);

// `ca_certificate`: the state home's CA certificate (StateHome::
// ca_certificate_file). A cluster with transit encryption shows it as its
// ClientDownloadLandingPage (a file:// URL): what a client needs to
// download to connect, where ElastiCache names its client library's page.
nlohmann::json cache_cluster_json(const CacheClusterRecord& record, const NodeStatuses& nodes,
                                  bool show_node_info, const std::string& region,
                                  const std::string& ca_certificate);

}  // namespace cachectl::core
