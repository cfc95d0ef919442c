// The data a new cluster starts from (--snapshot-name, --snapshot-arns),
// placed as the engine's data/dump.rdb before its first start.
#pragma once

#include <string>

#include "core/cluster.h"
#include "core/files.h"
#include "core/state_home.h"

namespace cachectl::node {

// Puts the RDB `r`'s node `node_id` starts from at `target`; returns why
// not ("" when placed).
std::string place_seed(const core::StateHome& home, const core::CacheClusterRecord& r,
                       const std::string& node_id, const core::fs::path& target);

}  // namespace cachectl::node
