// The daemon behind a Memcached cluster's configuration endpoint: answers
// auto discovery from the registry (so the node list is always current) and
// passes every other command through to one of the cluster's nodes, as
// ElastiCache's endpoint, which names one of the nodes, does.
#pragma once

#include <chrono>
#include <cstddef>

#include "node/daemon.h"

namespace cachectl::node {

// What one client may cost the endpoint (docs/architecture.md, "Memcached:
// the configuration endpoint", says why these numbers).
struct ConfigEndpointLimits {
  // Bytes held for one direction of one connection. While a side has this
  // much waiting for the other, the endpoint stops reading from it, so the
  // kernel's socket buffers and then the sender wait instead of our memory.
  std::size_t max_pending = 64 * 1024;
  // Open client connections; a new one beyond this closes the longest-idle
  // one. Lowered further when the descriptor limit is smaller (two
  // descriptors a connection).
  std::size_t max_connections = 512;
  // A connection that moved no byte either way for this long is closed.
  std::chrono::milliseconds idle_timeout = std::chrono::minutes(10);
};

// The limits, with the idle timeout (milliseconds) taken from `idle_ms` when
// it is a positive integer: $CACHECTL_CONFIG_ENDPOINT_IDLE_MS, for tests.
ConfigEndpointLimits config_endpoint_limits(const char* idle_ms);

int run_config_endpoint(const DaemonOptions& options);

}  // namespace cachectl::node
