// Typed, checked access to TOML tables read from hand-editable files: every
// problem becomes one message naming the file and the key.
#pragma once

#include <toml++/toml.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace cachectl::core {

toml::date_time to_toml_time(TimePoint t);
TimePoint from_toml_time(const toml::date_time& t);

class TomlFields {
 public:
  TomlFields(const toml::table& table, std::string where) : t_(table), where_(std::move(where)) {}

  std::string str(std::string_view key, std::optional<std::string> fallback = std::nullopt);
  long long integer(std::string_view key, long long lo, long long hi,
                    std::optional<long long> fallback = std::nullopt);
  bool boolean(std::string_view key, std::optional<bool> fallback = std::nullopt);
  TimePoint time(std::string_view key);
  std::vector<std::string> strings(std::string_view key);
  // Each element of an array of tables, or none when the key is absent.
  std::vector<const toml::table*> tables(std::string_view key);

  // The first problem met, if any ("file: key 'port': expected an integer ...").
  const std::string& error() const { return error_; }
  bool ok() const { return error_.empty(); }
  void fail(std::string_view key, std::string_view what);

 private:
  const toml::table& t_;
  std::string where_;
  std::string error_;
};

template <class T>
toml::array to_toml_array(const std::vector<T>& items) {
  toml::array a;
  for (const auto& s : items) a.push_back(s);
  return a;
}

struct Tag;  // core/cluster.h

// [[tags]] tables ({key, value}), as every record kind that has tags
// stores them.
toml::array tags_to_toml(const std::vector<Tag>& tags);
// The record's [[tags]]; RegistryFileInvalid naming `origin` for a bad one.
Status read_tags(TomlFields& fields, std::string_view origin, std::vector<Tag>& out);

// Whether `address` is an IPv4 loopback address (127.x.y.z): the only
// addresses a record may name.
bool is_loopback_v4(const std::string& address);

// "file: line L, column C: description"
std::string describe_parse_error(const toml::parse_error& e, std::string_view origin);

// A state file's TOML; a syntax error is RegistryFileInvalid naming `origin`.
Result<toml::table> parse_state_file(std::string_view text, std::string_view origin);

}  // namespace cachectl::core
