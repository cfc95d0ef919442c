// Every parameter of each cache parameter group family cachectl knows
// (redis7, memcached1.6), after ElastiCache's parameter lists: type, allowed
// values, default, whether it may be changed and how a change takes effect,
// and how it reaches the engine (a redis.conf directive, a memcached option)
// or that it is ElastiCache's own and only stored.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cachectl::core {

enum class ChangeType { kImmediate, kRequiresReboot };
std::string_view change_type_name(ChangeType t);  // "immediate" | "requires-reboot"

// How a value is checked (and what AllowedValues shows).
enum class Allowed {
  kList,   // one of the comma-separated values in `allowed`
  kRange,  // an integer in "lo-hi" or "lo-" (no upper bound)
  kChars,  // any string made of the characters in `allowed` (notify-keyspace-events)
  kAny,    // any string
};

struct ParameterSpec {
  std::string_view name;
  std::string_view data_type;  // "string" | "integer" | "boolean"
  Allowed check;
  std::string_view allowed;
  std::string_view default_value;
  bool modifiable;
  ChangeType change_type;
  // Redis: the redis.conf directive / CONFIG name. Memcached: the option
  // ("-I" takes the value; "-C!" is a flag given when the value is 1;
  // "-o key" gives key=value; "-o no_key?" gives no_key when the value is 0).
  // Empty: ElastiCache's own parameter, stored and shown, not sent.
  std::string_view engine_name;
  std::string_view minimum_engine_version;
  std::string_view description;

  bool reaches_engine() const { return !engine_name.empty(); }
};

// The families cachectl has a table for.
std::vector<std::string> known_parameter_families();
// nullptr when the family is not known.
const std::vector<ParameterSpec>* family_parameters(std::string_view family);
const ParameterSpec* find_parameter(std::string_view family, std::string_view name);

// The largest integer the engine itself accepts for `spec` (Redis's `int`
// configs: 2147483647), whatever the table's range says; LLONG_MAX when the
// engine takes whatever a long long holds.
long long engine_integer_max(const ParameterSpec& spec);

// InvalidParameterValue naming the parameter when `value` is not allowed
// (by the table's range, and by the engine's own bounds).
[[nodiscard]] Status check_parameter_value(const ParameterSpec& spec, const std::string& value);

// The values a group of `family` runs with: each parameter's default,
// overridden by the group's own values.
std::map<std::string, std::string> effective_values(
    std::string_view family, const std::map<std::string, std::string>& group_values);

// Memcached's command-line arguments for the engine-facing values.
std::vector<std::string> memcached_arguments(std::string_view family,
                                             const std::map<std::string, std::string>& values);

}  // namespace cachectl::core
