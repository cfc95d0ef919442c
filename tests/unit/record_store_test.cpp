// core/record_store.h and the three stores on it (clusters, parameter
// groups, snapshots): names normalised in one place and never a path outside
// their folder, locks checked, broken records reported naming their file and
// still removable, files created exclusively and privately.
#include "core/record_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>

#include "core/parameter_groups.h"
#include "core/registry.h"
#include "core/snapshots.h"
#include "tests/unit/temp_dir.h"

namespace cachectl::core {
namespace {

using namespace std::chrono;

bool AlwaysUsable(const std::string&, int) { return true; }

CacheClusterRecord MakeRecord(const std::string& id) {
  CacheClusterRecord r;
  r.id = id;
  r.engine = "redis";
  r.engine_version = "7.0.15";
  r.node_type = "cache.t3.micro";
  r.parameter_group = "default.redis7";
  r.maintenance_window = "mon:00:00-mon:01:00";
  r.port = 6379;
  r.create_time = TimePoint(sys_days{2026y / November / 25} + hours{6});
  CacheNodeRecord n;
  n.id = "0001";
  n.port = 6379;
  n.create_time = r.create_time;
  r.nodes.push_back(n);
  return r;
}

void WriteText(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::string ReadText(const fs::path& path) { return read_file(path).value_or("<unreadable>"); }

void Backdate(const fs::path& path) {
  struct timeval old[2] = {};
  old[0].tv_sec = old[1].tv_sec = ::time(nullptr) - 3600;
  ASSERT_EQ(::lutimes(path.c_str(), old), 0);
}

class RecordStoreTest : public ::testing::Test {
 protected:
  test_support::TempDir tmp_{"ccstore"};
  void SetUp() override {
    root_ = tmp_.path();
    home_ = StateHome(root_ / "home");
    ASSERT_FALSE(home_.prepare().has_value());
    registry_ = std::make_unique<Registry>(home_);
  }

  void Create(CacheClusterRecord r) {
    Status s = registry_->create(r, AlwaysUsable);
    ASSERT_FALSE(s.has_value()) << s->code << ": " << s->message;
  }

  // A published snapshot of cluster "alpha" named `name`.
  void Snapshot(const std::string& name) {
    SnapshotStore store(home_);
    auto work = store.begin(name);
    ASSERT_TRUE(work.ok()) << work.error().message;
    WriteText(*work / "0001.rdb", "REDIS0011");
    SnapshotRecord s;
    s.name = name;
    s.cluster = MakeRecord("alpha");
    s.nodes.push_back({"0001", 9, s.cluster.create_time, s.cluster.create_time});
    Status published = store.publish(*work, s);
    ASSERT_FALSE(published.has_value()) << published->message;
  }

  fs::path root_;
  StateHome home_{fs::path()};
  std::unique_ptr<Registry> registry_;
};

TEST_F(RecordStoreTest, KeysAreLowerCasedAndNeverPaths) {
  RecordKind k;
  k.dir = root_;
  k.max_length = 50;
  RecordFolder folder(k);
  EXPECT_EQ(folder.key("MyRedis"), "myredis");
  EXPECT_EQ(folder.key("../home"), std::nullopt);
  EXPECT_EQ(folder.key("a/b"), std::nullopt);
  EXPECT_EQ(folder.key(".hidden"), std::nullopt);
  EXPECT_EQ(folder.key(""), std::nullopt);
  EXPECT_EQ(folder.key(std::string(51, 'a')), std::nullopt);
  EXPECT_EQ(folder.key(std::string("a\0b", 3)), std::nullopt);
  EXPECT_EQ(folder.key("automatic.x"), std::nullopt) << "no dots unless the kind allows them";
  k.extra_chars = ".";
  EXPECT_EQ(RecordFolder(k).key("Automatic.X-1"), "automatic.x-1");
  EXPECT_EQ(RecordFolder(k).key(".."), std::nullopt);
}

TEST_F(RecordStoreTest, AClusterIsFoundWhateverTheCaseOfItsId) {
  Create(MakeRecord("myredis"));
  for (std::string id : {"MyRedis", "MYREDIS", "myredis"}) {
    auto r = registry_->get(id);
    ASSERT_TRUE(r.ok()) << id << ": " << r.error().message;
    EXPECT_EQ(r->id, "myredis");
  }
  EXPECT_FALSE(registry_->update("MyRedis", [](CacheClusterRecord& r) -> Status {
    r.port = 7000;
    return std::nullopt;
  }));
  EXPECT_EQ(registry_->get("myredis")->port, 7000);
  EXPECT_FALSE(registry_->remove("MyRedis").has_value());
  EXPECT_EQ(registry_->get("myredis").error().code, "CacheClusterNotFound");
}

TEST_F(RecordStoreTest, IdsThatCannotBeStoredAreNotFoundNotPaths) {
  Create(MakeRecord("alpha"));
  for (std::string id : {std::string("../home"), std::string("../clusters/alpha"),
                         std::string(5000, 'a'), std::string("/etc/passwd"), std::string("")}) {
    auto r = registry_->get(id);
    ASSERT_FALSE(r.ok()) << id;
    EXPECT_EQ(r.error().code, "CacheClusterNotFound") << id << ": " << r.error().message;
    Status s = registry_->remove(id);
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->code, "CacheClusterNotFound");
  }
  EXPECT_EQ(ParameterGroupStore(home_).get("../home").error().code, "CacheParameterGroupNotFound");
  EXPECT_EQ(SnapshotStore(home_).get("../home").error().code, "SnapshotNotFoundFault");
  EXPECT_EQ(SnapshotStore(home_).get(std::string(5000, 'a')).error().code, "SnapshotNotFoundFault");
}

TEST_F(RecordStoreTest, AnUnopenableLockIsAnErrorNamingItAndNothingIsWritten) {
  Create(MakeRecord("alpha"));
  std::string before = ReadText(home_.cluster_file("alpha"));
  fs::path lock = home_.root() / "locks" / "alpha.lock";
  fs::create_directories(lock);  // a directory cannot be opened for writing
  bool changed = false;
  Status s = registry_->update("alpha", [&](CacheClusterRecord& r) -> Status {
    changed = true;
    r.port = 7000;
    return std::nullopt;
  });
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->code, kInvalidConfiguration);
  EXPECT_NE(s->message.find(lock.string()), std::string::npos) << s->message;
  EXPECT_FALSE(changed);
  EXPECT_EQ(ReadText(home_.cluster_file("alpha")), before);
  Status removed = registry_->remove("alpha");
  ASSERT_TRUE(removed.has_value());
  EXPECT_NE(removed->message.find(lock.string()), std::string::npos);

