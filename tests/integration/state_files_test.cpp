// The state home's files against a second local user, hand edits, planted
// links and odd names: private modes, one normalisation of identifiers,
// exclusive temporaries, and every broken state file reported (exit 253)
// naming the file by every operation that reads it.
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>

#include "core/secret_hash.h"
#include "tests/integration/harness.h"

namespace cachectl::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

class StateFiles : public CachectlTest {
 protected:
  void expect_api_error(std::vector<std::string> args, const std::string& code) {
    RunResult r = cachectl(args);
    EXPECT_EQ(r.exit_code, 254) << args[0] << " " << r.err;
    EXPECT_NE(r.err.find("(" + code + ")"), std::string::npos) << args[0] << ": " << r.err;
  }
};

TEST_F(StateFiles, TheHomeIsPrivateAndASecondUserReadsNeitherTheTokenNorTheData) {
  // A home made by an older cachectl, or by hand, readable by everyone.
  ASSERT_EQ(::chmod(home_.c_str(), 0755), 0);
  create_redis("secret", {"--transit-encryption-enabled", "--auth-token", "abcdefghijklmnop0123"});
  ok("create-snapshot", {"--cache-cluster-id", "secret", "--snapshot-name", "nightly"});

  std::vector<std::string> open_to_others;
  struct stat st {};
  ASSERT_EQ(::lstat(home_.c_str(), &st), 0);
  if (st.st_mode & 077) open_to_others.push_back(home_);
  for (const auto& e : fs::recursive_directory_iterator(home_)) {
    ASSERT_EQ(::lstat(e.path().c_str(), &st), 0);
    if (st.st_mode & 077) open_to_others.push_back(e.path().string());
  }
  EXPECT_TRUE(open_to_others.empty()) << ::testing::PrintToString(open_to_others);

  fs::path conf = fs::path(home_) / "nodes/secret/0001/redis.conf";
  fs::path rdb = fs::path(home_) / "snapshots/nightly/0001.rdb";
  // The token itself is nowhere under the home: the engine has its digest.
  ASSERT_NE(read_text(conf).find("#" + core::sha256_hex("abcdefghijklmnop0123")),
            std::string::npos);
  for (const auto& e : fs::recursive_directory_iterator(home_)) {
    if (!e.is_regular_file()) continue;
    EXPECT_EQ(read_text(e.path()).find("abcdefghijklmnop0123"), std::string::npos) << e.path();
  }
  ASSERT_TRUE(fs::exists(rdb));
  for (const fs::path& file : {conf, rdb}) {
    RunResult r = run_program(
        {"setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "cat", file.string()});
    EXPECT_NE(r.exit_code, 0) << file << " was read by nobody";
    EXPECT_TRUE(r.out.empty()) << file;
  }
}

TEST_F(StateFiles, IdentifiersAreOneWhateverTheirCase) {
  create_redis("MyRedis");
  json d = ok("describe-cache-clusters", {"--cache-cluster-id", "MYREDIS"});
  EXPECT_EQ(d["CacheClusters"][0]["CacheClusterId"], "myredis");
  ok("create-snapshot", {"--cache-cluster-id", "MyRedis", "--snapshot-name", "Nightly"});
  json s = ok("describe-snapshots", {"--snapshot-name", "NIGHTLY"});
  EXPECT_EQ(s["Snapshots"][0]["SnapshotName"], "nightly");
  ok("create-cache-parameter-group",
     {"--cache-parameter-group-name", "MyGroup", "--cache-parameter-group-family", "redis7",
      "--description", "mixed case"});
  ok("describe-cache-parameters", {"--cache-parameter-group-name", "MYGROUP"});
  EXPECT_EQ(cachectl({"delete-cache-parameter-group", "--cache-parameter-group-name", "mygroup"})
                .exit_code,
            0);
  ok("delete-snapshot", {"--snapshot-name", "NiGhTlY"});
  RunResult reboot = cachectl({"reboot-cache-cluster", "--cache-cluster-id", "MyRedis",
                               "--cache-node-ids-to-reboot", "0001"});
  EXPECT_EQ(reboot.exit_code, 0) << reboot.err;
  ASSERT_EQ(
      cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "MyRedis"}).exit_code, 0);
  RunResult del = cachectl({"delete-cache-cluster", "--cache-cluster-id", "MyRedis"});
  EXPECT_EQ(del.exit_code, 0) << del.err;
}

