// Tags, as the API limits them (every resource with an ARN has them), and
// the ARNs that name resources (AddTagsToResource's ResourceName).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/cluster.h"
#include "core/result.h"

namespace cachectl::core {

// ElastiCache's limits: 50 tags per resource, keys of 1-128 characters,
// values of at most 256, no key starting with "aws:" (reserved).
inline constexpr std::size_t kMaxTagsPerResource = 50;
inline constexpr std::size_t kMaxTagKeyLength = 128;
inline constexpr std::size_t kMaxTagValueLength = 256;

// The "Tags" member of a request ([{Key, Value}]), checked; a key given
// twice keeps its last value. TagQuotaPerResourceExceeded past the limit.
Result<std::vector<Tag>> tags_of_request(const nlohmann::json& request);

// Adds tags (a key the resource has takes the new value);
// TagQuotaPerResourceExceeded (nothing changed) past the limit.
[[nodiscard]] Status add_tags(std::vector<Tag>& tags, const std::vector<Tag>& added);
// Removes the keys; TagNotFound (nothing changed) for a key it has not.
[[nodiscard]] Status remove_tags(std::vector<Tag>& tags, const std::vector<std::string>& keys);

// The API's TagList.
nlohmann::json tag_list_json(const std::vector<Tag>& tags);

// An ElastiCache ARN: arn:aws:elasticache:REGION:ACCOUNT:TYPE:NAME
// (TYPE: cluster, replicationgroup, snapshot, parametergroup, subnetgroup,
// securitygroup, user, usergroup, reserved-instance, serverlesscache, ...).
struct ResourceArn {
  std::string region;
  std::string account;
  std::string type;
  std::string name;
};

// InvalidARN unless an ElastiCache ARN of this account and `region`.
Result<ResourceArn> parse_resource_arn(std::string_view arn, std::string_view region);

}  // namespace cachectl::core
