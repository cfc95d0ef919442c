// ModifyCacheCluster's rules for everything but the node list (which
// cli/ops/modify_cache_cluster.cpp plans): which values are valid, which
// change at once and which wait for the maintenance window.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/cluster.h"
#include "core/engines.h"

namespace cachectl::core {

struct ModifyContext {
  std::vector<InstalledEngine> installed;
  // The bytes the cluster's data takes now (Redis used_memory), asked only
  // when the node type shrinks; nullopt when it cannot be known.
  std::function<std::optional<std::int64_t>()> used_memory;
};

struct ModifyPlan {
  // The record with the request applied: immediate values changed; node type
  // and engine version changed (ApplyImmediately) or pending (else).
  CacheClusterRecord record;
  // The engine must restart for the record (node type or engine version).
  bool restart = false;
};

// The request's members are the API's (the command line parsed them).
Result<ModifyPlan> plan_modify(const CacheClusterRecord& current, const nlohmann::json& request,
                               const ModifyContext& context);

// ListAllowedNodeTypeModifications: the node types the cluster can move to,
// bigger (scale up) and smaller (scale down) than its own, by memory.
struct AllowedNodeTypes {
  std::vector<std::string> scale_up;
  std::vector<std::string> scale_down;
};
AllowedNodeTypes allowed_node_type_modifications(const CacheClusterRecord& cluster);

// The memory the engine gets on a node type (Redis maxmemory, Memcached -m)
// in bytes.
std::int64_t engine_memory_bytes(const CacheClusterRecord& cluster, std::string_view node_type);

}  // namespace cachectl::core
