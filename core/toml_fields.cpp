#include "core/toml_fields.h"

#include <arpa/inet.h>

#include <algorithm>
#include <sstream>

#include "core/cluster.h"
#include "core/toml_input.h"

namespace cachectl::core {

toml::array tags_to_toml(const std::vector<Tag>& tags) {
  toml::array out;
  for (const auto& tag : tags) out.push_back(toml::table{{"key", tag.key}, {"value", tag.value}});
  return out;
}

Status read_tags(TomlFields& fields, std::string_view origin, std::vector<Tag>& out) {
  for (const toml::table* tag : fields.tables("tags")) {
    TomlFields tf(*tag, std::string(origin) + " [[tags]]");
    out.push_back({tf.str("key"), tf.str("value", "")});
    if (!tf.ok()) return ApiError{kRegistryFileInvalid, tf.error()};
  }
  return std::nullopt;
}

bool is_loopback_v4(const std::string& a) {
  in_addr addr{};
  return inet_pton(AF_INET, a.c_str(), &addr) == 1 && (ntohl(addr.s_addr) >> 24) == 127;
}

toml::date_time to_toml_time(TimePoint t) {
  using namespace std::chrono;
  auto dp = floor<days>(t);
  year_month_day ymd{dp};
  hh_mm_ss hms{duration_cast<nanoseconds>(t - dp)};
  toml::date d{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
               static_cast<unsigned>(ymd.day())};
  // Milliseconds are what the API shows; keep exactly that much.
  auto ms = duration_cast<milliseconds>(hms.subseconds()).count();
  toml::time tm{static_cast<unsigned>(hms.hours().count()),
                static_cast<unsigned>(hms.minutes().count()),
                static_cast<unsigned>(hms.seconds().count()), static_cast<unsigned>(ms * 1000000)};
  return toml::date_time{d, tm, toml::time_offset{}};
}

TimePoint from_toml_time(const toml::date_time& t) {
  using namespace std::chrono;
  year_month_day ymd{year(t.date.year), month(t.date.month), day(t.date.day)};
  auto tp = sys_days(ymd) + hours(t.time.hour) + minutes(t.time.minute) + seconds(t.time.second) +
            nanoseconds(t.time.nanosecond);
  if (t.offset) tp -= minutes(t.offset->minutes);
  return TimePoint(duration_cast<TimePoint::duration>(tp.time_since_epoch()));
}

void TomlFields::fail(std::string_view key, std::string_view what) {
  if (error_.empty()) error_ = where_ + ": key '" + std::string(key) + "': " + std::string(what);
}

std::string TomlFields::str(std::string_view key, std::optional<std::string> fallback) {
  auto node = t_[key];
  if (!node) {
    if (fallback) return *fallback;
    fail(key, "missing (expected a string)");
    return {};
  }
  if (auto v = node.value<std::string>(); v && node.is_string()) return *v;
  fail(key, "expected a string");
  return {};
}

long long TomlFields::integer(std::string_view key, long long lo, long long hi,
                              std::optional<long long> fallback) {
  auto node = t_[key];
  if (!node) {
    if (fallback) return *fallback;
    fail(key, "missing (expected an integer)");
    return lo;
  }
  if (!node.is_integer()) {
    fail(key, "expected an integer");
    return lo;
  }
  long long v = *node.value<long long>();
  if (v < lo || v > hi) {
    fail(key, "value " + std::to_string(v) + " is out of range " + std::to_string(lo) + ".." +
                  std::to_string(hi));
    return lo;
  }
  return v;
}

bool TomlFields::boolean(std::string_view key, std::optional<bool> fallback) {
  auto node = t_[key];
  if (!node) {
    if (fallback) return *fallback;
    fail(key, "missing (expected true or false)");
    return false;
  }
  if (!node.is_boolean()) {
    fail(key, "expected true or false");
    return false;
  }
  return *node.value<bool>();
}

TimePoint TomlFields::time(std::string_view key) {
  auto node = t_[key];
  if (!node || !node.is_date_time()) {
    fail(key, node ? "expected a date-time (e.g. 2026-11-25T06:40:11Z)"
                   : "missing (expected a date-time)");
    return {};
  }
  auto t = *node.value<toml::date_time>();
  // TimePoint counts nanoseconds in 64 bits (years 1678-2261): a year outside
  // that, hand-written, would overflow; a record never holds one.
  if (t.date.year < 1900 || t.date.year > 2200 || t.date.month < 1 || t.date.month > 12 ||
      t.date.day < 1 || t.date.day > 31 || t.time.hour > 23 || t.time.minute > 59 ||
      t.time.second > 60 || t.time.nanosecond > 999999999 ||
      (t.offset && (t.offset->minutes < -24 * 60 || t.offset->minutes > 24 * 60))) {
    fail(key, "a date-time out of range (years 1900 to 2200)");
    return {};
  }
  return from_toml_time(t);
}

std::vector<std::string> TomlFields::strings(std::string_view key) {
  std::vector<std::string> out;
  auto node = t_[key];
  if (!node) return out;
  const toml::array* arr = node.as_array();
  if (!arr) {
    fail(key, "expected an array of strings");
    return out;
  }
  for (const auto& el : *arr) {
    if (!el.is_string()) {
      fail(key, "expected an array of strings");
      return {};
    }
    out.push_back(*el.value<std::string>());
  }
  return out;
}

std::vector<const toml::table*> TomlFields::tables(std::string_view key) {
  std::vector<const toml::table*> out;
  auto node = t_[key];
  if (!node) return out;
  const toml::array* arr = node.as_array();
  if (!arr) {
    fail(key, "expected an array of tables ([[" + std::string(key) + "]])");
    return out;
  }
  for (const auto& el : *arr) {
    if (!el.is_table()) {
      fail(key, "expected an array of tables ([[" + std::string(key) + "]])");
      return {};
    }
    out.push_back(el.as_table());
  }
  return out;
}

std::string describe_parse_error(const toml::parse_error& e, std::string_view origin) {
  std::ostringstream os;
  os << origin << ": line " << e.source().begin.line << ", column " << e.source().begin.column
     << ": " << e.description();
  return os.str();
}

Result<toml::table> parse_state_file(std::string_view text, std::string_view origin) {
  PreparedToml prepared = prepare_toml(text);
  if (!prepared.ok())
    return ApiError{kRegistryFileInvalid, std::string(origin) + ": " + prepared.problem};
  try {
    return toml::parse(prepared.text, origin);
  } catch (const toml::parse_error& e) {
    return ApiError{kRegistryFileInvalid, describe_parse_error(e, origin)};
  }
}

}  // namespace cachectl::core
