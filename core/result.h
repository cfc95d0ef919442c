// Errors cross module boundaries as values, not exceptions (LevelDB's Status).
// An ApiError carries the ElastiCache error code the CLI prints.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace cachectl::core {

struct ApiError {
  std::string code;  // "CacheClusterNotFound", "InvalidParameterValue", ...
  std::string message;
};

// Not an API code: a state-home file that cannot be read (CLI: exit 253).
inline constexpr const char* kRegistryFileInvalid = "RegistryFileInvalid";
// Not an API code: the state home cannot be used at all (CLI: exit 253).
inline constexpr const char* kInvalidConfiguration = "InvalidConfiguration";

inline ApiError invalid_value(std::string message) {
  return {"InvalidParameterValue", std::move(message)};
}
inline ApiError invalid_combination(std::string message) {
  return {"InvalidParameterCombination", std::move(message)};
}

// [[nodiscard]]: a Result ignored is an error ignored.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(ApiError error) : v_(std::move(error)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const ApiError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, ApiError> v_;
};

// For operations with no value: an empty optional means success. (A type
// alias cannot carry [[nodiscard]]: functions returning Status are marked
// one by one.)
using Status = std::optional<ApiError>;

}  // namespace cachectl::core
