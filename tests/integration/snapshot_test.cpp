// Snapshots against real redis-server: manual snapshots, restore, seeding a
// cluster from an RDB file made by a plain redis-server, final snapshots, and
// the errors. (Automatic backups and http(s) downloads are not built yet.)
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/integration/harness.h"

namespace cachectl::testing {
namespace {

using nlohmann::json;

class Snapshots : public CachectlTest {
 protected:
  std::pair<std::string, int> endpoint(const std::string& id) {
    json d = ok("describe-cache-clusters", {"--cache-cluster-id", id, "--show-cache-node-info"});
    const json& ep = d["CacheClusters"][0]["CacheNodes"][0]["Endpoint"];
    return {ep["Address"], ep["Port"]};
  }
  void expect_error(std::vector<std::string> args, const std::string& code) {
    RunResult r = cachectl(args);
    EXPECT_EQ(r.exit_code, 254) << args[0];
    EXPECT_NE(r.err.find("(" + code + ")"), std::string::npos) << r.err;
  }
};

TEST_F(Snapshots, HundredThousandKeysSurviveSnapshotDeleteRestore) {
  auto [address, port] = create_redis("source");
  write_keys(address, port, 100000);
  json snap = ok("create-snapshot", {"--cache-cluster-id", "source", "--snapshot-name", "nightly"});
  EXPECT_EQ(snap["Snapshot"]["SnapshotStatus"], "available");
  EXPECT_EQ(snap["Snapshot"]["SnapshotSource"], "manual");
  EXPECT_EQ(snap["Snapshot"]["CacheClusterId"], "source");
  ok("delete-cache-cluster", {"--cache-cluster-id", "source"});
  // Snapshots outlive their cluster.
  json listed = ok("describe-snapshots", {"--cache-cluster-id", "source"});
  ASSERT_EQ(listed["Snapshots"].size(), 1u);
  EXPECT_EQ(listed["Snapshots"][0]["SnapshotName"], "nightly");

  auto [a2, p2] = create_redis("restored", {"--snapshot-name", "nightly"});
  EXPECT_EQ(redis_cli(a2, p2, {"dbsize"}).out, "100000\n");
  EXPECT_EQ(redis_cli(a2, p2, {"get", "key:99999"}).out, "value-99999\n");
  EXPECT_EQ(redis_cli(a2, p2, {"get", "key:0"}).out, "value-0\n");
}

TEST_F(Snapshots, AnRdbFromAPlainRedisServerSeedsANewCluster) {
  // A Redis started by hand, as a user migrating to ElastiCache has.
  std::string dir = home_ + "/plain";
  std::filesystem::create_directories(dir);
  RunResult started =
      run_program({"redis-server", "--port", "0", "--unixsocket", dir + "/r.sock", "--dir", dir,
                   "--daemonize", "yes", "--pidfile", dir + "/r.pid", "--save", ""});
  ASSERT_EQ(started.exit_code, 0) << started.err;
  auto cli = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"redis-cli", "-s", dir + "/r.sock"});
    return run_program(args).out;
  };
  // The socket file appears at bind(2), a moment before listen(2): wait for
  // an answer, not for the file.
  ASSERT_TRUE(wait_until([&] { return cli({"ping"}) == "PONG\n"; }, std::chrono::seconds(5)));
  EXPECT_EQ(cli({"set", "migrated", "yes"}), "OK\n");
  EXPECT_EQ(cli({"save"}), "OK\n");
  cli({"shutdown", "nosave"});
  ASSERT_TRUE(std::filesystem::exists(dir + "/dump.rdb"));

  auto [a, p] = create_redis("seeded", {"--snapshot-arns", dir + "/dump.rdb"});
  EXPECT_EQ(redis_cli(a, p, {"get", "migrated"}).out, "yes\n");
}

TEST_F(Snapshots, ACorruptRdbLeavesTheClusterRestoreFailedWithAnEvent) {
  std::string bad = home_ + "/bad.rdb";
  run_program({"sh", "-c", "echo 'this is not an RDB file' > " + bad});
  ok("create-cache-cluster",
     {"--cache-cluster-id", "bad", "--cache-node-type", "cache.t3.micro", "--snapshot-arns", bad});
  RunResult w = cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "bad"});
  EXPECT_EQ(w.exit_code, 255);
  EXPECT_NE(w.err.find("restore-failed"), std::string::npos) << w.err;
  json d = ok("describe-cache-clusters", {"--cache-cluster-id", "bad"});
  EXPECT_EQ(d["CacheClusters"][0]["CacheClusterStatus"], "restore-failed");
  json ev = ok("describe-events", {"--source-type", "cache-cluster", "--source-identifier", "bad"});
  std::string all;
  for (const auto& e : ev["Events"]) all += e["Message"].get<std::string>() + "\n";
  EXPECT_NE(all.find("Restore failed for cache node 0001"), std::string::npos) << all;
  // Nothing else is affected, and the failed cluster can be deleted.
  auto [a, p] = create_redis("fine");
  EXPECT_EQ(redis_cli(a, p, {"ping"}).out, "PONG\n");
  ok("delete-cache-cluster", {"--cache-cluster-id", "bad"});
}

