#include "core/node_types.h"

#include <algorithm>

namespace cachectl::core {

const NodeType* find_node_type(std::string_view name) {
  auto all = node_type_catalog();
  auto it = std::lower_bound(all.begin(), all.end(), name,
                             [](const NodeType& t, std::string_view n) { return t.name < n; });
  return (it != all.end() && it->name == name) ? &*it : nullptr;
}

std::int64_t redis_maxmemory(const NodeType& type) {
  // The documented maxmemory is the node's whole share; ElastiCache's default
  // reserved-memory-percent (25) is taken off it at run time.
  double total = type.redis_maxmemory_bytes > 0 ? static_cast<double>(type.redis_maxmemory_bytes)
                                                : type.memory_gib * static_cast<double>(1LL << 30);
  return static_cast<std::int64_t>(total * (100 - kReservedMemoryPercent) / 100);
}

std::int64_t memcached_memory_mib(const NodeType& type) {
  std::int64_t total = type.memcached_max_cache_memory_mib > 0
                           ? type.memcached_max_cache_memory_mib
                           : static_cast<std::int64_t>(type.memory_gib * 1024);
  // ElastiCache keeps memcached_connections_overhead (100 MB by default) out
  // of the cache.
  return std::max<std::int64_t>(total - kMemcachedConnectionsOverheadMib, 16);
}

}  // namespace cachectl::core
