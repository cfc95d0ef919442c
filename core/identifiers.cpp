#include "core/identifiers.h"

#include <cctype>

namespace cachectl::core {

Result<std::string> normalize_name(std::string_view id, std::string_view parameter,
                                   std::size_t max_length) {
  std::string p(parameter);
  if (id.empty())
    return invalid_value("The parameter " + p + " must be provided and must not be blank.");
  if (id.size() > max_length) {
    return invalid_value("The parameter " + p +
                         " is not a valid identifier. Identifiers must "
                         "be at most " +
                         std::to_string(max_length) + " characters long.");
  }
  if (!std::isalpha(static_cast<unsigned char>(id[0]))) {
    return invalid_value("The parameter " + p +
                         " is not a valid identifier. Identifiers must begin with a letter; must "
                         "contain only ASCII letters, digits, and hyphens; and must not end with a "
                         "hyphen or contain two consecutive hyphens.");
  }
  std::string out;
  out.reserve(id.size());
  for (std::size_t i = 0; i < id.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(id[i]);
    bool ok = std::isalnum(c) || c == '-';
    if (!ok || (c == '-' && i + 1 < id.size() && id[i + 1] == '-') ||
        (c == '-' && i + 1 == id.size())) {
      return invalid_value("The parameter " + p +
                           " is not a valid identifier. Identifiers must begin with a letter; must "
                           "contain only ASCII letters, digits, and hyphens; and must not end with "
                           "a hyphen or contain two consecutive hyphens.");
    }
    out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out;
}

Result<std::string> normalize_cluster_id(std::string_view id, std::string_view parameter) {
  return normalize_name(id, parameter, 50);
}

std::string resource_arn(std::string_view region, std::string_view type, std::string_view name) {
  return "arn:aws:elasticache:" + std::string(region) + ":" + std::string(kAccountId) + ":" +
         std::string(type) + ":" + std::string(name);
}

std::string cluster_arn(std::string_view region, std::string_view cluster_id) {
  return resource_arn(region, "cluster", cluster_id);
}

std::vector<std::string> availability_zones(std::string_view region) {
  std::string r(region);
  return {r + "a", r + "b", r + "c"};
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

}  // namespace cachectl::core
