// The catalog of ElastiCache cache node types (current and previous
// generation) with the memory each gives the engine.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace cachectl::core {

struct NodeType {
  std::string_view name;
  std::string_view family;  // "m5"
  bool current_generation;
  double memory_gib;
  std::int64_t redis_maxmemory_bytes;           // 0 = not documented
  std::int64_t memcached_max_cache_memory_mib;  // 0 = not documented
  int vcpus;                                    // 0 = not documented
  bool supports_snapshots;                      // false for cache.t1.micro
};

// The whole catalog, sorted by name.
std::span<const NodeType> node_type_catalog();

// nullptr when `name` is not an ElastiCache node type.
const NodeType* find_node_type(std::string_view name);

// ElastiCache's default reserved-memory-percent for Redis.
inline constexpr int kReservedMemoryPercent = 25;

// Redis `maxmemory` for the type: ElastiCache's documented maxmemory (else
// the node's memory) less the reserved memory.
std::int64_t redis_maxmemory(const NodeType& type);

// ElastiCache's default memcached_connections_overhead.
inline constexpr int kMemcachedConnectionsOverheadMib = 100;

// Memcached `-m` (MiB): the documented max_cache_memory (else the node's
// memory) less the connections overhead.
std::int64_t memcached_memory_mib(const NodeType& type);

}  // namespace cachectl::core
