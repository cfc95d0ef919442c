// The ElastiCache API model, embedded: service-2.json (operations, shapes,
// errors), waiters-2.json and paginators-1.json.
#pragma once

#include <string_view>

namespace cachectl::model {

std::string_view service_json();
std::string_view waiters_json();
std::string_view paginators_json();

}  // namespace cachectl::model
