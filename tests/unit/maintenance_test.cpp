// core/maintenance.h: what the maintenance window applies, once per window.
#include "core/maintenance.h"

#include <gtest/gtest.h>

#include "core/clock.h"

namespace cachectl::core {
namespace {

using namespace std::chrono;

// 2026-12-01 is a Tuesday.
TimePoint At(int day, int hour, int minute) {
  return TimePoint(sys_days{2026y / December / day} + hours{hour} + minutes{minute});
}

CacheClusterRecord Cluster() {
  CacheClusterRecord c;
  c.id = "kept";
  c.engine = "redis";
  c.engine_version = "7.0.15";
  c.node_type = "cache.t3.micro";
  c.maintenance_window = "sat:23:30-sun:00:30";  // wraps past midnight
  c.auto_minor_version_upgrade = false;
  return c;
}

TEST(MaintenanceWindow, KnowsTheStartOfTheWindowItIsIn) {
  auto c = Cluster();
  EXPECT_FALSE(current_maintenance_window(c, At(5, 23, 29)));
  EXPECT_EQ(current_maintenance_window(c, At(5, 23, 30)), At(5, 23, 30));
  EXPECT_EQ(current_maintenance_window(c, At(6, 0, 29)), At(5, 23, 30));
  EXPECT_FALSE(current_maintenance_window(c, At(6, 0, 30)));
}

TEST(DueMaintenance, PendingChangesOnlyInsideTheWindowAndOncePerWindow) {
  auto c = Cluster();
  EXPECT_FALSE(due_maintenance(c, At(5, 23, 45), {})) << "nothing pending, nothing to do";
  c.pending.cache_node_type = "cache.m5.large";
  EXPECT_FALSE(due_maintenance(c, At(5, 12, 0), {})) << "outside the window";
  FakeClock clock(At(5, 23, 40));
  auto work = due_maintenance(c, clock.now(), {});
  ASSERT_TRUE(work);
  EXPECT_EQ(work->cache_node_type, "cache.m5.large");
  EXPECT_EQ(work->window_start, At(5, 23, 30));
  apply_maintenance(c, *work);
  EXPECT_EQ(c.node_type, "cache.m5.large");
  EXPECT_TRUE(c.pending.empty());
  // A change made later in the same window waits for the next one.
  c.pending.engine_version = "7.0.20";
  clock.advance(minutes(10));
  EXPECT_FALSE(due_maintenance(c, clock.now(), {}));
  clock.set(At(12, 23, 31));
  work = due_maintenance(c, clock.now(), {});
  ASSERT_TRUE(work);
  EXPECT_EQ(work->engine_version, "7.0.20");
  EXPECT_FALSE(work->auto_upgrade);
}

TEST(DueMaintenance, AutoMinorVersionUpgradeToTheNewestPatchOfTheSameMinor) {
  auto c = Cluster();
  std::vector<InstalledEngine> installed{{"redis", "7.0.15"},
                                         {"redis", "7.0.99"},
                                         {"redis", "7.0.20"},
                                         {"redis", "7.2.4"},
                                         {"memcached", "7.0.100"}};
  EXPECT_FALSE(due_maintenance(c, At(5, 23, 45), installed)) << "the cluster does not allow it";
  c.auto_minor_version_upgrade = true;
  EXPECT_EQ(minor_version_upgrade(c, installed), "7.0.99");
  auto work = due_maintenance(c, At(5, 23, 45), installed);
  ASSERT_TRUE(work);
  EXPECT_EQ(work->engine_version, "7.0.99");
  EXPECT_TRUE(work->auto_upgrade);
  apply_maintenance(c, *work);
  EXPECT_EQ(c.engine_version, "7.0.99");
  EXPECT_FALSE(minor_version_upgrade(c, installed)) << "nothing newer in 7.0";
  EXPECT_FALSE(due_maintenance(c, At(12, 23, 45), installed));
}

TEST(DueMaintenance, NothingForADeletingCluster) {
  auto c = Cluster();
  c.pending.cache_node_type = "cache.m5.large";
  c.lifecycle = Lifecycle::kDeleting;
  EXPECT_FALSE(due_maintenance(c, At(5, 23, 45), {}));
}

}  // namespace
}  // namespace cachectl::core

namespace cachectl::core {
namespace {

TEST(MaintenanceWork, APendingMemcachedNodeCountIsDueInTheWindowAndStaysPending) {
  CacheClusterRecord c;
  c.id = "mc";
  c.engine = "memcached";
  c.engine_version = "1.6.18";
  c.node_type = "cache.t3.micro";
  c.num_cache_nodes = 3;
  c.maintenance_window = "tue:10:00-tue:11:00";
  c.auto_minor_version_upgrade = false;
  c.pending.num_cache_nodes = 2;
  c.pending.cache_node_ids_to_remove = {"0002"};
  using namespace std::chrono;
  TimePoint before(sys_days{2026y / December / 1} + hours{9});
  TimePoint inside(sys_days{2026y / December / 1} + hours{10} + minutes{5});
  EXPECT_FALSE(due_maintenance(c, before, {}));
  auto w = due_maintenance(c, inside, {});
  ASSERT_TRUE(w);
  EXPECT_EQ(w->num_cache_nodes, 2);
  EXPECT_EQ(w->cache_node_ids_to_remove, std::vector<std::string>{"0002"});
  apply_maintenance(c, *w);
  // The modify that changes the node list clears it; the window is done.
  EXPECT_EQ(c.pending.num_cache_nodes, 2);
  EXPECT_FALSE(due_maintenance(c, inside + minutes{1}, {}));
}

// A daemon sleeps until the window opens.
TEST(NextMaintenanceCheck, TheWindowsNextOpening) {
  auto c = Cluster();
  EXPECT_EQ(next_maintenance_check(c, At(1, 12, 0)), At(5, 23, 30));
  EXPECT_EQ(next_maintenance_check(c, At(5, 23, 30)), At(12, 23, 30)) << "just looked at";
  EXPECT_EQ(next_maintenance_check(c, At(6, 0, 10)), At(12, 23, 30));
  c.maintenance_window = "not a window";
  EXPECT_FALSE(next_maintenance_check(c, At(1, 12, 0)));
}

}  // namespace
}  // namespace cachectl::core
