// Moving slots between two primaries with Redis Cluster's own protocol, a
// batch of slots at a time:
//   1. the target marks them IMPORTING from the source, the source
//      MIGRATING to the target: from then on a client asking the source for
//      a key it no longer has is sent to the target (-ASK), and new keys go
//      there;
//   2. the source's keys of each slot move in MIGRATE batches (atomic per
//      batch: a key is on one side or the other, never lost or doubled);
//   3. SETSLOT NODE on the target, then on the source, then on every other
//      primary: the slot is the target's (a client is now sent there with
//      -MOVED).
// Clients keep reading and writing throughout; what they get is an ASK,
// MOVED or TRYAGAIN redirection, never a lost acknowledged write.
#include "core/restricted_commands.h"
#include "node/cluster_manager.h"

namespace cachectl::node {

namespace {

using namespace std::chrono_literals;

// Keys per MIGRATE, and how long one MIGRATE may take.
constexpr int kKeysPerMigrate = 1000;
constexpr auto kMigrateTimeout = 10000ms;

std::string describe(const core::Result<std::vector<RespValue>>& replies) {
  if (!replies) return replies.error().message;
  for (const auto& r : replies.value())
    if (r.is_error()) return r.describe();
  return {};
}

}  // namespace

bool ClusterManager::migrate_slots(MemberView& from, MemberView& to, const std::vector<int>& slots,
                                   std::vector<MemberView>& all, std::string& error) {
  auto& source = connection(from.cluster, from.address, from.port);
  auto& target = connection(to.cluster, to.address, to.port);
  auto each = [&](const std::vector<std::string>& head, const std::string& tail_id) {
    std::vector<std::vector<std::string>> batch;
    for (int s : slots) {
      std::vector<std::string> args = head;
      args.insert(args.begin() + 2, std::to_string(s));
      args.push_back(tail_id);
      batch.push_back(std::move(args));
    }
    return batch;
  };
  // 1. Marked on both sides (the target first, as Redis requires).
  auto marked = target.pipeline(each({"CLUSTER", "SETSLOT", "IMPORTING"}, from.id));
  if (!(error = describe(marked)).empty()) return false;
  marked = source.pipeline(each({"CLUSTER", "SETSLOT", "MIGRATING"}, to.id));
  if (!(error = describe(marked)).empty()) return false;

  // 2. The keys, batch by batch.
  const std::string migrate = core::renamed_command("MIGRATE", key_);
  source.set_timeout(kMigrateTimeout + 2000ms);
  for (int s : slots) {
    for (;;) {
      auto keys = source.command(
          {"CLUSTER", "GETKEYSINSLOT", std::to_string(s), std::to_string(kKeysPerMigrate)});
      if (!keys || keys->type != RespValue::Type::kArray) {
        error = keys ? keys->describe() : keys.error().message;
        source.set_timeout(2000ms);
        return false;
      }
      if (keys->elements.empty()) break;
      std::vector<std::string> args = {
          migrate,   to.address, std::to_string(to.port),
          "",        "0",        std::to_string(kMigrateTimeout.count()),
          "REPLACE", "AUTH2",    std::string(core::kAdminUser),
          key_,      "KEYS"};
      for (auto& k : keys->elements) args.push_back(std::move(k.text));
      auto moved = source.command(args);
      if (!moved || moved->is_error()) {
        error = moved ? moved->describe() : moved.error().message;
        source.set_timeout(2000ms);
        return false;
      }
    }
  }
  source.set_timeout(2000ms);

  // 3. Handed over: the target, the source, then the other primaries (who
  // would otherwise learn it from gossip a little later).
  auto handed = target.pipeline(each({"CLUSTER", "SETSLOT", "NODE"}, to.id));
  if (!(error = describe(handed)).empty()) return false;
  handed = source.pipeline(each({"CLUSTER", "SETSLOT", "NODE"}, to.id));
  if (!(error = describe(handed)).empty()) return false;
  for (auto& m : all) {
    if (&m == &from || &m == &to || !m.reachable) continue;
    const ClusterNode* self = myself(m.nodes);
    if (!self || !self->master) continue;
    (void)connection(m.cluster, m.address, m.port)
        .pipeline(each({"CLUSTER", "SETSLOT", "NODE"}, to.id));
  }
  return true;
}

}  // namespace cachectl::node
