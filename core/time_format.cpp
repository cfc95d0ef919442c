#include "core/time_format.h"

#include <charconv>
#include <cstdio>
#include <ctime>
#include <limits>

namespace cachectl::core {

std::string to_iso8601(TimePoint t) {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  int millis = static_cast<int>(ms - static_cast<long long>(secs) * 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

namespace {

bool take_int(std::string_view& s, std::size_t digits, int& out) {
  if (s.size() < digits) return false;
  for (std::size_t i = 0; i < digits; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  auto r = std::from_chars(s.data(), s.data() + digits, out);
  if (r.ec != std::errc() || r.ptr != s.data() + digits) return false;
  s.remove_prefix(digits);
  return true;
}

bool take_char(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

// A TimePoint counts nanoseconds in 64 bits: about the years 1678 to 2262.
// A time outside that is refused, never wrapped (converting it would overflow).
std::optional<TimePoint> from_milliseconds(long long ms) {
  using namespace std::chrono;
  constexpr long long kMax = duration_cast<milliseconds>(TimePoint::duration::max()).count();
  if (ms > kMax || ms < -kMax) return std::nullopt;
  return TimePoint(duration_cast<TimePoint::duration>(milliseconds(ms)));
}

}  // namespace

std::optional<TimePoint> parse_iso8601(std::string_view s) {
  using namespace std::chrono;
  if (!s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos) {
    long long epoch = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), epoch);
    if (r.ec != std::errc() || epoch > std::numeric_limits<long long>::max() / 1000)
      return std::nullopt;
    return from_milliseconds(epoch * 1000);
  }
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!take_int(s, 4, y) || !take_char(s, '-') || !take_int(s, 2, mo) || !take_char(s, '-') ||
      !take_int(s, 2, d))
    return std::nullopt;
  long long frac_ms = 0;
  int offset_min = 0;
  if (!s.empty() && (s.front() == 'T' || s.front() == 't' || s.front() == ' ')) {
    s.remove_prefix(1);
    if (!take_int(s, 2, h) || !take_char(s, ':') || !take_int(s, 2, mi)) return std::nullopt;
    if (take_char(s, ':') && !take_int(s, 2, sec)) return std::nullopt;
    if (take_char(s, '.')) {
      int scale = 100;
      std::size_t n = 0;
      while (n < s.size() && s[n] >= '0' && s[n] <= '9') {
        frac_ms += (s[n] - '0') * scale;
        scale /= 10;
        ++n;
      }
      if (n == 0) return std::nullopt;
      s.remove_prefix(n);
    }
    if (take_char(s, 'Z') || take_char(s, 'z')) {
    } else if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
      int sign = s.front() == '-' ? -1 : 1;
      s.remove_prefix(1);
      int oh = 0, om = 0;
      if (!take_int(s, 2, oh)) return std::nullopt;
      take_char(s, ':');
      if (!take_int(s, 2, om)) return std::nullopt;
      offset_min = sign * (oh * 60 + om);
    }
  }
  if (!s.empty()) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  auto tp = sys_days(ymd) + hours(h) + minutes(mi) + seconds(sec) + milliseconds(frac_ms) -
            minutes(offset_min);
  return from_milliseconds(tp.time_since_epoch().count());
}

}  // namespace cachectl::core
