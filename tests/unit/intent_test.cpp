// core/intent.h and the intent in a cluster record (cluster.h), and the node
// list plan (node_count_plan.h) that modify-cache-cluster applies inside one
// locked update.
#include "core/intent.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "core/cluster.h"
#include "core/create_cluster.h"
#include "core/node_count_plan.h"
#include "tests/unit/temp_dir.h"

namespace cachectl::core {
namespace {

namespace fs = std::filesystem;

CacheClusterRecord Memcached(int nodes) {
  CacheClusterRecord r;
  r.id = "m";
  r.engine = "memcached";
  r.engine_version = "1.6.18";
  r.node_type = "cache.t3.micro";
  r.parameter_group = "default.memcached1.6";
  r.maintenance_window = "sun:05:00-sun:06:00";
  r.port = 11211;
  r.config_address = "127.9.0.1";
  r.config_port = 11211;
  r.num_cache_nodes = nodes;
  for (int i = 1; i <= nodes; ++i)
    r.nodes.push_back({node_id(i), "127.9.0." + std::to_string(i + 1), 11211, "us-east-1a", {}});
  return r;
}

TEST(IntentToml, AnIntentRoundTripsAndNoIntentWritesNoTable) {
  CacheClusterRecord r = Memcached(2);
  EXPECT_EQ(to_toml(r).find("[intent]"), std::string::npos);
  r.intent = new_intent("modify", std::chrono::system_clock::time_point(std::chrono::seconds(1)));
  r.intent.added = {"0002"};
  r.intent.restart = true;
  r.intent.step = "x";
  r.intent.snapshot = "s";
  auto back = cluster_from_toml(to_toml(r), "m.toml");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->intent.operation, "modify");
  EXPECT_EQ(back->intent.pid, static_cast<int>(::getpid()));
  EXPECT_EQ(back->intent.started, r.intent.started);
  EXPECT_EQ(back->intent.added, std::vector<std::string>{"0002"});
  EXPECT_TRUE(back->intent.restart);
  EXPECT_EQ(back->intent.step, "x");
  EXPECT_EQ(back->intent.snapshot, "s");
}

TEST(IntentToml, AnUnknownOperationIsABrokenFileNamingIt) {
  CacheClusterRecord r = Memcached(1);
  r.intent = new_intent("explode", {});
  auto back = cluster_from_toml(to_toml(r), "/s/clusters/m.toml");
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.error().code, kRegistryFileInvalid);
  EXPECT_NE(back.error().message.find("/s/clusters/m.toml [intent]"), std::string::npos)
      << back.error().message;
}

TEST(Intent, UnfinishedWorkIsAnIntentNodesBeingRemovedOrADelete) {
  CacheClusterRecord r = Memcached(2);
  EXPECT_FALSE(has_unfinished_work(r));
  r.intent.operation = "snapshot";
  EXPECT_TRUE(has_unfinished_work(r));
  r.intent = {};
  r.removing.push_back(r.nodes.back());
  EXPECT_TRUE(has_unfinished_work(r));
  r.removing.clear();
  r.lifecycle = Lifecycle::kDeleting;
  EXPECT_TRUE(has_unfinished_work(r));
}

class OperationLockTest : public ::testing::Test {
 protected:
  test_support::TempDir tmp_{"cct-lock"};
  void SetUp() override {
    root_ = tmp_.path();
    fs::create_directories(root_ / "locks");
  }
  fs::path root_;
};

TEST_F(OperationLockTest, OneHolderAtATimeAndTheOtherIsToldTheClusterIsBusy) {
  StateHome home(root_);
  auto first = OperationLock::try_take(home, "m");
  ASSERT_TRUE(first.ok());
  auto second = OperationLock::try_take(home, "m");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, "InvalidCacheClusterState");
  EXPECT_TRUE(OperationLock::try_take(home, "other").ok()) << "locks are per cluster";
  first = ApiError{"", ""};  // released
  EXPECT_TRUE(OperationLock::try_take(home, "m").ok());
}

TEST_F(OperationLockTest, AKilledHolderReleasesIt) {
  StateHome home(root_);
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t child = ::fork();
  if (child == 0) {
    auto lock = OperationLock::try_take(home, "m");
    (void)!::write(ready[1], lock.ok() ? "1" : "0", 1);
    ::pause();
    ::_exit(0);
  }
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  ASSERT_EQ(c, '1');
  EXPECT_FALSE(OperationLock::try_take(home, "m").ok());
  ::kill(child, SIGKILL);
  int ws = 0;
  ::waitpid(child, &ws, 0);
  EXPECT_TRUE(OperationLock::try_take(home, "m").ok());
  ::close(ready[0]);
  ::close(ready[1]);
}