TEST_F(Snapshots, FinalSnapshotCopyDeleteAndErrors) {
  auto [address, port] = create_redis("keep");
  ASSERT_EQ(redis_cli(address, port, {"set", "k", "v"}).out, "OK\n");
  expect_error({"create-snapshot", "--cache-cluster-id", "nope", "--snapshot-name", "s"},
               "CacheClusterNotFound");
  ok("create-snapshot", {"--cache-cluster-id", "keep", "--snapshot-name", "s1"});
  expect_error({"create-snapshot", "--cache-cluster-id", "keep", "--snapshot-name", "s1"},
               "SnapshotAlreadyExistsFault");
  ok("copy-snapshot", {"--source-snapshot-name", "s1", "--target-snapshot-name", "s1-copy"});
  expect_error({"copy-snapshot", "--source-snapshot-name", "zz", "--target-snapshot-name", "x"},
               "SnapshotNotFoundFault");
  ok("delete-cache-cluster", {"--cache-cluster-id", "keep", "--final-snapshot-identifier", "last"});
  json all = ok("describe-snapshots", {});
  std::vector<std::string> names;
  for (const auto& s : all["Snapshots"]) names.push_back(s["SnapshotName"]);
  EXPECT_EQ(names, (std::vector<std::string>{"last", "s1", "s1-copy"}));
  json deleted = ok("delete-snapshot", {"--snapshot-name", "s1"});
  EXPECT_EQ(deleted["Snapshot"]["SnapshotStatus"], "deleting");
  expect_error({"delete-snapshot", "--snapshot-name", "s1"}, "SnapshotNotFoundFault");
  expect_error({"create-cache-cluster", "--cache-cluster-id", "x", "--cache-node-type",
                "cache.t3.micro", "--snapshot-name", "s1"},
               "SnapshotNotFoundFault");
  auto [a2, p2] = create_redis("back", {"--snapshot-name", "last"});
  EXPECT_EQ(redis_cli(a2, p2, {"get", "k"}).out, "v\n");

  ok("create-cache-cluster",
     {"--cache-cluster-id", "micro", "--cache-node-type", "cache.t1.micro"});
  expect_error({"create-snapshot", "--cache-cluster-id", "micro", "--snapshot-name", "m"},
               "SnapshotFeatureNotSupportedFault");
  // No snapshot directory is left half-made by any of this.
  for (const auto& e : std::filesystem::directory_iterator(home_ + "/snapshots")) {
    EXPECT_NE(e.path().filename().string()[0], '.') << e.path();
  }
}

}  // namespace
}  // namespace cachectl::testing

