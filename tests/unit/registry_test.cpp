// core/registry.h + core/state_home.h: one TOML file per cluster under a
// state home, safe under concurrent processes and writers killed at any
// instant.
#include "core/registry.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "core/files.h"
#include "core/listeners.h"
#include "tests/unit/temp_dir.h"

namespace cachectl::core {
namespace {

using namespace std::chrono;

bool AlwaysUsable(const std::string&, int) { return true; }

CacheClusterRecord MakeRecord(const std::string& id, int nodes = 1) {
  CacheClusterRecord r;
  r.id = id;
  r.engine = nodes > 1 ? "memcached" : "redis";
  r.engine_version = nodes > 1 ? "1.6.18" : "7.0.15";
  r.node_type = "cache.t2.micro";
  r.num_cache_nodes = nodes;
  r.parameter_group = nodes > 1 ? "default.memcached1.6" : "default.redis7";
  r.maintenance_window = "mon:00:00-mon:01:00";
  r.port = nodes > 1 ? 11211 : 6379;
  r.config_port = r.port;  // memcached: the configuration endpoint's
  r.create_time = TimePoint(sys_days{2026y / November / 25} + hours{6});
  for (int i = 1; i <= nodes; ++i) {
    CacheNodeRecord n;
    n.id = std::string(i < 10 ? "000" : "00") + std::to_string(i);
    n.port = r.port;
    n.availability_zone = "us-east-1a";
    n.create_time = r.create_time;
    r.nodes.push_back(n);
  }
  return r;
}

void WriteText(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  ASSERT_TRUE(out.good()) << path;
}

// Waits for `pid` and returns its exit code (-1 when it did not exit).
int WaitExit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class RegistryTest : public ::testing::Test {
 protected:
  test_support::TempDir tmp_{"ccreg"};
  void SetUp() override {
    root_ = tmp_.path();
    home_ = StateHome(root_);
    ASSERT_FALSE(home_.prepare().has_value());
    registry_ = std::make_unique<Registry>(home_);
  }

  // Creates `record` and returns the addresses it was given.
  std::vector<std::string> Create(CacheClusterRecord record) {
    Status s = registry_->create(record, AlwaysUsable);
    EXPECT_FALSE(s.has_value()) << record.id << ": " << (s ? s->code + ": " + s->message : "");
    std::vector<std::string> out;
    for (const auto& n : record.nodes) out.push_back(n.address);
    return out;
  }

  std::set<std::string> Claims() const {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(home_.addresses_dir())) {
      std::string name = e.path().filename().string();
      if (name[0] != '.') out.insert(name);
    }
    return out;
  }

  std::string Prefix() const {
    auto p = home_.address_prefix();
    EXPECT_TRUE(p.ok());
    return p.ok() ? *p : "";
  }

  fs::path root_;
  StateHome home_{fs::path()};
  std::unique_ptr<Registry> registry_;
};

TEST_F(RegistryTest, PrepareCreatesTheLayoutAndAnAddressPrefix) {
  for (const fs::path& dir : {home_.clusters_dir(), home_.addresses_dir(), root_ / "locks",
                              root_ / "nodes", root_ / "run"}) {
    EXPECT_TRUE(fs::is_directory(dir)) << dir;
  }
  EXPECT_TRUE(fs::is_regular_file(home_.settings_file()));
  std::string prefix = Prefix();
  std::smatch m;
  ASSERT_TRUE(std::regex_match(prefix, m, std::regex(R"(127\.(\d{1,3}))"))) << prefix;
  int octet = std::stoi(m[1]);
  EXPECT_GE(octet, 1);
  EXPECT_LE(octet, 254);
}

// A listening socket on 127.N.0.9 (as another state home's node would be).
class Listener {
 public:
  explicit Listener(const std::string& address) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    ::inet_pton(AF_INET, address.c_str(), &sa.sin_addr);
    ok_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0 &&
          ::listen(fd_, 1) == 0;
  }
  ~Listener() { ::close(fd_); }
  bool ok() const { return ok_; }

 private:
  int fd_ = -1;
  bool ok_ = false;
};

