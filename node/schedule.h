// The node's scheduled work, on one read of the record (read again only
// when the file changed). It is looked at when it can next be due (the
// opening of the snapshot or maintenance window, a system snapshot's
// expiry), when the command line says the record changed (POST /v1/modify:
// look_now), every second while work waits for a busy node, and at the
// latest a minute after the last look; every 50 ms under a fake clock:
// - automatic backups (node 0001 of a Redis cluster; core/backup_schedule.cpp
//   decides): the daily system snapshot inside the snapshot window, and the
//   deletion of those past the retention limit (a system snapshot whose
//   record cannot be read is named in an event, not skipped silently);
// - the maintenance window (the cluster's first node; core/maintenance.cpp
//   decides): due pending changes and auto minor version upgrades move into
//   the record, a Memcached node count change runs `cachectl`;
// - catching up with the record (every node: ModifyRestart).
// Each look counts (`checks()`, shown by GET /v1/status), so a test can wait
// for a check to pass instead of sleeping.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>

#include "core/record_cache.h"
#include "node/modify_restart.h"
#include "node/node_context.h"
#include "node/snapshot_job.h"
#include "node/supervisor.h"

namespace cachectl::node {

class Schedule {
 public:
  // `idle`: neither a snapshot nor a restart is running on the node.
  Schedule(const NodeContext& ctx, Supervisor& supervisor, SnapshotJob& snapshot,
           ModifyRestart& modify, std::function<bool()> idle);

  void tick(SteadyTime now);  // does a check when one is due
  void look_now() { next_check_ = {}; }
  SteadyTime next_deadline() const { return next_check_; }
  std::int64_t checks() const { return checks_; }

 private:
  // True when a backup is due but must wait for the node; `wake` gets the
  // next moment one can be due.
  bool run_backups(const core::CacheClusterRecord& fresh, SteadyTime now,
                   std::optional<core::TimePoint>& wake);
  bool run_maintenance(const core::CacheClusterRecord& fresh);

  const NodeContext& ctx_;
  Supervisor& supervisor_;
  SnapshotJob& snapshot_;
  ModifyRestart& modify_;
  std::function<bool()> idle_;
  core::ClusterRecordCache cache_;
  SteadyTime next_check_;
  std::int64_t checks_ = 0;
  // Why each unreadable automatic snapshot record could not be read, as
  // last reported (so each problem is one event).
  std::set<std::string> reported_unreadable_;
};

}  // namespace cachectl::node
