// A replication group daemon's watch over its members' node daemons: a
// member whose daemon died is started again (at most once a second), except
// a member whose restart waits for a failover
// (core::restart_waits_for_failover), which waits for its replica's
// promotion, kPrimaryReplaceWait at most, so that it rejoins as a replica.
// Members being changed (an intent, a deletion) are left to the command at
// work on them.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>

#include "core/registry.h"
#include "core/replication_group.h"

namespace cachectl::node {

class MemberWatch {
 public:
  using SteadyTime = std::chrono::steady_clock::time_point;
  // How long a dead primary waits for its replica to be promoted before it
  // is restarted in place all the same (no replica could be promoted).
  static constexpr auto kPrimaryReplaceWait = std::chrono::seconds(30);

  // `cluster_event(cluster, message)` records an event of a member.
  MemberWatch(core::StateHome home,
              std::function<void(const std::string&, const std::string&)> cluster_event);
  void tick(SteadyTime now, const core::ReplicationGroupRecord& group);

 private:
  core::StateHome home_;
  core::Registry registry_;
  std::function<void(const std::string&, const std::string&)> cluster_event_;
  // When each member's daemon was first seen gone, and when it was last
  // restarted.
  std::map<std::string, SteadyTime> gone_since_, restarted_at_;
};

}  // namespace cachectl::node