TEST(Listeners, AListeningAddressIsSeenUntilItCloses) {
  {
    Listener l("127.77.0.9");
    ASSERT_TRUE(l.ok());
    EXPECT_TRUE(is_listening_on("127.77.0.9"));
    EXPECT_FALSE(is_listening_on("127.77.0.10"));
  }
  EXPECT_FALSE(is_listening_on("127.77.0.9"));
}

TEST(ProcessAge, AChildIsYoungerThanItsParentAndAGoneProcessHasNone) {
  pid_t child = ::fork();
  if (child == 0) {
    ::pause();
    ::_exit(0);
  }
  ASSERT_GT(child, 0);
  auto young = core::process_age(child);
  // Measured after the child's: ages count clock ticks from the start, and
  // a test process can start in the same tick as its child.
  auto own = core::process_age(::getpid());
  ASSERT_TRUE(own.has_value());
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  ASSERT_TRUE(young.has_value());
  EXPECT_LE(*young, *own);
  EXPECT_LT(*young, std::chrono::seconds(5));
  EXPECT_FALSE(core::process_age(child).has_value());
}

TEST(StateHomePrefix, ANewHomeAvoidsARangeSomethingListensIn) {
  char tmpl[] = "/tmp/ccpfx.XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  fs::path root = fs::path(tmpl) / "home";
  // The /16 the path's hash names, taken by someone else first.
  int octet = 1 + static_cast<int>(std::hash<std::string>{}(root.string()) % 254);
  Listener l("127." + std::to_string(octet) + ".0.9");
  ASSERT_TRUE(l.ok());
  StateHome home(root);
  ASSERT_FALSE(home.prepare().has_value());
  auto prefix = home.address_prefix();
  ASSERT_TRUE(prefix.ok());
  EXPECT_NE(*prefix, "127." + std::to_string(octet));
  std::error_code ec;
  fs::remove_all(tmpl, ec);
}

TEST_F(RegistryTest, PrepareAgainKeepsThePrefix) {
  std::string before = Prefix();
  ASSERT_FALSE(home_.prepare().has_value());
  ASSERT_FALSE(StateHome(root_).prepare().has_value());
  EXPECT_EQ(Prefix(), before);
}

TEST_F(RegistryTest, PrepareRefusesAPathTooLongForAdminSockets) {
  fs::path deep = root_ / std::string(100, 'd');
  Status s = StateHome(deep).prepare();
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->code, kInvalidConfiguration);
}

TEST_F(RegistryTest, CreateThenGet) {
  CacheClusterRecord record = MakeRecord("alpha", 3);
  ASSERT_FALSE(registry_->create(record, AlwaysUsable).has_value());
  std::set<std::string> addresses;
  for (const auto& n : record.nodes) {
    EXPECT_EQ(n.address.rfind(Prefix() + ".", 0), 0u) << n.address;
    addresses.insert(n.address);
  }
  EXPECT_EQ(addresses.size(), 3u);
  // Memcached: the configuration endpoint gets an address of its own too.
  EXPECT_EQ(record.config_address.rfind(Prefix() + ".", 0), 0u) << record.config_address;
  EXPECT_EQ(addresses.count(record.config_address), 0u);
  addresses.insert(record.config_address);
  EXPECT_EQ(Claims(), addresses);

  auto got = registry_->get("alpha");
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->id, "alpha");
  EXPECT_EQ(got->engine, "memcached");
  ASSERT_EQ(got->nodes.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(got->nodes[i].address, record.nodes[i].address);
  EXPECT_TRUE(fs::exists(home_.cluster_file("alpha")));
}

TEST_F(RegistryTest, DuplicateIdIsRefusedAndItsAddressesReleased) {
  Create(MakeRecord("alpha", 2));
  std::set<std::string> before = Claims();
  CacheClusterRecord again = MakeRecord("alpha", 3);
  Status s = registry_->create(again, AlwaysUsable);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->code, "CacheClusterAlreadyExists");
  EXPECT_EQ(Claims(), before);
  EXPECT_EQ(registry_->get("alpha")->num_cache_nodes, 2) << "the original is untouched";
}

TEST_F(RegistryTest, GetUnknownIsCacheClusterNotFound) {
  auto r = registry_->get("nosuch");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "CacheClusterNotFound");
}

