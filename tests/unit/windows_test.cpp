// core/windows.h: weekly maintenance windows and daily snapshot windows, in
// UTC, as ElastiCache defines them.
#include "core/windows.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace cachectl::core {
namespace {

using namespace std::chrono;

// A fixed UTC instant: date plus hours and minutes.
TimePoint At(year_month_day date, int h = 0, int m = 0, int s = 0) {
  return TimePoint(sys_days{date} + hours{h} + minutes{m} + seconds{s});
}

// Calendar anchors (checked by the first test below).
constexpr auto kSunday = 2026y / November / 22;
constexpr auto kMonday = 2026y / November / 23;
constexpr auto kWednesday = 2026y / November / 25;
constexpr auto kSaturday = 2026y / November / 28;
constexpr auto kNextSunday = 2026y / November / 29;
constexpr auto kNextMonday = 2026y / November / 30;

WeeklyWindow Weekly(std::string_view text) {
  auto r = parse_maintenance_window(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : WeeklyWindow{};
}

DailyWindow Daily(std::string_view text) {
  auto r = parse_snapshot_window(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : DailyWindow{};
}

TEST(MinuteOfWeek, CountsFromSundayMidnightUtc) {
  EXPECT_EQ(weekday{sys_days{kMonday}}, Monday);
  EXPECT_EQ(minute_of_week(At(kSunday)), 0);
  EXPECT_EQ(minute_of_week(At(kMonday)), kMinutesPerDay);
  EXPECT_EQ(minute_of_week(At(kSaturday, 23, 59)), kMinutesPerWeek - 1);
  // 1970-01-01 was a Thursday.
  EXPECT_EQ(minute_of_week(TimePoint{}), 4 * kMinutesPerDay);
  // Before the epoch too: 1969-12-31 was a Wednesday.
  EXPECT_EQ(minute_of_week(At(1969y / December / 31, 1)), 3 * kMinutesPerDay + 60);
}

TEST(MaintenanceWindow, ParsesDayHourMinuteRange) {
  auto w = Weekly("mon:00:00-mon:01:00");
  EXPECT_EQ(w.start, kMinutesPerDay);
  EXPECT_EQ(w.end, kMinutesPerDay + 60);
  EXPECT_EQ(w.length_minutes(), 60);
  auto w2 = Weekly("sun:23:00-mon:01:30");
  EXPECT_EQ(w2.start, 23 * 60);
  EXPECT_EQ(w2.end, kMinutesPerDay + 90);
  EXPECT_EQ(w2.length_minutes(), 150);
}

TEST(MaintenanceWindow, DayNamesAreCaseInsensitiveAndPrintedLowerCase) {
  auto w = Weekly("MON:04:00-Mon:05:30");
  EXPECT_EQ(w.start, kMinutesPerDay + 4 * 60);
  EXPECT_EQ(w.to_string(), "mon:04:00-mon:05:30");
  EXPECT_EQ(Weekly("SaT:10:00-sAt:11:00").to_string(), "sat:10:00-sat:11:00");
}

TEST(MaintenanceWindow, ShorterThanSixtyMinutesIsRejected) {
  for (std::string_view text :
       {"mon:00:00-mon:00:59", "mon:00:00-mon:00:00", "sat:23:30-sun:00:15"}) {
    auto r = parse_maintenance_window(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().code, "InvalidParameterValue");
    EXPECT_NE(r.error().message.find("60 minutes"), std::string::npos) << r.error().message;
  }
}

TEST(MaintenanceWindow, LongerThanTwentyFourHoursIsRejected) {
  EXPECT_TRUE(parse_maintenance_window("mon:00:00-tue:00:00").ok());
  auto r = parse_maintenance_window("mon:00:00-tue:00:01");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "InvalidParameterValue");
  EXPECT_NE(r.error().message.find("24 hours"), std::string::npos) << r.error().message;
  // An end before the start wraps into next week: almost a whole week.
  EXPECT_FALSE(parse_maintenance_window("tue:00:00-mon:00:00").ok());
}

TEST(MaintenanceWindow, MalformedTextIsRejected) {
  for (std::string_view text :
       {"", "mon", "mon:00:00", "mon:00:00-", "-mon:01:00", "mon:0:00-mon:01:00",
        "mon:00:00-mon:1:00", "monday:00:00-monday:01:00", "xyz:00:00-mon:01:00",
        "mon:24:00-tue:01:00", "mon:00:60-mon:02:00", "mon:00:00 - mon:01:00",
        "mon:00:00-mon:01:00x", " mon:00:00-mon:01:00", "mon 00:00-mon 01:00",
        "mon:-1:00-mon:01:00", "mon:+1:00-mon:02:00", "mon:00:00_mon:01:00"}) {
    auto r = parse_maintenance_window(text);
    ASSERT_FALSE(r.ok()) << "accepted '" << text << "'";
    EXPECT_EQ(r.error().code, "InvalidParameterValue");
    EXPECT_NE(r.error().message.find("ddd:hh24:mi-ddd:hh24:mi"), std::string::npos)
        << text << ": " << r.error().message;
  }
}

TEST(MaintenanceWindow, MayWrapFromSaturdayIntoSunday) {
  auto w = Weekly("sat:23:00-sun:01:00");
  EXPECT_EQ(w.length_minutes(), 120);
  EXPECT_GT(w.start, w.end);
  EXPECT_TRUE(w.contains(At(kSaturday, 23, 0)));
  EXPECT_TRUE(w.contains(At(kSaturday, 23, 59, 59)));
  EXPECT_TRUE(w.contains(At(kNextSunday, 0, 0)));
  EXPECT_TRUE(w.contains(At(kNextSunday, 0, 59)));
  EXPECT_FALSE(w.contains(At(kNextSunday, 1, 0)));
  EXPECT_FALSE(w.contains(At(kSaturday, 22, 59)));
  EXPECT_FALSE(w.contains(At(kWednesday, 0, 30)));
}

TEST(MaintenanceWindow, ToStringRoundTrips) {
  for (std::string_view text :
       {"mon:00:00-mon:01:00", "sun:23:00-mon:01:30", "sat:23:00-sun:01:00", "wed:07:05-wed:08:45",
        "fri:12:00-sat:12:00", "thu:00:00-thu:23:59"}) {
    auto w = Weekly(text);
    EXPECT_EQ(w.to_string(), text);
    auto again = Weekly(w.to_string());
    EXPECT_EQ(again.start, w.start);
    EXPECT_EQ(again.end, w.end);
  }
}

TEST(MaintenanceWindow, ContainsIsStartInclusiveEndExclusive) {
  auto w = Weekly("mon:00:00-mon:01:00");
  EXPECT_TRUE(w.contains(At(kMonday, 0, 0)));
  EXPECT_TRUE(w.contains(At(kMonday, 0, 59, 59)));
  EXPECT_FALSE(w.contains(At(kMonday, 1, 0)));
  EXPECT_FALSE(w.contains(At(kSunday, 23, 59, 59)));
  // Same time of day on another weekday is outside.
  EXPECT_FALSE(w.contains(At(kWednesday, 0, 30)));
  // Every week.
  EXPECT_TRUE(w.contains(At(kNextMonday, 0, 30)));
  EXPECT_TRUE(w.contains(At(1970y / January / 5, 0, 30)));  // a Monday
}

TEST(MaintenanceWindow, NextStartIsTheFirstStartAtOrAfter) {
  auto w = Weekly("mon:00:00-mon:01:00");
  EXPECT_EQ(w.next_start(At(kMonday)), At(kMonday));
  EXPECT_EQ(w.next_start(At(kSunday, 23)), At(kMonday));
  EXPECT_EQ(w.next_start(At(kMonday, 0, 0, 1)), At(kNextMonday));
  EXPECT_EQ(w.next_start(At(kWednesday, 12)), At(kNextMonday));
  EXPECT_EQ(w.next_start(At(kSaturday, 23, 59, 59)), At(kNextMonday));
  // Sub-second precision: one nanosecond past the start waits a week.
  EXPECT_EQ(w.next_start(At(kMonday) + nanoseconds{1}), At(kNextMonday));
}

TEST(MaintenanceWindow, NextStartOfAWrappingWindow) {
  auto w = Weekly("sat:23:00-sun:01:00");
  EXPECT_EQ(w.next_start(At(kWednesday, 9)), At(kSaturday, 23));
  EXPECT_EQ(w.next_start(At(kNextSunday, 0, 30)), At(2026y / December / 5, 23));
}

TEST(SnapshotWindow, ParsesHourMinuteRange) {
  auto w = Daily("05:00-06:00");
  EXPECT_EQ(w.start, 300);
  EXPECT_EQ(w.end, 360);
  EXPECT_EQ(w.length_minutes(), 60);
  EXPECT_EQ(w.to_string(), "05:00-06:00");
  EXPECT_EQ(Daily("00:00-23:59").length_minutes(), kMinutesPerDay - 1);
}

TEST(SnapshotWindow, MayWrapPastMidnight) {
  auto w = Daily("23:30-00:30");
  EXPECT_EQ(w.length_minutes(), 60);
  EXPECT_EQ(w.to_string(), "23:30-00:30");
  EXPECT_TRUE(w.contains(At(kWednesday, 23, 30)));
  EXPECT_TRUE(w.contains(At(kWednesday, 0, 15)));
  EXPECT_FALSE(w.contains(At(kWednesday, 0, 30)));
  EXPECT_FALSE(w.contains(At(kWednesday, 12, 0)));
  EXPECT_EQ(w.next_start(At(kWednesday, 0, 15)), At(kWednesday, 23, 30));
  EXPECT_EQ(w.next_start(At(kWednesday, 23, 45)), At(2026y / November / 26, 23, 30));
}

TEST(SnapshotWindow, ShorterThanSixtyMinutesIsRejected) {
  for (std::string_view text : {"05:00-05:59", "05:00-05:00", "23:30-00:29"}) {
    auto r = parse_snapshot_window(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().code, "InvalidParameterValue");
    EXPECT_NE(r.error().message.find("60 minutes"), std::string::npos);
  }
}

TEST(SnapshotWindow, MalformedTextIsRejected) {
  for (std::string_view text : {"", "05:00", "5:00-6:00", "05:00-06", "24:00-01:00", "05:60-07:00",
                                "mon:05:00-mon:06:00", "05:00 -06:00", "05-06", "aa:bb-cc:dd"}) {
    auto r = parse_snapshot_window(text);
    ASSERT_FALSE(r.ok()) << "accepted '" << text << "'";
    EXPECT_EQ(r.error().code, "InvalidParameterValue");
  }
}

TEST(Overlaps, SnapshotWindowInsideOrAcrossMaintenanceOverlaps) {
  auto m = Weekly("mon:00:00-mon:01:00");
  EXPECT_TRUE(overlaps(m, Daily("00:30-01:30")));
  EXPECT_TRUE(overlaps(m, Daily("23:30-00:30")));
  EXPECT_TRUE(overlaps(m, Daily("00:00-01:00")));
  EXPECT_TRUE(overlaps(m, Daily("23:00-02:00")));  // contains it entirely
}

TEST(Overlaps, AdjacentOrDisjointWindowsDoNotOverlap) {
  auto m = Weekly("mon:00:00-mon:01:00");
  EXPECT_FALSE(overlaps(m, Daily("01:00-02:00")));
  EXPECT_FALSE(overlaps(m, Daily("23:00-00:00")));
  EXPECT_FALSE(overlaps(m, Daily("05:00-06:00")));
}

TEST(Overlaps, EveryDayOfTheWeekCounts) {
  // The daily window on Saturday night runs into the Sunday maintenance window.
  EXPECT_TRUE(overlaps(Weekly("sun:00:00-sun:01:00"), Daily("23:30-00:30")));
  EXPECT_TRUE(overlaps(Weekly("sat:23:00-sun:01:00"), Daily("00:00-01:00")));
  EXPECT_TRUE(overlaps(Weekly("thu:10:00-thu:12:00"), Daily("11:00-12:00")));
  // A whole-day maintenance window leaves no hour of that day free.
  EXPECT_TRUE(overlaps(Weekly("mon:00:00-tue:00:00"), Daily("05:00-06:00")));
}

TEST(DefaultWindows, AreOneHourOnTheHourAndNeverOverlap) {
  for (int i = 0; i < 500; ++i) {
    std::string seed = "cluster-" + std::to_string(i);
    WeeklyWindow m = default_maintenance_window(seed);
    auto chosen = default_snapshot_window(seed, m);
    ASSERT_TRUE(chosen.has_value()) << seed;
    DailyWindow s = *chosen;
    EXPECT_EQ(m.length_minutes(), 60) << seed;
    EXPECT_EQ(m.start % 60, 0) << seed;
    EXPECT_EQ(s.length_minutes(), 60) << seed;
    EXPECT_EQ(s.start % 60, 0) << seed;
    EXPECT_FALSE(overlaps(m, s)) << seed << ": " << m.to_string() << " / " << s.to_string();
    // What is stored can be read back.
    auto reparsed = parse_maintenance_window(m.to_string());
    ASSERT_TRUE(reparsed.ok()) << m.to_string();
    EXPECT_EQ(reparsed->start, m.start);
    ASSERT_TRUE(parse_snapshot_window(s.to_string()).ok()) << s.to_string();
  }
}

TEST(DefaultWindows, AreStableForASeed) {
  auto a = default_maintenance_window("exampleredis");
  auto b = default_maintenance_window("exampleredis");
  EXPECT_EQ(a.start, b.start);
  EXPECT_EQ(default_snapshot_window("exampleredis", a)->start,
            default_snapshot_window("exampleredis", b)->start);
}

TEST(DefaultWindows, SnapshotWindowFindsTheOnlyFreeHour) {
  // A 23-hour maintenance window leaves 23:00-00:00 as the only free hour.
  auto m = Weekly("mon:00:00-mon:23:00");
  for (int i = 0; i < 50; ++i) {
    auto s = default_snapshot_window("c" + std::to_string(i), m);
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->to_string(), "23:00-00:00");
    EXPECT_FALSE(overlaps(m, *s));
  }
}

TEST(DefaultWindows, NoSnapshotWindowFitsBesideAMaintenanceWindowOfMoreThan23Hours) {
  EXPECT_FALSE(default_snapshot_window("x", Weekly("mon:00:00-mon:23:30")).has_value());
  EXPECT_FALSE(default_snapshot_window("x", Weekly("sat:12:00-sun:12:00")).has_value());
}

}  // namespace
}  // namespace cachectl::core