  ParameterGroupStore groups(home_);
  ASSERT_FALSE(groups.create({"mine", "redis7", "d", {}, {}, false}).has_value());
  fs::create_directories(home_.root() / "locks" / "pg.mine.lock");
  Status g = groups.update("mine", [](ParameterGroupRecord&) -> Status { return std::nullopt; });
  ASSERT_TRUE(g.has_value());
  EXPECT_NE(g->message.find("pg.mine.lock"), std::string::npos) << g->message;
}

TEST_F(RecordStoreTest, CreateNeverWritesThroughAPlantedLink) {
  fs::path victim = root_ / "victim";
  WriteText(victim, "precious");
  fs::create_symlink(victim, home_.cluster_file("alpha"));
  CacheClusterRecord r = MakeRecord("alpha");
  Status s = registry_->create(r, AlwaysUsable);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(ReadText(victim), "precious");
}

TEST_F(RecordStoreTest, CopyExclusiveRefusesALinkAtTheTargetAndSkipsPlantedTemporaries) {
  fs::path victim = root_ / "victim";
  WriteText(victim, "precious");
  fs::path from = root_ / "from";
  WriteText(from, "data");
  fs::path to = root_ / "to";
  fs::create_symlink(victim, to);
  EXPECT_EQ(copy_file_exclusive(from, to), CreateResult::kExists);
  EXPECT_EQ(ReadText(victim), "precious");
  fs::remove(to);
  // Links planted at every temporary name this process would try first.
  for (int i = 0; i < 50; ++i)
    fs::create_symlink(victim,
                       root_ / (".to.tmp." + std::to_string(::getpid()) + "." + std::to_string(i)));
  EXPECT_EQ(copy_file_exclusive(from, to), CreateResult::kCreated);
  EXPECT_EQ(ReadText(victim), "precious");
  EXPECT_FALSE(fs::is_symlink(to));
  EXPECT_EQ(ReadText(to), "data");
  struct stat st {};
  ASSERT_EQ(::stat(to.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(RecordStoreTest, FilesAreCreatedOwnerOnlyAndTheHomeIsPrivate) {
  Create(MakeRecord("alpha"));
  struct stat st {};
  ASSERT_EQ(::stat(home_.cluster_file("alpha").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 077, 0u);
  ASSERT_EQ(::stat(home_.root().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  for (const char* dir : {"clusters", "locks", "addresses", "nodes", "run"}) {
    ASSERT_EQ(::stat((home_.root() / dir).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 077, 0u) << dir;
  }
  // A home made by an older cachectl (0755) is made private.
  ASSERT_EQ(::chmod(home_.root().c_str(), 0755), 0);
  ASSERT_FALSE(home_.prepare().has_value());
  ASSERT_EQ(::stat(home_.root().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(RecordStoreTest, ABrokenSnapshotRecordIsReportedEverywhereAndCanBeDeleted) {
  Snapshot("nightly");
  SnapshotStore store(home_);
  fs::path file = store.dir("nightly") / "snapshot.toml";
  std::string text = ReadText(file);
  WriteText(file, text.substr(0, text.size() / 2));
  auto expect_broken = [&](const ApiError& e) {
    EXPECT_EQ(e.code, kRegistryFileInvalid) << e.message;
    EXPECT_NE(e.message.find(file.string()), std::string::npos) << e.message;
  };
  EXPECT_EQ(store.list_names(), std::vector<std::string>{"nightly"});
  expect_broken(store.get("nightly").error());
  expect_broken(store.get("NIGHTLY").error());
  expect_broken(store.begin("nightly").error());
  EXPECT_FALSE(store.remove("nightly").has_value());
  EXPECT_FALSE(fs::exists(store.dir("nightly")));
  EXPECT_TRUE(store.list_names().empty());
}

TEST_F(RecordStoreTest, ASnapshotDirectoryWithoutItsRecordIsReportedAndCanBeDeleted) {
  Snapshot("nightly");
  SnapshotStore store(home_);
  fs::path file = store.dir("nightly") / "snapshot.toml";
  fs::remove(file);
  EXPECT_EQ(store.list_names(), std::vector<std::string>{"nightly"});
  auto got = store.get("nightly");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, kRegistryFileInvalid);
  EXPECT_NE(got.error().message.find(file.string()), std::string::npos) << got.error().message;
  EXPECT_FALSE(store.remove("nightly").has_value());
  EXPECT_FALSE(fs::exists(store.dir("nightly")));
}

TEST_F(RecordStoreTest, LeftoversOfKilledSnapshotsAreSweptByTheNextOne) {
  fs::path snapshots = home_.root() / "snapshots";
  fs::create_directories(snapshots / ".old.tmp.4194305");  // above pid_max: no such process
  fs::create_directories(snapshots / ".gone.deleted.4194305");
  fs::path mine = snapshots / (".busy.tmp." + std::to_string(::getpid()));
  fs::create_directories(mine);
  Snapshot("next");
  EXPECT_FALSE(fs::exists(snapshots / ".old.tmp.4194305"));
  EXPECT_FALSE(fs::exists(snapshots / ".gone.deleted.4194305"));
  EXPECT_TRUE(fs::exists(mine)) << "a live process's work is kept";
}

TEST_F(RecordStoreTest, AGarbledClaimIsAnErrorNamingIt) {
  Create(MakeRecord("alpha"));
  std::string address = registry_->get("alpha")->nodes[0].address;
  fs::path claim = home_.addresses_dir() / address;
  WriteText(claim, "garbage");
  Backdate(claim);
  CacheClusterRecord bravo = MakeRecord("bravo");
  Status s = registry_->create(bravo, AlwaysUsable);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->code, kRegistryFileInvalid);
  EXPECT_NE(s->message.find(claim.string()), std::string::npos) << s->message;
}

TEST_F(RecordStoreTest, AnOldClaimOfAnAddressARecordListsIsNeverTakenOver) {
  Create(MakeRecord("alpha"));
  std::string address = registry_->get("alpha")->nodes[0].address;
  fs::path claim = home_.addresses_dir() / address;
  WriteText(claim, "ghost/0001");  // rewritten to name a cluster that does not exist
  Backdate(claim);
  CacheClusterRecord bravo = MakeRecord("bravo");
  ASSERT_FALSE(registry_->create(bravo, AlwaysUsable).has_value());
  EXPECT_NE(bravo.nodes[0].address, address);
}

TEST_F(RecordStoreTest, AnOldClaimWhereADaemonListensIsNeverTakenOver) {
  Create(MakeRecord("alpha"));
  std::string address = registry_->get("alpha")->nodes[0].address;
  // The record forgets the node (as a hand edit might); its daemon still runs.
  ASSERT_FALSE(registry_->remove("alpha").has_value());
  fs::path claim = home_.addresses_dir() / address;
  WriteText(claim, "ghost/0001");
  Backdate(claim);
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string path = home_.admin_socket(address).string();
  std::strcpy(addr.sun_path, path.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  CacheClusterRecord bravo = MakeRecord("bravo");
  ASSERT_FALSE(registry_->create(bravo, AlwaysUsable).has_value());
  EXPECT_NE(bravo.nodes[0].address, address);
  ::close(fd);  // the daemon is gone: the socket file stays, refusing
  CacheClusterRecord charlie = MakeRecord("charlie");
  ASSERT_FALSE(registry_->create(charlie, AlwaysUsable).has_value());
  EXPECT_EQ(charlie.nodes[0].address, address) << "a provably dead claim is taken over";
}

TEST_F(RecordStoreTest, ABrokenParameterGroupIsInvalidNamingItAndCanBeDeleted) {
  ParameterGroupStore groups(home_);
  ASSERT_FALSE(
      groups.create({"mine", "redis7", "d", {{"maxmemory-policy", "allkeys-lru"}}, {}, false})
          .has_value());
  fs::path file = groups.file("mine");
  WriteText(file, "cache_parameter_group_name = 'mine'\n[parameters\n");
  auto g = groups.get("MINE");
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, kRegistryFileInvalid);
  EXPECT_NE(g.error().message.find(file.string()), std::string::npos);
  EXPECT_FALSE(groups.remove("mine").has_value());
  EXPECT_EQ(groups.get("mine").error().code, "CacheParameterGroupNotFound");
}

TEST_F(RecordStoreTest, TemporariesOfKilledWritersAreSweptByTheNextListing) {
  Create(MakeRecord("alpha"));
  fs::path dead = home_.clusters_dir() / ".alpha.toml.tmp.4194305.0";  // above pid_max
  fs::path live = home_.clusters_dir() / (".alpha.toml.tmp." + std::to_string(::getpid()) + ".7");
  WriteText(dead, "half");
  WriteText(live, "being written");
  EXPECT_EQ(registry_->list_ids(), std::vector<std::string>{"alpha"});
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(live));
}

}  // namespace
}  // namespace cachectl::core