TEST_F(RegistryTest, ListIdsIsSortedAndIgnoresOtherFiles) {
  EXPECT_TRUE(registry_->list_ids().empty());
  for (const char* id : {"charlie", "alpha", "bravo-2", "bravo"}) Create(MakeRecord(id));
  WriteText(home_.clusters_dir() / ".hidden.toml", "x");
  WriteText(home_.clusters_dir() / "notes.txt", "x");
  WriteText(home_.clusters_dir() / ".alpha.toml.tmp.1.0", "half a fi");
  EXPECT_EQ(registry_->list_ids(),
            (std::vector<std::string>{"alpha", "bravo", "bravo-2", "charlie"}));
}

TEST_F(RegistryTest, UpdateRewritesUnderTheClustersLock) {
  Create(MakeRecord("alpha"));
  bool locked_during_change = false;
  Status s = registry_->update("alpha", [&](CacheClusterRecord& r) -> Status {
    locked_during_change = is_locked(home_.lock_file("alpha"));
    r.snapshot_retention_limit = 7;
    r.tags.push_back({"k", "v"});
    return std::nullopt;
  });
  ASSERT_FALSE(s.has_value()) << s->message;
  EXPECT_TRUE(locked_during_change);
  EXPECT_FALSE(is_locked(home_.lock_file("alpha"))) << "released afterwards";
  auto got = registry_->get("alpha");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->snapshot_retention_limit, 7);
  ASSERT_EQ(got->tags.size(), 1u);
  EXPECT_EQ(got->tags[0].key, "k");
}

// What tells a pid file edited by hand from the daemon's own: the holder of
// its lock, as the kernel names it.
TEST_F(RegistryTest, AnFlockIsHeldByTheProcessThatTookIt) {
  fs::path lock = home_.lock_file("alpha");
  fs::create_directories(lock.parent_path());
  std::ofstream(lock).put('\n');
  EXPECT_EQ(flock_holders(lock), std::optional<std::vector<int>>(std::vector<int>{}));
  {
    FileLock held(lock);
    ASSERT_TRUE(held.held()) << held.error();
    EXPECT_EQ(flock_holders(lock),
              std::optional<std::vector<int>>(std::vector<int>{static_cast<int>(::getpid())}));
    EXPECT_EQ(flock_holders(home_.lock_file("other")), std::nullopt) << "no such file";
  }
  EXPECT_EQ(flock_holders(lock), std::optional<std::vector<int>>(std::vector<int>{}));
}

TEST_F(RegistryTest, UpdateThatRefusesWritesNothing) {
  Create(MakeRecord("alpha"));
  auto before = read_file(home_.cluster_file("alpha"));
  Status s = registry_->update("alpha", [](CacheClusterRecord& r) -> Status {
    r.snapshot_retention_limit = 9;
    return invalid_value("no");
  });
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->code, "InvalidParameterValue");
  EXPECT_EQ(read_file(home_.cluster_file("alpha")), before);
}

TEST_F(RegistryTest, UpdateOfUnknownIdIsNotFound) {
  bool called = false;
  Status s = registry_->update("nosuch", [&](CacheClusterRecord&) -> Status {
    called = true;
    return std::nullopt;
  });
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->code, "CacheClusterNotFound");
  EXPECT_FALSE(called);
  EXPECT_FALSE(fs::exists(home_.cluster_file("nosuch")));
}

TEST_F(RegistryTest, RemoveReleasesAddressesForReuse) {
  std::vector<std::string> first = Create(MakeRecord("alpha", 2));
  ASSERT_FALSE(registry_->remove("alpha").has_value());
  EXPECT_EQ(registry_->get("alpha").error().code, "CacheClusterNotFound");
  EXPECT_TRUE(Claims().empty());
  EXPECT_TRUE(registry_->list_ids().empty());
  std::vector<std::string> second = Create(MakeRecord("bravo", 2));
  EXPECT_EQ(second, first) << "the lowest free addresses are given again";
}

