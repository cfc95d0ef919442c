#include "core/windows.h"

#include <array>
#include <charconv>
#include <cstdio>
#include <functional>

namespace cachectl::core {
namespace {

constexpr std::array<std::string_view, 7> kDays = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

int length(int start, int end, int period) {
  int d = (end - start) % period;
  return d < 0 ? d + period : d;
}

bool in_window(int start, int end, int period, int m) {
  return length(start, m, period) < length(start, end, period);
}

// "hh24:mi" -> minutes, or -1.
int parse_clock(std::string_view s) {
  if (s.size() != 5 || s[2] != ':') return -1;
  int h = 0, m = 0;
  auto r1 = std::from_chars(s.data(), s.data() + 2, h);
  auto r2 = std::from_chars(s.data() + 3, s.data() + 5, m);
  if (r1.ec != std::errc() || r1.ptr != s.data() + 2 || r2.ec != std::errc() ||
      r2.ptr != s.data() + 5)
    return -1;
  if (h < 0 || h > 23 || m < 0 || m > 59) return -1;
  return h * 60 + m;
}

// "ddd:hh24:mi" -> minutes of week, or -1.
int parse_day_clock(std::string_view s) {
  if (s.size() != 9 || s[3] != ':') return -1;
  std::string day(s.substr(0, 3));
  for (auto& c : day) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::size_t i = 0; i < kDays.size(); ++i) {
    if (kDays[i] == day) {
      int m = parse_clock(s.substr(4));
      return m < 0 ? -1 : static_cast<int>(i) * kMinutesPerDay + m;
    }
  }
  return -1;
}

std::string clock_text(int minutes) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", (minutes / 60) % 24, minutes % 60);
  return buf;
}

TimePoint next_start_of(int start, int period, TimePoint t) {
  using namespace std::chrono;
  auto since = duration_cast<minutes>(t.time_since_epoch());
  // 1970-01-01 was a Thursday: shift so that minute 0 is a Sunday 00:00.
  long long offset = period == kMinutesPerWeek ? 4LL * kMinutesPerDay : 0;
  long long m = since.count() + offset;
  long long base = m - ((m % period) + period) % period;
  long long candidate = base + start;
  TimePoint at(duration_cast<TimePoint::duration>(minutes(candidate - offset)));
  if (at < t) at += duration_cast<TimePoint::duration>(minutes(period));
  return at;
}

}  // namespace

int minute_of_week(TimePoint t) {
  using namespace std::chrono;
  long long m = duration_cast<minutes>(t.time_since_epoch()).count() + 4LL * kMinutesPerDay;
  return static_cast<int>(((m % kMinutesPerWeek) + kMinutesPerWeek) % kMinutesPerWeek);
}

static int minute_of_day(TimePoint t) { return minute_of_week(t) % kMinutesPerDay; }

int WeeklyWindow::length_minutes() const { return length(start, end, kMinutesPerWeek); }
bool WeeklyWindow::contains(TimePoint t) const {
  return in_window(start, end, kMinutesPerWeek, minute_of_week(t));
}
TimePoint WeeklyWindow::next_start(TimePoint t) const {
  return next_start_of(start, kMinutesPerWeek, t);
}
std::string WeeklyWindow::to_string() const {
  return std::string(kDays[start / kMinutesPerDay]) + ":" + clock_text(start % kMinutesPerDay) +
         "-" + std::string(kDays[end / kMinutesPerDay]) + ":" + clock_text(end % kMinutesPerDay);
}

int DailyWindow::length_minutes() const { return length(start, end, kMinutesPerDay); }
bool DailyWindow::contains(TimePoint t) const {
  return in_window(start, end, kMinutesPerDay, minute_of_day(t));
}
TimePoint DailyWindow::next_start(TimePoint t) const {
  return next_start_of(start, kMinutesPerDay, t);
}
std::string DailyWindow::to_string() const { return clock_text(start) + "-" + clock_text(end); }

Result<WeeklyWindow> parse_maintenance_window(std::string_view text) {
  auto dash = text.find('-');
  int start = dash == std::string_view::npos ? -1 : parse_day_clock(text.substr(0, dash));
  int end = dash == std::string_view::npos ? -1 : parse_day_clock(text.substr(dash + 1));
  if (start < 0 || end < 0) {
    return invalid_value("Invalid maintenance window '" + std::string(text) +
                         "': expected the format ddd:hh24:mi-ddd:hh24:mi in UTC, with ddd one of "
                         "sun, mon, tue, wed, thu, fri, sat (e.g. sun:23:00-mon:01:30).");
  }
  WeeklyWindow w{start, end};
  if (w.length_minutes() < 60) {
    return invalid_value("Invalid maintenance window '" + std::string(text) +
                         "': the maintenance window must be at least 60 minutes long.");
  }
  if (w.length_minutes() > kMinutesPerDay) {
    return invalid_value("Invalid maintenance window '" + std::string(text) +
                         "': the maintenance window must be at most 24 hours long.");
  }
  return w;
}

Result<DailyWindow> parse_snapshot_window(std::string_view text) {
  auto dash = text.find('-');
  int start = dash == std::string_view::npos ? -1 : parse_clock(text.substr(0, dash));
  int end = dash == std::string_view::npos ? -1 : parse_clock(text.substr(dash + 1));
  if (start < 0 || end < 0) {
    return invalid_value("Invalid snapshot window '" + std::string(text) +
                         "': expected the format hh24:mi-hh24:mi in UTC (e.g. 05:00-06:00).");
  }
  DailyWindow w{start, end};
  if (w.length_minutes() < 60) {
    return invalid_value("Invalid snapshot window '" + std::string(text) +
                         "': the snapshot window must be at least 60 minutes long.");
  }
  return w;
}

bool overlaps(const WeeklyWindow& maintenance, const DailyWindow& snapshot) {
  // Check every day's instance of the daily window against the weekly one.
  for (int day = 0; day < 7; ++day) {
    int s = day * kMinutesPerDay + snapshot.start;
    int len = snapshot.length_minutes();
    if (in_window(maintenance.start, maintenance.end, kMinutesPerWeek, s % kMinutesPerWeek) ||
        in_window(s % kMinutesPerWeek, (s + len) % kMinutesPerWeek, kMinutesPerWeek,
                  maintenance.start))
      return true;
  }
  return false;
}

WeeklyWindow default_maintenance_window(std::string_view seed) {
  auto h = std::hash<std::string_view>{}(seed);
  int start = static_cast<int>(h % (7 * 24)) * 60;  // on the hour, any day
  return {start, (start + 60) % kMinutesPerWeek};
}

std::optional<DailyWindow> default_snapshot_window(std::string_view seed,
                                                   const WeeklyWindow& avoid) {
  auto h = std::hash<std::string_view>{}(std::string(seed) + "/snapshot");
  for (int i = 0; i < 24; ++i) {
    int start = static_cast<int>((h + static_cast<std::size_t>(i)) % 24) * 60;
    DailyWindow w{start, (start + 60) % kMinutesPerDay};
    if (!overlaps(avoid, w)) return w;
  }
  return std::nullopt;
}

}  // namespace cachectl::core