TEST_F(StateFiles, NoNameEverBecomesAPathOutsideItsFolder) {
  ASSERT_EQ(cachectl({"describe-cache-clusters"}).exit_code, 0);  // prepares the home
  std::string long_id(5000, 'a');
  for (const std::string& id : {std::string("../home"), long_id, std::string("../clusters/x")}) {
    expect_api_error({"describe-cache-clusters", "--cache-cluster-id", id}, "CacheClusterNotFound");
    expect_api_error({"describe-snapshots", "--snapshot-name", id}, "SnapshotNotFoundFault");
    expect_api_error({"describe-cache-parameters", "--cache-parameter-group-name", id},
                     "CacheParameterGroupNotFound");
  }
}

TEST_F(StateFiles, ExportNeverWritesThroughALinkPlantedInTheBucket) {
  auto [address, port] = create_redis("source");
  write_keys(address, port, 10);
  ok("create-snapshot", {"--cache-cluster-id", "source", "--snapshot-name", "snap"});
  fs::path bucket = fs::path(home_) / "bucket";
  fs::create_directories(bucket);
  fs::path victim = fs::path(home_) / "victim";
  write_text(victim, "precious");
  // Links at every temporary name the export could use: the process ids
  // about to be handed out, in the old naming and in the current one.
  long last = std::stol(read_text("/proc/sys/kernel/ns_last_pid"));
  for (long pid = last + 1; pid < last + 3000; ++pid) {
    fs::create_symlink(victim, bucket / ("exp-0001.rdb.part." + std::to_string(pid)));
    fs::create_symlink(victim, bucket / (".exp-0001.rdb.tmp." + std::to_string(pid) + ".0"));
  }
  ok("copy-snapshot", {"--source-snapshot-name", "snap", "--target-snapshot-name", "exp",
                       "--target-bucket", bucket.string()});
  EXPECT_EQ(read_text(victim), "precious");
  fs::path exported = bucket / "exp-0001.rdb";
  EXPECT_FALSE(fs::is_symlink(exported));
  EXPECT_EQ(read_text(exported).substr(0, 5), "REDIS");
}

// One state file broken one way: what to do to it, and the operations that
// read it, each of which must exit 253 naming it.
struct Breakage {
  std::string name;
  std::function<std::string(const std::string&)> apply;
};

std::vector<Breakage> breakages(const std::string& key, const std::string& wrong_value) {
  return {
      {"truncated", [](const std::string& t) { return t.substr(0, t.size() / 2); }},
      {"garbage", [](const std::string&) { return std::string("\x01\xff[[[ not toml = \n"); }},
      {"wrong type of " + key,
       [=](const std::string& t) {
         return std::regex_replace(t, std::regex("(^|\n)" + key + " = [^\n]*"),
                                   "$1" + key + " = " + wrong_value);
       }},
      {"empty", [](const std::string&) { return std::string(); }},
  };
}