TEST_F(RegistryTest, AClaimSweepsTheAddressTemporariesOfKilledWritersAndKeepsLiveOnes) {
  Create(MakeRecord("alpha"));
  fs::path dead = home_.addresses_dir() / ".127.9.9.9.tmp.4194305.0";  // above pid_max
  fs::path live = home_.addresses_dir() / (".127.9.9.8.tmp." + std::to_string(::getpid()) + ".0");
  WriteText(dead, "gone/0001");
  WriteText(live, "busy/0001");
  Create(MakeRecord("bravo"));
  EXPECT_FALSE(fs::exists(dead)) << "the claim's listing removes a killed writer's temporary";
  EXPECT_TRUE(fs::exists(live)) << "a running writer's temporary stays";
}

TEST_F(RegistryTest, RemoveOfUnknownIdIsNotFound) {
  Status s = registry_->remove("nosuch");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->code, "CacheClusterNotFound");
}

TEST_F(RegistryTest, FileWhoseIdDoesNotMatchItsNameIsInvalid) {
  CacheClusterRecord bravo = MakeRecord("bravo");
  bravo.nodes[0].address = "127.9.0.2";
  WriteText(home_.cluster_file("alpha"), to_toml(bravo));
  auto r = registry_->get("alpha");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, kRegistryFileInvalid);
  EXPECT_NE(r.error().message.find(home_.cluster_file("alpha").string()), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("cache_cluster_id"), std::string::npos) << r.error().message;
}

TEST_F(RegistryTest, HandBrokenFileIsInvalidNamingTheFile) {
  Create(MakeRecord("alpha"));
  Create(MakeRecord("bravo"));
  WriteText(home_.cluster_file("alpha"), "cache_cluster_id = 'alpha'\nport = 'not a port\n");
  auto r = registry_->get("alpha");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, kRegistryFileInvalid);
  EXPECT_NE(r.error().message.find(home_.cluster_file("alpha").string()), std::string::npos)
      << r.error().message;
  EXPECT_TRUE(registry_->get("bravo").ok()) << "other clusters are unaffected";
  Status u = registry_->update("alpha", [](CacheClusterRecord&) -> Status { return std::nullopt; });
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->code, kRegistryFileInvalid);
}

TEST_F(RegistryTest, AddressesTheProbeRefusesAreSkipped) {
  std::vector<std::pair<std::string, int>> probed;
  auto probe = [&](const std::string& address, int port) {
    probed.emplace_back(address, port);
    return probed.size() > 3;  // the first three are in use elsewhere
  };
  CacheClusterRecord record = MakeRecord("alpha");
  ASSERT_FALSE(registry_->create(record, probe).has_value());
  ASSERT_EQ(probed.size(), 4u);
  for (const auto& [address, port] : probed) EXPECT_EQ(port, 6379);
  EXPECT_EQ(record.nodes[0].address, probed[3].first);
  std::set<std::string> refused = {probed[0].first, probed[1].first, probed[2].first};
  EXPECT_EQ(refused.count(record.nodes[0].address), 0u);

  // A refused address stays marked for a while; the next cluster does not get it.
  std::vector<std::string> next = Create(MakeRecord("bravo"));
  EXPECT_EQ(refused.count(next[0]), 0u) << next[0];
  EXPECT_NE(next[0], record.nodes[0].address);
}

TEST_F(RegistryTest, StaleClaimOfAKilledCreateIsTakenOver) {
  // A create killed between claiming an address and writing the cluster file
  // leaves a claim whose cluster does not exist.
  std::string first = Create(MakeRecord("probe"))[0];
  ASSERT_FALSE(registry_->remove("probe").has_value());
  fs::path claim = home_.addresses_dir() / first;
  WriteText(claim, "ghost/0001");
  std::vector<std::string> fresh = Create(MakeRecord("alpha"));
  EXPECT_NE(fresh[0], first) << "a recent claim is respected";

  struct timeval old[2] = {};
  old[0].tv_sec = old[1].tv_sec = ::time(nullptr) - 3600;
  ASSERT_EQ(::utimes(claim.c_str(), old), 0);
  std::vector<std::string> later = Create(MakeRecord("bravo"));
  EXPECT_EQ(later[0], first) << "an hour-old orphan claim is taken over";
}

