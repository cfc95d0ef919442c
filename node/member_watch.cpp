#include "node/member_watch.h"

#include <cstdio>

#include "core/files.h"
#include "os/spawn.h"

namespace cachectl::node {

using namespace std::chrono_literals;

MemberWatch::MemberWatch(core::StateHome home,
                         std::function<void(const std::string&, const std::string&)> cluster_event)
    : home_(home), registry_(home), cluster_event_(std::move(cluster_event)) {}

void MemberWatch::tick(SteadyTime now, const core::ReplicationGroupRecord& g) {
  // A command at work on the group starts and stops members itself; a
  // resharding goes on for as long as its slots move, and members must not
  // stay down meanwhile.
  if (g.lifecycle != core::Lifecycle::kActive) return;
  if (!g.intent.empty() && g.intent.operation != "reshard") return;
  for (const auto& m : g.members) {
    auto record = registry_.get(m);
    if (!record || record->lifecycle != core::Lifecycle::kActive || !record->intent.empty() ||
        record->nodes.empty())
      continue;
    core::fs::path node_dir = home_.node_dir(m, record->nodes.front().id);
    if (core::is_locked(node_dir / "daemon.lock")) {
      gone_since_.erase(m);
      continue;
    }
    auto first = gone_since_.emplace(m, now).first->second;
    if (core::restart_waits_for_failover(g, m) && now - first < kPrimaryReplaceWait) continue;
    if (auto it = restarted_at_.find(m); it != restarted_at_.end() && now - it->second < 1s)
      continue;
    restarted_at_[m] = now;
    os::SpawnOptions so;
    so.argv = {core::companion_program("cachectl-node", "CACHECTL_NODE_BIN"),
               "--state-dir",
               home_.root().string(),
               "--cluster",
               m,
               "--node",
               record->nodes.front().id};
    so.log = node_dir / "node.log";
    so.detach = true;
    os::Spawned s = os::spawn(so);
    if (s) {
      cluster_event_(m, "Cache node " + record->nodes.front().id +
                            " restarted after its node daemon was found stopped");
    } else {
      std::fprintf(stderr, "cannot restart %s: %s\n", m.c_str(), s.what.c_str());
    }
  }
}

}  // namespace cachectl::node
