// The API model as the CLI uses it: operations, their input/output shapes,
// waiters and paginators, and the kebab-case names options are made of.
#pragma once

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
  static const ApiModel& get();  // parsed once, on first use

  const ModelJson& shapes() const { return service_["shapes"]; }
  const ModelJson& shape(const std::string& name) const { return service_["shapes"][name]; }
  // API name ("CreateCacheCluster") of a CLI name ("create-cache-cluster").
  std::optional<std::string> operation_for(const std::string& cli_name) const;
  const ModelJson& operation(const std::string& api_name) const;
  std::vector<std::string> cli_operation_names() const;  // sorted
  const ModelJson& waiters() const { return waiters_["waiters"]; }
  const ModelJson& paginators() const { return paginators_["pagination"]; }
  // The error codes an operation declares (by shape name -> code).
  std::string error_code(const std::string& shape_name) const;

 private:
  ApiModel();
  ModelJson service_;
  ModelJson waiters_;
  ModelJson paginators_;
};

// botocore's xform_name with '-': "CacheClusterId" -> "cache-cluster-id",
// "AZMode" -> "az-mode".
std::string kebab_case(const std::string& name);
// "cache-cluster-available" <-> "CacheClusterAvailable"
std::string pascal_from_kebab(const std::string& name);

}  // namespace cachectl::cli