TEST_F(RegistryTest, ConcurrentCreatesFromManyProcessesAllLandWithDistinctAddresses) {
  constexpr int kProcesses = 16;
  int gate[2];
  ASSERT_EQ(::pipe(gate), 0);
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(gate[1]);
      char c;
      while (::read(gate[0], &c, 1) < 0 && errno == EINTR) {
      }
      Registry reg{StateHome(root_)};
      int failures = 0;
      for (const char* suffix : {"-a", "-b"}) {
        CacheClusterRecord r = MakeRecord("p" + std::to_string(p) + suffix, 2);
        if (reg.create(r, AlwaysUsable)) ++failures;
      }
      ::_exit(failures);
    }
    children.push_back(pid);
  }
  ::close(gate[0]);
  ::close(gate[1]);  // opens the gate: every child starts at once
  for (pid_t pid : children) EXPECT_EQ(WaitExit(pid), 0) << "child " << pid;

  std::vector<std::string> ids = registry_->list_ids();
  ASSERT_EQ(ids.size(), 2u * kProcesses);
  std::set<std::string> addresses;
  std::size_t node_addresses = 0;
  for (const auto& id : ids) {
    auto r = registry_->get(id);
    ASSERT_TRUE(r.ok()) << id << ": " << r.error().message;
    for (const auto& n : r->nodes) {
      EXPECT_TRUE(addresses.insert(n.address).second) << n.address << " given twice";
      ++node_addresses;
    }
    // A Memcached cluster's configuration endpoint has an address of its own.
    if (r->has_config_endpoint()) {
      EXPECT_TRUE(addresses.insert(r->config_address).second)
          << r->config_address << " given twice";
    }
  }
  EXPECT_EQ(node_addresses, 4u * kProcesses);
  EXPECT_EQ(Claims(), addresses) << "no claim is leaked";
}

TEST_F(RegistryTest, ManyProcessesRacingForOneIdExactlyOneWins) {
  constexpr int kProcesses = 16;
  int gate[2];
  ASSERT_EQ(::pipe(gate), 0);
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(gate[1]);
      char c;
      while (::read(gate[0], &c, 1) < 0 && errno == EINTR) {
      }
      Registry reg{StateHome(root_)};
      CacheClusterRecord r = MakeRecord("contested", 2);
      r.port = 7000 + p;  // tells the winner apart
      for (auto& n : r.nodes) n.port = r.port;
      Status s = reg.create(r, AlwaysUsable);
      ::_exit(!s ? 0 : s->code == "CacheClusterAlreadyExists" ? 2 : 1);
    }
    children.push_back(pid);
  }
  ::close(gate[0]);
  ::close(gate[1]);
  int winners = 0, losers = 0;
  for (pid_t pid : children) {
    int code = WaitExit(pid);
    winners += code == 0;
    losers += code == 2;
  }
  EXPECT_EQ(winners, 1);
  EXPECT_EQ(losers, kProcesses - 1);
  auto r = registry_->get("contested");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_GE(r->port, 7000);
  std::set<std::string> winner_addresses;
  for (const auto& n : r->nodes) winner_addresses.insert(n.address);
  if (r->has_config_endpoint()) winner_addresses.insert(r->config_address);
  EXPECT_EQ(Claims(), winner_addresses) << "losers released their addresses";
}

TEST_F(RegistryTest, WritersKilledAtAnyInstantNeverLeaveABrokenFile) {
  std::vector<std::string> addresses = Create(MakeRecord("victim", 3));
  Create(MakeRecord("bystander"));
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> pause_us(0, 2000);
  for (int iteration = 0; iteration < 200; ++iteration) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      Registry reg{StateHome(root_)};
      for (unsigned n = 0;; ++n) {
        auto err = reg.update("victim", [n](CacheClusterRecord& r) -> Status {
          r.snapshot_retention_limit = static_cast<int>(n % 36);
          // Vary the size so that a torn write would show.
          r.tags.clear();
          for (unsigned t = 0; t < n % 40; ++t)
            r.tags.push_back({"key-" + std::to_string(t), std::string(100, 'v')});
          return std::nullopt;
        });
        if (err) ::_exit(1);  // the parent expects to kill it
      }
    }
    ::usleep(static_cast<useconds_t>(pause_us(rng)));
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status));

    auto r = registry_->get("victim");
    ASSERT_TRUE(r.ok()) << "iteration " << iteration << ": " << r.error().message;
    ASSERT_EQ(r->nodes.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(r->nodes[i].address, addresses[i]);
    ASSERT_EQ(registry_->list_ids(), (std::vector<std::string>{"bystander", "victim"}))
        << "iteration " << iteration;
  }
  // The dead writers' locks died with them.
  EXPECT_FALSE(is_locked(home_.lock_file("victim")));
  Status s = registry_->update("victim", [](CacheClusterRecord& r) -> Status {
    r.snapshot_retention_limit = 1;
    return std::nullopt;
  });
  EXPECT_FALSE(s.has_value());
  EXPECT_EQ(registry_->get("victim")->snapshot_retention_limit, 1);
}

