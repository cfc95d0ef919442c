#include "core/security_groups.h"

namespace cachectl::core {

ApiError cache_security_groups_not_permitted() {
  return invalid_value(
      "Use of cache security groups is not permitted in this API version for your account.");
}

Status check_security_group_ids(const std::vector<std::string>& ids) {
  for (const auto& sg : ids)
    if (sg.rfind("sg-", 0) != 0 || sg.size() < 4)
      return invalid_value("Invalid security group id '" + sg + "': expected sg-...");
  return std::nullopt;
}

}  // namespace cachectl::core