TEST_F(StateFiles, EveryBrokenStateFileIsReportedNamingItByEveryOperationThatReadsIt) {
  create_redis("alpha", {"--cache-parameter-group-name", "default.redis7"});
  ok("create-cache-parameter-group",
     {"--cache-parameter-group-name", "mine", "--cache-parameter-group-family", "redis7",
      "--description", "d"});
  ok("create-snapshot", {"--cache-cluster-id", "alpha", "--snapshot-name", "snap"});
  ok("describe-cache-engine-versions", {});  // writes engines.toml
  // Events written by the operations above.
  ASSERT_GE(ok("describe-events", {})["Events"].size(), 1u);

  struct Case {
    std::string file;
    std::vector<Breakage> how;
    std::vector<std::vector<std::string>> operations;
  };
  std::string claim;
  for (const auto& e : fs::directory_iterator(fs::path(home_) / "addresses")) claim = e.path();
  std::vector<Case> cases = {
      {"clusters/alpha.toml",
       breakages("port", "\"6379\""),
       {{"describe-cache-clusters"},
        {"describe-cache-clusters", "--cache-cluster-id", "alpha"},
        {"reboot-cache-cluster", "--cache-cluster-id", "alpha", "--cache-node-ids-to-reboot",
         "0001"},
        {"create-snapshot", "--cache-cluster-id", "alpha", "--snapshot-name", "other"},
        {"delete-cache-cluster", "--cache-cluster-id", "alpha"}}},
      {"parameter-groups/mine.toml",
       breakages("cache_parameter_group_family", "7"),
       {{"describe-cache-parameter-groups"},
        {"describe-cache-parameter-groups", "--cache-parameter-group-name", "mine"},
        {"describe-cache-parameters", "--cache-parameter-group-name", "mine"},
        {"modify-cache-parameter-group", "--cache-parameter-group-name", "mine",
         "--parameter-name-values", "ParameterName=maxmemory-policy,ParameterValue=allkeys-lru"}}},
      {"snapshots/snap/snapshot.toml",
       breakages("size_bytes", "\"big\""),
       {{"describe-snapshots"},
        {"describe-snapshots", "--snapshot-name", "snap"},
        {"create-snapshot", "--cache-cluster-id", "alpha", "--snapshot-name", "snap"},
        {"copy-snapshot", "--source-snapshot-name", "snap", "--target-snapshot-name", "copy"},
        {"create-cache-cluster", "--cache-cluster-id", "restored", "--engine", "redis",
         "--cache-node-type", "cache.t3.micro", "--num-cache-nodes", "1", "--snapshot-name",
         "snap"}}},
      {"engines.toml",
       breakages("key", "3"),
       {{"describe-cache-engine-versions"},
        {"create-cache-cluster", "--cache-cluster-id", "bravo", "--engine", "redis",
         "--cache-node-type", "cache.t3.micro", "--num-cache-nodes", "1"}}},
      {"home.toml",
       breakages("address_prefix", "5"),
       {{"create-cache-cluster", "--cache-cluster-id", "bravo", "--engine", "redis",
         "--cache-node-type", "cache.t3.micro", "--num-cache-nodes", "1"}}},
  };
  for (const auto& c : cases) {
    fs::path file = fs::path(home_) / c.file;
    std::string good = read_text(file);
    ASSERT_FALSE(good.empty()) << file;
    for (const auto& b : c.how) {
      std::string broken = b.apply(good);
      ASSERT_NE(broken, good) << c.file << " " << b.name;
      write_text(file, broken);
      for (const auto& op : c.operations) {
        RunResult r = cachectl(op);
        EXPECT_EQ(r.exit_code, 253) << c.file << " " << b.name << ": " << op[0] << "\n"
                                    << r.out << r.err;
        EXPECT_NE(r.err.find(file.string()), std::string::npos)
            << c.file << " " << b.name << ": " << op[0] << ": " << r.err;
      }
    }
    write_text(file, good);
  }
  // Nothing was changed meanwhile: everything reads again.
  ok("describe-cache-clusters", {"--cache-cluster-id", "alpha"});
  ok("describe-snapshots", {"--snapshot-name", "snap"});
  ok("describe-events", {});
}