TEST_F(RegistryTest, GetReadsOnlyItsOwnFileAmongThousands) {
  // 2,000 cluster files, all but one of them unreadable garbage: a lookup
  // that read any other file would fail.
  constexpr int kClusters = 2000;
  std::string good;
  for (int i = 0; i < kClusters; ++i) {
    std::string id = "c" + std::to_string(i);
    if (i == 1234) {
      CacheClusterRecord r = MakeRecord(id);
      r.nodes[0].address = "127.9.4.210";
      good = to_toml(r);
      WriteText(home_.cluster_file(id), good);
    } else {
      WriteText(home_.cluster_file(id), "this = is = not toml [[");
    }
  }
  EXPECT_EQ(registry_->list_ids().size(), static_cast<std::size_t>(kClusters));
  auto r = registry_->get("c1234");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->nodes[0].address, "127.9.4.210");
  auto bad = registry_->get("c1");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, kRegistryFileInvalid);
  EXPECT_EQ(registry_->get("c2000").error().code, "CacheClusterNotFound");
}

}  // namespace
}  // namespace cachectl::core

namespace cachectl::core {
namespace {

// A cluster's leftovers are found through its markers, not by reading every
// claim (delete at 1,000 clusters read 2,000 files).
TEST_F(RegistryTest, ClaimsOfAClusterAreFoundByTheirMarkers) {
  Create(MakeRecord("alpha", 2));
  Create(MakeRecord("bravo"));
  auto record = registry_->get("alpha");
  ASSERT_TRUE(record.ok());
  std::vector<std::string> alpha;
  for (const auto& n : record->nodes) alpha.push_back(n.address);
  if (!record->config_address.empty()) alpha.push_back(record->config_address);
  auto found = registry_->claimed_by("alpha");
  ASSERT_EQ(found.size(), alpha.size());
  for (const auto& [address, owner] : found) {
    EXPECT_NE(std::find(alpha.begin(), alpha.end(), address), alpha.end()) << address;
    EXPECT_EQ(owner.substr(0, 6), "alpha/");
  }
  EXPECT_EQ(registry_->claimed_by("alpha", /*every_claim=*/true).size(), alpha.size());
  // A marker whose claim is another's is dropped, not reported.
  WriteText(home_.root() / "claims/alpha" / registry_->get("bravo")->nodes[0].address, "");
  EXPECT_EQ(registry_->claimed_by("alpha").size(), alpha.size());
  EXPECT_FALSE(
      fs::exists(home_.root() / "claims/alpha" / registry_->get("bravo")->nodes[0].address));
  // A marker left alone by a kill between marking and claiming goes at the
  // next look, the thorough one (cachectl resume) too.
  WriteText(home_.root() / "claims/alpha/127.0.0.99", "");
  EXPECT_EQ(registry_->claimed_by("alpha", /*every_claim=*/true).size(), alpha.size());
  EXPECT_FALSE(fs::exists(home_.root() / "claims/alpha/127.0.0.99"));
  ASSERT_FALSE(registry_->remove("alpha").has_value());
  EXPECT_TRUE(registry_->claimed_by("alpha").empty());
  EXPECT_FALSE(fs::exists(home_.root() / "claims/alpha")) << "released claims take their markers";
}

}  // namespace
}  // namespace cachectl::core
