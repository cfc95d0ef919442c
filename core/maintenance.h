// The maintenance window's work: what a cluster's scheduler must apply when
// the clock is inside its PreferredMaintenanceWindow (pending node type and
// engine version changes, auto minor version upgrades), once per window.
// Pure functions of the record, the time and what is installed, so the rules
// are tested with any clock.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/cluster.h"
#include "core/engines.h"

namespace cachectl::core {

struct MaintenanceWork {
  TimePoint window_start;
  std::string cache_node_type;  // new node type, or ""
  std::string engine_version;   // new engine version, or ""
  bool auto_upgrade = false;    // engine_version comes from auto minor version upgrade
  // Memcached: the pending node count (0 = none) and the nodes it removes.
  // The node list is changed by modify-cache-cluster (the one owner of node
  // daemons and addresses), which the scheduler runs; see docs/decisions.md.
  int num_cache_nodes = 0;
  std::vector<std::string> cache_node_ids_to_remove;
};

// The start of the maintenance window `now` is in, if it is in one.
std::optional<TimePoint> current_maintenance_window(const CacheClusterRecord& cluster,
                                                    TimePoint now);

// When a scheduler that has just looked must look again for maintenance:
// the next opening of the window (nullopt without a valid window). Work
// that arrives while a window is open (a modify with pending values) comes
// with a notification from the command line, not from looking.
std::optional<TimePoint> next_maintenance_check(const CacheClusterRecord& cluster, TimePoint now);

// The newest installed patch of the cluster's engine major.minor newer than
// what it runs (or has pending), if any.
std::optional<std::string> minor_version_upgrade(const CacheClusterRecord& cluster,
                                                 const std::vector<InstalledEngine>& installed);

// The work due now: inside the window, not done yet in this window, and
// something to do.
std::optional<MaintenanceWork> due_maintenance(const CacheClusterRecord& cluster, TimePoint now,
                                               const std::vector<InstalledEngine>& installed);

// Applies the work to the record: new values in, pending values out, the
// window marked as done. A pending node count stays pending: it is cleared by
// the modify that adds or removes the nodes.
void apply_maintenance(CacheClusterRecord& cluster, const MaintenanceWork& work);

}  // namespace cachectl::core
