// A cluster's record for a daemon that looks at it often (the node's
// schedule, the configuration endpoint at every new connection): read and
// parsed again only when the file changed, a stat(2) otherwise.
#pragma once

#include <sys/stat.h>

#include <optional>
#include <string>

#include "core/registry.h"

namespace cachectl::core {

class ClusterRecordCache {
 public:
  ClusterRecordCache(const Registry& registry, const StateHome& home, std::string id);

  // The record as the file holds it now (or why it cannot be read).
  Result<CacheClusterRecord> get();

 private:
  const Registry& registry_;
  fs::path file_;
  std::string id_;
  std::optional<CacheClusterRecord> cached_;
  struct stat stamp_ {};
};

}  // namespace cachectl::core
