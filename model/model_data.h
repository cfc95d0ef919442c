// The ElastiCache API model, embedded: one slice per operation (the
// operation's definition and every shape it reaches, as JSON text), the
// waiters and the paginators.
#pragma once

#include <span>
#include <string_view>

namespace cachectl::model {

struct OperationSlice {
  std::string_view name;  // API name, "CreateCacheCluster"
  std::string_view json;  // {"operation": {...}, "shapes": {...}}
};

// In the model's order (alphabetical by API name).
std::span<const OperationSlice> operation_slices();
std::string_view waiters_json();
std::string_view paginators_json();

}  // namespace cachectl::model
