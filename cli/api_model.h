// The API model as the CLI uses it: operations, their input/output shapes,
// waiters and paginators, and the kebab-case names options are made of.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace cachectl::cli {

using json = nlohmann::json;
// The model keeps its members in their declared order: that is the order
// aws-cli prints them in.
using ModelJson = nlohmann::ordered_json;

class ApiModel {
 public:
  static const ApiModel& get();

  // An operation's definition; its shapes become available to shape().
  const ModelJson& operation(const std::string& api_name) const;
  // A shape of an operation looked up before (an empty object otherwise).
  const ModelJson& shape(const std::string& name) const;
  // API name ("CreateCacheCluster") of a CLI name ("create-cache-cluster").
  std::optional<std::string> operation_for(const std::string& cli_name) const;
  std::vector<std::string> cli_operation_names() const;  // sorted
  const ModelJson& waiters() const;
  const ModelJson& paginators() const;

 private:
  ApiModel() = default;
  static ApiModel& instance();
  const ModelJson& slice(const std::string& api_name) const;
  // Parsed lazily: a run touches one or two operations of 75.
  mutable std::map<std::string, ModelJson> slices_;
  mutable ModelJson waiters_;
  mutable ModelJson paginators_;
};

// botocore's xform_name with '-': "CacheClusterId" -> "cache-cluster-id",
// "AZMode" -> "az-mode".
std::string kebab_case(const std::string& name);
// "cache-cluster-available" <-> "CacheClusterAvailable"
std::string pascal_from_kebab(const std::string& name);

}  // namespace cachectl::cli
