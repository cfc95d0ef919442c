// Naming rules for ElastiCache identifiers, ARNs and zones.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cachectl::core {

// Cluster ids: 1-50 letters, digits or hyphens; a letter first; no trailing
// or double hyphen. Returns the id lower-cased, as ElastiCache stores it.
Result<std::string> normalize_cluster_id(std::string_view id,
                                         std::string_view parameter = "CacheClusterId");

// Snapshot and parameter group names follow the same rules (snapshots allow
// up to 255 characters).
Result<std::string> normalize_name(std::string_view name, std::string_view parameter,
                                   std::size_t max_length);

// Names are case-insensitive in the API and stored lower-cased.
std::string ascii_lower(std::string_view text);

inline constexpr std::string_view kAccountId = "000000000000";

// arn:aws:elasticache:REGION:ACCOUNT:TYPE:NAME, the one way an ARN is made.
std::string resource_arn(std::string_view region, std::string_view type, std::string_view name);
std::string cluster_arn(std::string_view region, std::string_view cluster_id);
std::vector<std::string> availability_zones(std::string_view region);

}  // namespace cachectl::core
