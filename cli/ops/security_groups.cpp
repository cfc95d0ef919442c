// The EC2-Classic cache security group operations, answered as ElastiCache
// answers every account without EC2-Classic (core/security_groups.h).
#include "core/security_groups.h"

#include "cli/context.h"

namespace cachectl::cli {

core::Result<nlohmann::json> cache_security_group_operation(Context&, const nlohmann::json&) {
  return core::cache_security_groups_not_permitted();
}

}  // namespace cachectl::cli
