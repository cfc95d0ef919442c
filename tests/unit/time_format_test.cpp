// core/time_format.h: timestamps as aws-cli prints and accepts them.
#include "core/time_format.h"

#include <gtest/gtest.h>

#include <chrono>

namespace cachectl::core {
namespace {

using namespace std::chrono;

TimePoint At(year_month_day date, int h = 0, int m = 0, int s = 0, int ms = 0) {
  return TimePoint(sys_days{date} + hours{h} + minutes{m} + seconds{s} + milliseconds{ms});
}

const TimePoint kExample = At(2026y / November / 25, 6, 40, 11);

void ExpectParses(std::string_view text, TimePoint expected) {
  auto t = parse_iso8601(text);
  ASSERT_TRUE(t.has_value()) << "rejected '" << text << "'";
  EXPECT_EQ(*t, expected) << text << " -> " << to_iso8601(*t);
}

void ExpectRejected(std::string_view text) {
  auto t = parse_iso8601(text);
  EXPECT_FALSE(t.has_value()) << "accepted '" << text << "' as " << to_iso8601(*t);
}

TEST(ToIso8601, IsUtcWithMillisecondsAndZ) {
  EXPECT_EQ(to_iso8601(TimePoint{}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(to_iso8601(kExample), "2026-11-25T06:40:11.000Z");
  EXPECT_EQ(to_iso8601(At(2026y / January / 2, 3, 4, 5, 67)), "2026-01-02T03:04:05.067Z");
  EXPECT_EQ(to_iso8601(At(1999y / December / 31, 23, 59, 59, 999)), "1999-12-31T23:59:59.999Z");
}

TEST(ToIso8601, TruncatesBelowAMillisecond) {
  EXPECT_EQ(to_iso8601(kExample + microseconds{123999}), "2026-11-25T06:40:11.123Z");
}

TEST(ToIso8601, HandlesInstantsBeforeTheEpoch) {
  EXPECT_EQ(to_iso8601(TimePoint{} - milliseconds{1}), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(to_iso8601(TimePoint{} - seconds{1}), "1969-12-31T23:59:59.000Z");
}

TEST(ParseIso8601, DateOnlyIsMidnightUtc) { ExpectParses("2026-11-25", At(2026y / November / 25)); }

TEST(ParseIso8601, DateTimeWithOrWithoutZIsUtc) {
  ExpectParses("2026-11-25T06:40:11Z", kExample);
  ExpectParses("2026-11-25T06:40:11z", kExample);
  ExpectParses("2026-11-25T06:40:11", kExample);
  ExpectParses("2026-11-25t06:40:11Z", kExample);
  ExpectParses("2026-11-25 06:40:11Z", kExample);
  ExpectParses("2026-11-25T06:40Z", At(2026y / November / 25, 6, 40));
}

TEST(ParseIso8601, OffsetsAreConvertedToUtc) {
  ExpectParses("2026-11-25T08:40:11+02:00", kExample);
  ExpectParses("2026-11-25T01:10:11-05:30", kExample);
  ExpectParses("2026-11-25T06:40:11+00:00", kExample);
  ExpectParses("2026-11-25T08:40:11+0200", kExample);
  // Crossing a day boundary.
  ExpectParses("2026-11-24T23:40:11-07:00", kExample);
}

TEST(ParseIso8601, FractionalSecondsKeepMilliseconds) {
  ExpectParses("2026-11-25T06:40:11.5Z", kExample + milliseconds{500});
  ExpectParses("2026-11-25T06:40:11.123Z", kExample + milliseconds{123});
  ExpectParses("2026-11-25T06:40:11.123456Z", kExample + milliseconds{123});
  ExpectParses("2026-11-25T08:40:11.250+02:00", kExample + milliseconds{250});
}

TEST(ParseIso8601, WholeSecondsSinceTheEpoch) {
  ExpectParses("0", TimePoint{});
  ExpectParses("1795588811", kExample);
  // All digits is always seconds, as in aws-cli: "2026" is not a year.
  ExpectParses("2026", TimePoint{} + seconds{2026});
}

TEST(ParseIso8601, RoundTripsWhatToIso8601Prints) {
  for (TimePoint t : {TimePoint{}, kExample + milliseconds{7},
                      At(2024y / February / 29, 23, 59, 59, 999), At(2000y / January / 1)}) {
    ExpectParses(to_iso8601(t), t);
  }
}

TEST(ParseIso8601, ImpossibleDatesAreRejected) {
  ExpectRejected("2026-13-01");
  ExpectRejected("2026-00-10");
  ExpectRejected("2026-02-30");
  ExpectRejected("2026-02-29");  // 2026 is not a leap year
  ExpectRejected("2026-04-31");
  ExpectRejected("2026-11-00");
  ExpectParses("2024-02-29", At(2024y / February / 29));
}

// A TimePoint holds nanoseconds in 64 bits (to 2262): later or far earlier
// times are refused, not wrapped (found by fuzz_query_form).
TEST(ParseIso8601, TimesATimePointCannotHoldAreRejected) {
  ExpectRejected("2372-01-02T00:00:00.123Z");
  ExpectRejected("9999-12-31");
  ExpectRejected("1000-01-01");
  ExpectRejected("99999999999999");
  ExpectRejected("9223372036854775807");
  ExpectParses("2262-01-01", At(2262y / January / 1));
  ExpectParses("1700-01-01", At(1700y / January / 1));
}

TEST(ParseIso8601, ImpossibleTimesAreRejected) {
  ExpectRejected("2026-11-25T24:00:00Z");
  ExpectRejected("2026-11-25T06:60:00Z");
  ExpectRejected("2026-11-25T06:40:61Z");
}

TEST(ParseIso8601, NegativeFieldsAreRejected) {
  ExpectRejected("2026-11-25T-1:00:00Z");
  ExpectRejected("2026-11-25T06:-1:00Z");
  ExpectRejected("2026-11-25T06:40:-1Z");
  ExpectRejected("2026-11-25T06:40:11+-1:00");
}

TEST(ParseIso8601, GarbageIsRejected) {
  for (std::string_view text :
       {"", "garbage", "yesterday", "2026-11", "2026-1-5", "26-11-25", "2026/11/25", "2026-11-25T",
        "2026-11-25T06", "2026-11-25T06:40:11.", "-5", "1.5", "0x10"}) {
    ExpectRejected(text);
  }
}

TEST(ParseIso8601, TrailingJunkIsRejected) {
  ExpectRejected("2026-11-25x");
  ExpectRejected("2026-11-25T06:40:11Zjunk");
  ExpectRejected("2026-11-25T06:40:11+02:00:00");
  ExpectRejected("2026-11-25T06:40:11+02");
  ExpectRejected("2026-11-25T06:40:11 ");
  ExpectRejected("1795588811s");
}

}  // namespace
}  // namespace cachectl::core
