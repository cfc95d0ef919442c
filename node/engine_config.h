// How a node runs its engine: the command line and configuration file
// generated from the cluster record (address, port, memory from the node
// type, directory).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/cluster.h"

namespace cachectl::node {

struct EngineLaunch {
  std::vector<std::string> argv;
  std::filesystem::path config_file;  // empty when the engine takes no file
  std::string config_text;
};

EngineLaunch redis_launch(const core::CacheClusterRecord& cluster,
                          const core::CacheNodeRecord& node, const std::filesystem::path& dir);
EngineLaunch memcached_launch(const core::CacheClusterRecord& cluster,
                              const core::CacheNodeRecord& node);
EngineLaunch engine_launch(const core::CacheClusterRecord& cluster,
                           const core::CacheNodeRecord& node, const std::filesystem::path& dir);

}  // namespace cachectl::node