// The node daemon's pid file, broken the same ways. Only a daemon that does
// not answer its socket needs it (to be stopped by a signal), so the socket
// is moved away first. Every operation that then reads it (a delete, and
// whatever settles that delete) exits 253 naming it, signals nobody, and
// says what to do; done, the cluster goes with one command.
TEST_F(StateFiles, ABrokenDaemonPidFileIsReportedAndTheClusterCanStillBeDeleted) {
  auto [address, port] = create_redis("alpha");
  fs::path pid_file = fs::path(home_) / "nodes/alpha/0001/daemon.pid";
  const std::string good = read_text(pid_file);
  const int daemon = std::stoi(good);
  ASSERT_GT(daemon, 1);
  fs::path socket = fs::path(home_) / "run" / (address + ".sock");
  // Still reachable by the test under another name.
  fs::rename(socket, fs::path(home_) / "run" / (address + ".away.sock"));
  std::vector<Breakage> how = {
      // Half of the digits: another process's id, or nobody's.
      {"truncated", [](const std::string& t) { return t.substr(0, t.size() / 2); }},
      {"garbage", [](const std::string&) { return std::string("\x01\xff[[[ not a pid\n"); }},
      {"not only a number", [](const std::string& t) { return "pid = " + t; }},
      {"empty", [](const std::string&) { return std::string(); }},
  };
  const std::vector<std::vector<std::string>> operations = {
      {"delete-cache-cluster", "--cache-cluster-id", "alpha"},
      // The cluster is now being deleted: describing it finishes that.
      {"describe-cache-clusters", "--cache-cluster-id", "alpha"},
      {"describe-cache-clusters"},
  };
  for (const auto& b : how) {
    write_text(pid_file, b.apply(good));
    for (const auto& op : operations) {
      RunResult r = cachectl(op);
      EXPECT_EQ(r.exit_code, 253) << b.name << ": " << op[0] << "\n" << r.out << r.err;
      EXPECT_NE(r.err.find(pid_file.string()), std::string::npos)
          << b.name << ": " << op[0] << ": " << r.err;
      EXPECT_NE(r.err.find("kill " + std::to_string(daemon)), std::string::npos)
          << b.name << ": " << op[0] << ": " << r.err;
    }
    RunResult resume = cachectl({"resume"});
    EXPECT_NE(resume.exit_code, 0) << b.name << ": " << resume.out;
    EXPECT_NE(resume.out.find(pid_file.string()), std::string::npos)
        << b.name << ": " << resume.out;
    // Nobody was signalled: the daemon and its engine live on.
    EXPECT_EQ(node_status(address + ".away")["daemon"]["pid"], daemon) << b.name;
    EXPECT_EQ(redis_cli(address, port, {"ping"}).out, "PONG\n") << b.name;
  }
  // As the message says: stop the daemon; `cachectl resume` then finishes
  // the deletion.
  ASSERT_EQ(::kill(daemon, SIGTERM), 0);
  // Gone once its lock is free (the kernel drops an flock as its holder
  // exits; a zombie would still answer kill(pid, 0)).
  fs::path lock = fs::path(home_) / "nodes/alpha/0001/daemon.lock";
  auto held = [&] {
    int fd = ::open(lock.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    bool busy = ::flock(fd, LOCK_EX | LOCK_NB) != 0;
    ::close(fd);
    return busy;
  };
  ASSERT_TRUE(wait_until([&] { return !held() && processes_mentioning(address + ":").empty(); },
                         std::chrono::seconds(10)));
  RunResult resumed = cachectl({"resume"});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.out << resumed.err;
  EXPECT_NE(resumed.out.find("finished deleting cache cluster alpha"), std::string::npos)
      << resumed.out;
  expect_api_error({"describe-cache-clusters", "--cache-cluster-id", "alpha"},
                   "CacheClusterNotFound");
  EXPECT_FALSE(fs::exists(fs::path(home_) / "nodes/alpha"));
  EXPECT_TRUE(running_pids().empty());
}

TEST_F(StateFiles, AGarbledAddressClaimNeverHandsOutALiveNodesAddress) {
  auto [address, port] = create_redis("alpha");
  fs::path claim = fs::path(home_) / "addresses" / address;
  // Rewritten to name nobody, and backdated past any grace period.
  write_text(claim, "nobody/0001");
  RunResult touch = run_program({"touch", "-d", "2 hours ago", claim.string()});
  ASSERT_EQ(touch.exit_code, 0);
  auto [other, other_port] = create_redis("bravo");
  EXPECT_NE(other, address);
  // Garbage in the claim: the file is named, nothing is created.
  write_text(claim, "\x01garbage");
  ASSERT_EQ(run_program({"touch", "-d", "2 hours ago", claim.string()}).exit_code, 0);
  RunResult r =
      cachectl({"create-cache-cluster", "--cache-cluster-id", "charlie", "--engine", "redis",
                "--cache-node-type", "cache.t3.micro", "--num-cache-nodes", "1"});
  EXPECT_EQ(r.exit_code, 253) << r.err;
  EXPECT_NE(r.err.find(claim.string()), std::string::npos) << r.err;
  expect_api_error({"describe-cache-clusters", "--cache-cluster-id", "charlie"},
                   "CacheClusterNotFound");
  // The live node was never disturbed.
  EXPECT_EQ(redis_cli(address, port, {"ping"}).out, "PONG\n");
}

TEST_F(StateFiles, ABrokenSnapshotIsDeletedWithOneCommandEvenWithoutItsRecord) {
  create_redis("alpha");
  ok("create-snapshot", {"--cache-cluster-id", "alpha", "--snapshot-name", "torn"});
  ok("create-snapshot", {"--cache-cluster-id", "alpha", "--snapshot-name", "gone"});
  fs::path torn = fs::path(home_) / "snapshots/torn/snapshot.toml";
  write_text(torn, read_text(torn).substr(0, 40));
  fs::remove(fs::path(home_) / "snapshots/gone/snapshot.toml");
  RunResult listed = cachectl({"describe-snapshots"});
  EXPECT_EQ(listed.exit_code, 253);
  ok("delete-snapshot", {"--snapshot-name", "torn"});
  ok("delete-snapshot", {"--snapshot-name", "gone"});
  EXPECT_TRUE(ok("describe-snapshots", {})["Snapshots"].empty());
  EXPECT_FALSE(fs::exists(fs::path(home_) / "snapshots/gone"));
}

TEST_F(StateFiles, ABrokenParameterGroupNeverRestartsTheEngineOnDefaults) {
  ok("create-cache-parameter-group",
     {"--cache-parameter-group-name", "mine", "--cache-parameter-group-family", "redis7",
      "--description", "d"});
  ok("modify-cache-parameter-group",
     {"--cache-parameter-group-name", "mine", "--parameter-name-values",
      "ParameterName=maxmemory-policy,ParameterValue=allkeys-lru"});
  auto [address, port] = create_redis("alpha", {"--cache-parameter-group-name", "mine"});
  fs::path file = fs::path(home_) / "parameter-groups/mine.toml";
  write_text(file, read_text(file).substr(0, 30));
  RunResult r = cachectl({"reboot-cache-cluster", "--cache-cluster-id", "alpha",
                          "--cache-node-ids-to-reboot", "0001"});
  EXPECT_EQ(r.exit_code, 253) << r.err;
  EXPECT_NE(r.err.find(file.string()), std::string::npos) << r.err;
  EXPECT_EQ(redis_admin_cli(address, port, {"config", "get", "maxmemory-policy"}).out,
            "maxmemory-policy\nallkeys-lru\n");
  // The engine dies by itself: its daemon does not bring it back on defaults,
  // and says why in an event naming the file.
  // redis-server titles itself "redis-server ADDRESS:PORT".
  std::vector<int> engines = processes_mentioning(address + ":" + std::to_string(port));
  ASSERT_EQ(engines.size(), 1u);
  ::kill(engines[0], SIGKILL);
  bool named = wait_until(
      [&] {
        RunResult ev = cachectl({"describe-events"});
        return ev.out.find(file.string()) != std::string::npos;
      },
      std::chrono::seconds(10));
  EXPECT_TRUE(named) << cachectl({"describe-events"}).out;
  EXPECT_NE(redis_cli(address, port, {"ping"}).out, "PONG\n");
}

// The state home on a small tmpfs of its own, filled to the last byte.
class FullDisk : public StateFiles {
 protected:
  void SetUp() override {
    CachectlTest::SetUp();
    RunResult m = run_program({"mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", home_});
    ASSERT_EQ(m.exit_code, 0) << m.err;
    mounted_ = true;
  }
  void TearDown() override {
    CachectlTest::TearDown();  // stops every process first, whatever happened
    if (mounted_) {
      ::umount2(home_.c_str(), MNT_DETACH);
      ::rmdir(home_.c_str());
    }
  }
  void fill() {
    int fd = ::open((home_ + "/filler").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ASSERT_GE(fd, 0);
    std::string block(1 << 16, 'x');
    while (::write(fd, block.data(), block.size()) > 0) {
    }
    ASSERT_EQ(errno, ENOSPC);
    ::close(fd);
  }
  bool mounted_ = false;
};

TEST_F(FullDisk, DeleteCacheClusterWorksWhenTheDiskIsFull) {
  create_redis("alpha");
  fill();
  RunResult r = cachectl({"delete-cache-cluster", "--cache-cluster-id", "alpha"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  expect_api_error({"describe-cache-clusters", "--cache-cluster-id", "alpha"},
                   "CacheClusterNotFound");
  EXPECT_TRUE(running_pids().empty());
}

}  // namespace
}  // namespace cachectl::testing
