// Catching up with the record: when it asks for another node type or engine
// version than the engine was started with (a modify, or the maintenance
// window), the engine restarts, keeping Redis data through an RDB written
// just before by a BGSAVE (waited for on a timer, never on the poll loop). A
// plain reboot drops the data, as ElastiCache's does. The node is
// "modifying" from the save until the engine answers again.
#pragma once

#include <optional>
#include <string>

#include "node/background_save.h"
#include "node/node_context.h"
#include "node/supervisor.h"

namespace cachectl::node {

class ModifyRestart {
 public:
  ModifyRestart(const NodeContext& ctx, Supervisor& supervisor, EngineClient& client,
                std::string running_type, std::string running_version, std::string running_group);

  // Starts the restart if `fresh` asks for it and the node can (`idle`:
  // nothing else is running on it). True when it asks for one that has to
  // wait (the node busy or not serving, a failed save's back-off): the
  // caller looks again soon.
  bool catch_up(const core::CacheClusterRecord& fresh, bool idle, SteadyTime now);
  // Retries at once instead of after the back-off of a failed save.
  void retry_now() { next_try_ = {}; }
  bool running() const { return phase_ != Phase::kIdle; }
  void tick(SteadyTime now);
  SteadyTime next_deadline() const { return save_.next_deadline(); }

  // What the engine runs (updated by every start: see the daemon's launch).
  // A cluster that joins or leaves a replication group restarts the same
  // way, keeping its data (its engine's configuration changes: replication,
  // the primary endpoint, the renamed commands Sentinel uses).
  void started_with(const std::string& type, const std::string& version, const std::string& group) {
    running_type_ = type;
    running_version_ = version;
    running_group_ = group;
  }

 private:
  enum class Phase { kIdle, kSaving, kRestarting };

  const NodeContext& ctx_;
  Supervisor& supervisor_;
  BackgroundSave save_;
  std::string running_type_, running_version_, running_group_;
  std::string from_type_, from_version_, from_group_;
  Phase phase_ = Phase::kIdle;
  SteadyTime next_try_{};
};

}  // namespace cachectl::node
