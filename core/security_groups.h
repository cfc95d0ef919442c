// Security groups. The EC2-Classic cache security groups (CacheSecurityGroup,
// CacheSecurityGroupNames, the *-cache-security-group* operations) are
// refused as ElastiCache refuses them to every account without EC2-Classic
// (all accounts since its retirement). VPC security groups
// (SecurityGroupIds) are recorded and shown, not enforced
// (docs/decisions.md, "Security groups").
#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace cachectl::core {

// InvalidParameterValue, ElastiCache's words.
ApiError cache_security_groups_not_permitted();

// SecurityGroupIds as the API takes them: sg-... ids; InvalidParameterValue.
Status check_security_group_ids(const std::vector<std::string>& ids);

}  // namespace cachectl::core
