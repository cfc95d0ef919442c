// ElastiCache's Memcached auto discovery answer: the cluster's node list as
// `config get cluster` (and the older `get AmazonElastiCache:cluster`)
// return it.
#pragma once

#include <string>

#include "core/cluster.h"

namespace cachectl::node {

// "VERSION\nhost|ip|port host|ip|port\n": nodes in alphabetical order of
// host name (here the address: local nodes have no DNS names).
std::string discovery_payload(const core::CacheClusterRecord& cluster);

// CONFIG cluster 0 <bytes>\r\n<payload>\r\nEND\r\n
std::string config_get_cluster_reply(const core::CacheClusterRecord& cluster);
// VALUE AmazonElastiCache:cluster 0 <bytes>\r\n<payload>\r\nEND\r\n
std::string legacy_get_cluster_reply(const core::CacheClusterRecord& cluster);

}  // namespace cachectl::node
