// core/backup_schedule.h: when automatic backups are due and expire.
#include "core/backup_schedule.h"

#include <gtest/gtest.h>

namespace cachectl::core {
namespace {

using namespace std::chrono;

TimePoint At(int day, int hour, int minute) {
  return TimePoint(sys_days{2026y / December / day} + hours{hour} + minutes{minute});
}

CacheClusterRecord Cluster(int retention) {
  CacheClusterRecord c;
  c.id = "daily";
  c.engine = "redis";
  c.snapshot_retention_limit = retention;
  c.snapshot_window = "23:30-00:30";  // wraps past midnight
  return c;
}

SnapshotRecord Taken(const std::string& name, TimePoint at) {
  SnapshotRecord s;
  s.name = name;
  s.source = "system";
  s.cluster = Cluster(3);
  s.nodes.push_back({"0001", 10, at, at});
  return s;
}

TEST(DueBackup, OnlyInsideTheWindowAndOncePerWindow) {
  auto c = Cluster(3);
  EXPECT_FALSE(due_backup(c, At(1, 23, 0), {}));
  EXPECT_EQ(due_backup(c, At(1, 23, 45), {}), "automatic.daily-2026-12-01-23-30");
  // After midnight it is still the window that opened on the 1st.
  EXPECT_EQ(due_backup(c, At(2, 0, 15), {}), "automatic.daily-2026-12-01-23-30");
  auto taken = Taken("automatic.daily-2026-12-01-23-30", At(1, 23, 46));
  EXPECT_FALSE(due_backup(c, At(2, 0, 15), {taken}));
  EXPECT_FALSE(due_backup(c, At(2, 0, 31), {taken}));
  EXPECT_EQ(due_backup(c, At(2, 23, 31), {taken}), "automatic.daily-2026-12-02-23-30");
}

TEST(DueBackup, NeverWithoutRetentionOrForMemcached) {
  EXPECT_FALSE(due_backup(Cluster(0), At(1, 23, 45), {}));
  auto m = Cluster(3);
  m.engine = "memcached";
  EXPECT_FALSE(due_backup(m, At(1, 23, 45), {}));
}

TEST(ExpiredBackups, OlderThanTheRetentionLimitInDays) {
  auto c = Cluster(2);
  std::vector<SnapshotRecord> all = {Taken("a", At(1, 23, 40)), Taken("b", At(2, 23, 40)),
                                     Taken("c", At(3, 23, 40))};
  EXPECT_TRUE(expired_backups(c, At(3, 23, 40), all).empty());
  EXPECT_EQ(expired_backups(c, At(3, 23, 41), all), std::vector<std::string>{"a"});
  EXPECT_EQ(expired_backups(c, At(5, 0, 0), all), (std::vector<std::string>{"a", "b"}));
  SnapshotRecord manual = Taken("m", At(1, 0, 0));
  manual.source = "manual";
  EXPECT_TRUE(expired_backups(c, At(20, 0, 0), {manual}).empty()) << "manual snapshots are kept";
}

// A daemon sleeps until the next moment a backup can be due or expire.
TEST(NextBackupCheck, TheWindowsNextOpeningOrTheFirstExpiry) {
  EXPECT_FALSE(next_backup_check(Cluster(0), At(1, 12, 0), {})) << "no backups kept";
  auto c = Cluster(2);
  EXPECT_EQ(next_backup_check(c, At(1, 12, 0), {}), At(1, 23, 30));
  // Inside the window (its backup taken) or at its very opening: tomorrow's.
  EXPECT_EQ(next_backup_check(c, At(1, 23, 45), {}), At(2, 23, 30));
  EXPECT_EQ(next_backup_check(c, At(1, 23, 30), {}), At(2, 23, 30));
  // A backup expires before the next window opens: then.
  std::vector<SnapshotRecord> all = {Taken("a", At(1, 23, 40)), Taken("b", At(2, 23, 40))};
  EXPECT_EQ(next_backup_check(c, At(3, 23, 35), all), At(3, 23, 40) + seconds(1));
  EXPECT_TRUE(expired_backups(c, *next_backup_check(c, At(3, 23, 35), all), all).size() == 1);
  auto m = Cluster(2);
  m.engine = "memcached";
  EXPECT_FALSE(next_backup_check(m, At(1, 12, 0), {})) << "Memcached takes no backups";
}

}  // namespace
}  // namespace cachectl::core