// A command killed right after it forked (a node daemon on its way to exec)
// must not leave its lock held by the child.
TEST_F(OperationLockTest, AChildForkedByTheHolderDoesNotKeepItAfterTheHolderDies) {
  StateHome home(root_);
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t holder = ::fork();
  if (holder == 0) {
    auto lock = OperationLock::try_take(home, "m");
    pid_t child = ::fork();
    if (child == 0) {
      ::pause();  // the forked child lives on, until the test ends it
      ::_exit(0);
    }
    int report[2] = {lock.ok() ? 1 : 0, static_cast<int>(child)};
    (void)!::write(ready[1], report, sizeof report);
    ::pause();
    ::_exit(0);
  }
  int report[2] = {0, 0};
  ASSERT_EQ(::read(ready[0], report, sizeof report), static_cast<ssize_t>(sizeof report));
  ::close(ready[0]);
  ::close(ready[1]);
  ASSERT_EQ(report[0], 1);
  EXPECT_FALSE(OperationLock::try_take(home, "m").ok());
  ::kill(holder, SIGKILL);
  int ws = 0;
  ::waitpid(holder, &ws, 0);
  EXPECT_EQ(::kill(report[1], 0), 0) << "the forked child is still alive";
  EXPECT_TRUE(OperationLock::try_take(home, "m").ok());
  ::kill(report[1], SIGKILL);
}

TEST_F(OperationLockTest, AnUnopenableLockFileIsABrokenConfiguration) {
  fs::remove_all(root_ / "locks");
  std::ofstream(root_ / "locks") << "not a directory";
  auto lock = OperationLock::try_take(StateHome(root_), "m");
  ASSERT_FALSE(lock.ok());
  EXPECT_EQ(lock.error().code, kInvalidConfiguration);
}

// --- the node list plan -------------------------------------------------

nlohmann::json Request(int count, std::vector<std::string> remove = {}) {
  nlohmann::json r{{"CacheClusterId", "m"}, {"NumCacheNodes", count}};
  if (!remove.empty()) r["CacheNodeIdsToRemove"] = remove;
  return r;
}

TEST(NodeCountPlan, AGrowClaimsAnAddressPerNewNodeAndChangesTheRecordOnce) {
  CacheClusterRecord r = Memcached(2);
  auto plan = plan_node_count(r, Request(4), "us-east-1");
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  int claimed = 0;
  auto change = apply_node_count(
      r, *plan, true, {}, "us-east-1",
      [&](const CacheNodeRecord&) -> Result<std::string> {
        return "127.9.1." + std::to_string(++claimed);
      },
      [](const std::string&) {});
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(change->added.size(), 2u);
  EXPECT_EQ(r.num_cache_nodes, 4);
  ASSERT_EQ(r.nodes.size(), 4u);
  EXPECT_EQ(r.nodes[2].id, "0003");
  EXPECT_EQ(r.nodes[3].address, "127.9.1.2");
  EXPECT_EQ(r.config_version, 2);
  // The same request planned on the record as it is now changes nothing.
  auto again = plan_node_count(r, Request(4), "us-east-1");
  ASSERT_TRUE(again.ok());
  auto none = apply_node_count(
      r, *again, true, {}, "us-east-1",
      [](const CacheNodeRecord&) -> Result<std::string> {
        return ApiError{"X", "no claim"};
      },
      [](const std::string&) {});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->added.empty());
  EXPECT_EQ(r.nodes.size(), 4u);
}

TEST(NodeCountPlan, AFailedClaimGivesBackTheAddressesAlreadyClaimed) {
  CacheClusterRecord r = Memcached(2);
  auto plan = plan_node_count(r, Request(5), "us-east-1");
  ASSERT_TRUE(plan.ok());
  int calls = 0;
  std::vector<std::string> released;
  auto change = apply_node_count(
      r, *plan, true, {}, "us-east-1",
      [&](const CacheNodeRecord&) -> Result<std::string> {
        if (++calls == 3) return ApiError{"InsufficientCacheClusterCapacity", "full"};
        return "127.9.1." + std::to_string(calls);
      },
      [&](const std::string& a) { released.push_back(a); });
  ASSERT_FALSE(change.ok());
  EXPECT_EQ(change.error().code, "InsufficientCacheClusterCapacity");
  EXPECT_EQ(released, (std::vector<std::string>{"127.9.1.1", "127.9.1.2"}));
}

