// Reading members of an API request (already type-checked against the model
// by the command line parser).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace cachectl::cli {

inline std::optional<std::string> opt_string(const nlohmann::json& r, const char* key) {
  if (r.contains(key) && r[key].is_string()) return r[key].get<std::string>();
  return std::nullopt;
}
inline std::optional<long long> opt_int(const nlohmann::json& r, const char* key) {
  if (r.contains(key) && r[key].is_number_integer()) return r[key].get<long long>();
  return std::nullopt;
}
inline std::vector<std::string> opt_strings(const nlohmann::json& r, const char* key) {
  std::vector<std::string> out;
  if (r.contains(key) && r[key].is_array())
    for (const auto& v : r[key])
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}
inline bool opt_bool(const nlohmann::json& r, const char* key, bool fallback) {
  if (r.contains(key) && r[key].is_boolean()) return r[key].get<bool>();
  return fallback;
}

// MaxRecords as the API bounds it (20-100, default 100).
inline core::Result<int> max_records(const nlohmann::json& r) {
  auto v = opt_int(r, "MaxRecords");
  if (!v) return 100;
  if (*v < 20 || *v > 100) {
    return core::invalid_value("MaxRecords must be between 20 and 100 (got " + std::to_string(*v) +
                               ").");
  }
  return static_cast<int>(*v);
}

}  // namespace cachectl::cli
