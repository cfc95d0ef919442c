// Reading members of an API request in core/'s rules (the command line has
// already checked their types against the model): absent, null or of
// another type reads as empty.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace cachectl::core {

inline bool has(const nlohmann::json& req, const char* key) {
  return req.contains(key) && !req[key].is_null();
}

inline std::string get_string(const nlohmann::json& req, const char* key) {
  auto it = req.find(key);
  return it != req.end() && it->is_string() ? it->get<std::string>() : std::string();
}

inline std::vector<std::string> get_strings(const nlohmann::json& req, const char* key) {
  std::vector<std::string> out;
  auto it = req.find(key);
  if (it != req.end() && it->is_array())
    for (const auto& v : *it)
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

}  // namespace cachectl::core