TEST(NodeCountPlan, AShrinkMovesTheNamedNodesToRemoving) {
  CacheClusterRecord r = Memcached(3);
  auto plan = plan_node_count(r, Request(1, {"0001", "0003"}), "us-east-1");
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  auto change = apply_node_count(
      r, *plan, true, {}, "us-east-1",
      [](const CacheNodeRecord&) -> Result<std::string> { return std::string("x"); },
      [](const std::string&) {});
  ASSERT_TRUE(change.ok());
  ASSERT_EQ(r.nodes.size(), 1u);
  EXPECT_EQ(r.nodes[0].id, "0002");
  ASSERT_EQ(r.removing.size(), 2u);
  EXPECT_EQ(r.num_cache_nodes, 1);
  // Planned again on the changed record, the request no longer fits.
  EXPECT_FALSE(plan_node_count(r, Request(1, {"0001", "0003"}), "us-east-1").ok());
}

TEST(NodeCountPlan, WithoutApplyImmediatelyTheCountWaitsInPending) {
  CacheClusterRecord r = Memcached(3);
  auto plan = plan_node_count(r, Request(2, {"0002"}), "us-east-1");
  ASSERT_TRUE(plan.ok());
  auto change = apply_node_count(
      r, *plan, false, {}, "us-east-1",
      [](const CacheNodeRecord&) -> Result<std::string> { return std::string("x"); },
      [](const std::string&) {});
  ASSERT_TRUE(change.ok());
  EXPECT_EQ(r.nodes.size(), 3u);
  EXPECT_EQ(r.pending.num_cache_nodes, 2);
  EXPECT_EQ(r.pending.cache_node_ids_to_remove, std::vector<std::string>{"0002"});
}

// As the API documents: a NumCacheNodes equal to the current count cancels
// the pending adds or removes; a request without it leaves them.
TEST(NodeCountPlan, TheCurrentCountCancelsWhatIsPending) {
  CacheClusterRecord r = Memcached(3);
  auto no_op = [](const CacheNodeRecord&) -> Result<std::string> { return std::string("x"); };
  auto no_release = [](const std::string&) {};
  auto pending = plan_node_count(r, Request(2, {"0002"}), "us-east-1");
  ASSERT_TRUE(pending.ok());
  ASSERT_TRUE(apply_node_count(r, *pending, false, {}, "us-east-1", no_op, no_release).ok());
  ASSERT_EQ(r.pending.num_cache_nodes, 2);
  auto other = plan_node_count(r, {{"CacheClusterId", "m"}}, "us-east-1");
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(apply_node_count(r, *other, false, {}, "us-east-1", no_op, no_release).ok());
  EXPECT_EQ(r.pending.num_cache_nodes, 2) << "a request without NumCacheNodes keeps it";
  auto same = plan_node_count(r, Request(3), "us-east-1");
  ASSERT_TRUE(same.ok());
  auto change = apply_node_count(r, *same, false, {}, "us-east-1", no_op, no_release);
  ASSERT_TRUE(change.ok());
  EXPECT_TRUE(change->added.empty() && change->removed.empty());
  EXPECT_EQ(r.pending.num_cache_nodes, 0);
  EXPECT_TRUE(r.pending.cache_node_ids_to_remove.empty());
  EXPECT_TRUE(r.pending.empty());
  EXPECT_EQ(r.nodes.size(), 3u);
}

TEST(NodeCountPlan, BadRequestsAreRefused) {
  CacheClusterRecord r = Memcached(3);
  EXPECT_EQ(plan_node_count(r, Request(0), "us-east-1").error().code, "InvalidParameterValue");
  EXPECT_EQ(plan_node_count(r, Request(2), "us-east-1").error().code, "InvalidParameterValue");
  EXPECT_EQ(plan_node_count(r, Request(2, {"0009"}), "us-east-1").error().code,
            "InvalidParameterValue");
  EXPECT_EQ(plan_node_count(r, Request(4, {"0001"}), "us-east-1").error().code,
            "InvalidParameterCombination");
  EXPECT_EQ(plan_node_count(r, Request(41), "us-east-1").error().code,
            "NodeQuotaForClusterExceeded");
}

}  // namespace
}  // namespace cachectl::core
