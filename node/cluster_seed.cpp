// Restoring a cluster-mode group from a snapshot (or RDB files): the keys
// go wherever the new group's layout puts their slots, whatever the number
// of node groups the snapshot was taken with, as ElastiCache's online
// migration does. Each RDB is loaded by a private redis-server (a Unix
// socket in the group's directory, no TCP port), which then MIGRATEs its
// keys, grouped by the primary that serves their slot, with REPLACE: a
// manager killed halfway loads the file again and sends the same keys
// again. A file is removed once every key of it has gone; the record says
// `seeding` until none is left.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <thread>

#include "core/engines.h"
#include "core/restricted_commands.h"
#include "core/slots.h"
#include "node/cluster_manager.h"
#include "os/spawn.h"

namespace cachectl::node {

namespace {

using namespace std::chrono_literals;

constexpr auto kLoadWait = 120s;  // a large RDB takes a while to load
constexpr int kScanCount = 1000;

// A redis-server of our own that loaded one RDB: started, asked, stopped.
class SeedServer {
 public:
  SeedServer(const core::fs::path& dir, const core::fs::path& rdb, std::string& error) {
    socket_ = (dir / "seed.sock").string();
    ::unlink(socket_.c_str());
    os::SpawnOptions so;
    so.argv = {core::engine_binary("redis"),
               "--port",
               "0",
               "--unixsocket",
               socket_,
               "--unixsocketperm",
               "700",
               "--dir",
               rdb.parent_path().string(),
               "--dbfilename",
               rdb.filename().string(),
               "--save",
               "",
               "--appendonly",
               "no",
               "--daemonize",
               "no",
               "--logfile",
               ""};
    so.log = dir / "seed.log";
    so.die_with_parent = true;
    os::Spawned s = os::spawn(so);
    if (!s) {
      error = s.what;
      return;
    }
    pid_ = s.pid;
    connection_ = std::make_unique<RedisConnection>(socket_, 0, 5000ms);
    auto give_up = std::chrono::steady_clock::now() + kLoadWait;
    while (std::chrono::steady_clock::now() < give_up) {
      auto r = connection_->command({"PING"});
      if (r && r->type == RespValue::Type::kSimple) return;
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        error = "redis-server could not load " + rdb.string() + " (" +
                os::describe_wait_status(status) + "; see " + (dir / "seed.log").string() + ")";
        return;
      }
      std::this_thread::sleep_for(20ms);
    }
    error = "redis-server did not load " + rdb.string() + " in time";
  }
  ~SeedServer() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    ::unlink(socket_.c_str());
  }
  SeedServer(const SeedServer&) = delete;
  SeedServer& operator=(const SeedServer&) = delete;
  RedisConnection& connection() { return *connection_; }

 private:
  std::string socket_;
  pid_t pid_ = -1;
  std::unique_ptr<RedisConnection> connection_;
};

}  // namespace

bool ClusterManager::restore_keys(const core::ReplicationGroupRecord& g,
                                  std::vector<MemberView>& members, std::string& error) {
  const core::fs::path dir = core::group_dir(home_, g.id);
  const core::fs::path seeds = dir / "seed";
  std::vector<core::fs::path> files;
  std::error_code ec;
  for (const auto& entry : core::fs::directory_iterator(seeds, ec))
    if (entry.path().extension() == ".rdb") files.push_back(entry.path());
  std::sort(files.begin(), files.end());

  // Where each slot's keys go: its node group's primary.
  std::vector<MemberView*> target(core::kSlotCount, nullptr);
  for (const auto& ng : g.node_groups) {
    MemberView* primary = nullptr;
    for (auto& m : members)
      if (m.cluster == ng.primary && m.reachable) primary = &m;
    if (!primary) {
      error = "node group " + ng.id + "'s primary does not answer";
      return false;
    }
    for (const auto& r : ng.slots)
      for (int s = r.first; s <= r.last; ++s) target[static_cast<std::size_t>(s)] = primary;
  }

  std::uint64_t keys_sent = 0;
  for (const auto& file : files) {
    SeedServer server(dir, file, error);
    if (!error.empty()) return false;
    RedisConnection& c = server.connection();
    c.set_timeout(30000ms);
    // Until the server is empty (MIGRATE removes what it sent, so a second
    // round only finds keys a first one could not place).
    for (int round = 0; round < 3; ++round) {
      std::string cursor = "0";
      do {
        auto scanned = c.command({"SCAN", cursor, "COUNT", std::to_string(kScanCount)});
        if (!scanned || scanned->type != RespValue::Type::kArray || scanned->elements.size() != 2) {
          error = "SCAN of " + file.string() + ": " +
                  (scanned ? scanned->describe() : scanned.error().message);
          return false;
        }
        cursor = scanned->elements[0].text;
        std::map<MemberView*, std::vector<std::string>> by_target;
        for (auto& k : scanned->elements[1].elements) {
          MemberView* t = target[static_cast<std::size_t>(core::key_slot(k.text))];
          if (t) by_target[t].push_back(std::move(k.text));
        }
        for (auto& [t, keys] : by_target) {
          std::vector<std::string> args = {
              "MIGRATE", t->address, std::to_string(t->port),       "",   "0",   "20000",
              "REPLACE", "AUTH2",    std::string(core::kAdminUser), key_, "KEYS"};
          keys_sent += keys.size();
          for (auto& k : keys) args.push_back(std::move(k));
          auto moved = c.command(args);
          if (!moved || moved->is_error()) {
            error = "MIGRATE to " + t->cluster + ": " +
                    (moved ? moved->describe() : moved.error().message);
            return false;
          }
        }
      } while (cursor != "0");
      auto left = c.command({"DBSIZE"});
      if (left && left->type == RespValue::Type::kInteger && left->integer == 0) break;
    }
    core::fs::remove(file, ec);
  }
  auto err = groups_.update(g.id, [](core::ReplicationGroupRecord& rec) -> core::Status {
    rec.seeding = false;
    return std::nullopt;
  });
  if (err) {
    error = err->message;
    return false;
  }
  core::fs::remove_all(seeds, ec);
  event("Restored " + std::to_string(keys_sent) + " keys from " + std::to_string(files.size()) +
        " RDB file(s) into " + std::to_string(g.node_groups.size()) + " node groups");
  return true;
}

}  // namespace cachectl::node
