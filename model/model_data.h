// The ElastiCache API model, embedded: one slice per operation (the
// operation's definition and every shape it reaches, as JSON text), the
// error shapes' codes and statuses, the waiters and the paginators.
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

// An error shape's wire facts: its code, the HTTP status it is answered with
// and whether it is the sender's fault (<Type>Sender</Type>) or ours.
struct ErrorShape {
  std::string_view code;  // "CacheClusterNotFound"
  int http_status;        // 404
  bool sender_fault;
};
std::span<const ErrorShape> error_shapes();
std::string_view waiters_json();
std::string_view paginators_json();

}  // namespace cachectl::model
