// Weekly maintenance windows ("ddd:hh24:mi-ddd:hh24:mi") and daily snapshot
// windows ("hh24:mi-hh24:mi"), in UTC, as ElastiCache defines them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"

namespace cachectl::core {

constexpr int kMinutesPerDay = 24 * 60;
constexpr int kMinutesPerWeek = 7 * kMinutesPerDay;

// Minutes since Sunday 00:00 UTC; `end` may be less than `start` when the
// window wraps past Saturday midnight.
struct WeeklyWindow {
  int start = 0;
  int end = 0;
  int length_minutes() const;
  bool contains(TimePoint t) const;
  // The first start of the window at or after `t`.
  TimePoint next_start(TimePoint t) const;
  std::string to_string() const;  // "mon:00:00-mon:01:00"
};

// Minutes since 00:00 UTC; wraps past midnight when end < start.
struct DailyWindow {
  int start = 0;
  int end = 0;
  int length_minutes() const;
  bool contains(TimePoint t) const;
  TimePoint next_start(TimePoint t) const;
  std::string to_string() const;  // "05:00-06:00"
};

Result<WeeklyWindow> parse_maintenance_window(std::string_view text);
Result<DailyWindow> parse_snapshot_window(std::string_view text);

bool overlaps(const WeeklyWindow& maintenance, const DailyWindow& snapshot);

// ElastiCache picks a window when none is given; ours is derived from the
// cluster id so that it is stable and spread out.
WeeklyWindow default_maintenance_window(std::string_view seed);
// nullopt when every daily hour meets the maintenance window (one longer
// than 23 hours leaves no free hour on its day).
std::optional<DailyWindow> default_snapshot_window(std::string_view seed,
                                                   const WeeklyWindow& avoid);

// Minutes since Sunday 00:00 UTC of `t`.
int minute_of_week(TimePoint t);

}  // namespace cachectl::core