namespace cachectl::testing {
namespace {

// Automatic backups run in the node daemon with no cachectl command: the
// test moves the daemon's clock (CACHECTL_FAKE_CLOCK) across windows.
class AutomaticBackups : public Snapshots {
 protected:
  void SetUp() override {
    Snapshots::SetUp();
    clock_file_ = home_ + "/clock";
    set_clock("2026-12-01T04:00:00Z");
    ::setenv("CACHECTL_FAKE_CLOCK", clock_file_.c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("CACHECTL_FAKE_CLOCK");
    Snapshots::TearDown();
  }
  void set_clock(const std::string& iso) {
    // Renamed into place: a daemon never reads a half-written clock.
    run_program({"sh", "-c",
                 "echo " + iso + " > " + clock_file_ + ".new && mv " + clock_file_ + ".new " +
                     clock_file_});
  }
  std::vector<std::string> system_snapshots() {
    json s = ok("describe-snapshots", {"--snapshot-source", "system"});
    std::vector<std::string> names;
    for (const auto& x : s["Snapshots"]) {
      EXPECT_EQ(x["SnapshotSource"], "automated") << x["SnapshotName"];
      names.push_back(x["SnapshotName"]);
    }
    return names;
  }
  bool eventually(const std::vector<std::string>& expected) {
    return wait_until([&] { return system_snapshots() == expected; }, std::chrono::seconds(10));
  }
  std::string clock_file_;
};

TEST_F(AutomaticBackups, OneADayInTheWindowAndTheExpiredOnesGo) {
  auto [address, port] =
      create_redis("daily", {"--snapshot-retention-limit", "3", "--snapshot-window", "05:00-06:00",
                             "--preferred-maintenance-window", "sun:10:00-sun:11:00"});
  ASSERT_EQ(redis_cli(address, port, {"set", "k", "v"}).out, "OK\n");
  ASSERT_TRUE(wait_for_schedule_check(address));
  EXPECT_TRUE(system_snapshots().empty()) << "nothing before the window";
  set_clock("2026-12-01T05:10:00Z");
  ASSERT_TRUE(eventually({"automatic.daily-2026-12-01-05-00"}))
      << ::testing::PrintToString(system_snapshots());
  ASSERT_TRUE(wait_for_schedule_check(address));
  EXPECT_EQ(system_snapshots().size(), 1u) << "one per window";
  set_clock("2026-12-02T05:30:00Z");
  ASSERT_TRUE(eventually({"automatic.daily-2026-12-01-05-00", "automatic.daily-2026-12-02-05-00"}));
  set_clock("2026-12-03T05:59:00Z");
  ASSERT_TRUE(eventually({"automatic.daily-2026-12-01-05-00", "automatic.daily-2026-12-02-05-00",
                          "automatic.daily-2026-12-03-05-00"}));
  // Three days later: the snapshots older than 3 days are deleted.
  set_clock("2026-12-06T05:20:00Z");
  EXPECT_TRUE(eventually({"automatic.daily-2026-12-03-05-00", "automatic.daily-2026-12-06-05-00"}))
      << ::testing::PrintToString(system_snapshots());
  // A system snapshot restores like any other.
  auto [a2, p2] =
      create_redis("from-backup", {"--snapshot-name", "automatic.daily-2026-12-06-05-00"});
  EXPECT_EQ(redis_cli(a2, p2, {"get", "k"}).out, "v\n");
  // --snapshot-source takes the API's two values: user for manual snapshots.
  ok("create-snapshot", {"--cache-cluster-id", "daily", "--snapshot-name", "mine"});
  json user = ok("describe-snapshots", {"--snapshot-source", "user"});
  ASSERT_EQ(user["Snapshots"].size(), 1u);
  EXPECT_EQ(user["Snapshots"][0]["SnapshotName"], "mine");
  EXPECT_EQ(user["Snapshots"][0]["SnapshotSource"], "manual");
  RunResult bad = cachectl({"describe-snapshots", "--snapshot-source", "manual"});
  EXPECT_EQ(bad.exit_code, 254);
  EXPECT_NE(bad.err.find("InvalidParameterValue"), std::string::npos) << bad.err;
}

TEST_F(AutomaticBackups, AnUnreadableSystemSnapshotIsNamedInAnEventNotSkippedSilently) {
  auto [address, port] =
      create_redis("daily", {"--snapshot-retention-limit", "1", "--snapshot-window", "05:00-06:00",
                             "--preferred-maintenance-window", "sun:10:00-sun:11:00"});
  set_clock("2026-12-01T05:10:00Z");
  ASSERT_TRUE(eventually({"automatic.daily-2026-12-01-05-00"}));
  // Out of the window, where no backup is due whatever the daemon can read.
  set_clock("2026-12-01T07:00:00Z");
  ASSERT_TRUE(wait_for_schedule_check(address));
  const std::string file = home_ + "/snapshots/automatic.daily-2026-12-01-05-00/snapshot.toml";
  std::string text;
  {
    std::ifstream in(file);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_FALSE(text.empty());
  std::ofstream(file, std::ios::trunc) << text.substr(0, text.size() / 2);
  auto naming = [&] {
    int n = 0;
    // The daemon dates its events by its fake clock, before the last hour.
    json events = ok("describe-events", {"--source-identifier", "daily", "--source-type",
                                         "cache-cluster", "--start-time", "2026-11-01T00:00:00Z"});
    for (const auto& e : events["Events"])
      if (e["Message"].get<std::string>().find(file) != std::string::npos) ++n;
    return n;
  };
  // The daemon cannot judge it against the retention limit, and says so.
  // (The clock stays in the past: describe-events shows nothing dated after
  // the real now.)
  EXPECT_TRUE(wait_until([&] { return naming() == 1; }, std::chrono::seconds(10)))
      << ok("describe-events", {"--start-time", "2026-11-01T00:00:00Z"}).dump(2);
  // Once, not at every look at the schedule.
  ASSERT_TRUE(wait_for_schedule_check(address));
  ASSERT_TRUE(wait_for_schedule_check(address));
  EXPECT_EQ(naming(), 1);
  // It was left alone.
  EXPECT_TRUE(std::filesystem::exists(file));
}

}  // namespace
}  // namespace cachectl::testing
