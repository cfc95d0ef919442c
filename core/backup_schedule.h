// Automatic backups: when a cluster with a snapshot retention limit is due
// its daily system snapshot, and which old ones the retention has expired.
// Pure functions of the record, the time and the existing snapshots, so the
// rules are tested with any clock.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/snapshots.h"

namespace cachectl::core {

// The name of the snapshot to take now, if one is due: inside the snapshot
// window, and none of this cluster's system snapshots taken since the
// window opened. "automatic.ID-YYYY-MM-DD-HH-MM".
std::optional<std::string> due_backup(const CacheClusterRecord& cluster, TimePoint now,
                                      const std::vector<SnapshotRecord>& snapshots);

// This cluster's system snapshots older than its retention limit (in days).
std::vector<std::string> expired_backups(const CacheClusterRecord& cluster, TimePoint now,
                                         const std::vector<SnapshotRecord>& snapshots);

// When a scheduler that has just looked must look again for backups: the
// next opening of the snapshot window or the moment one of this cluster's
// system snapshots passes the retention limit, whichever comes first;
// nullopt when the cluster keeps no backups. (Between those moments nothing
// can become due: a daemon sleeps instead of looking every second.)
std::optional<TimePoint> next_backup_check(const CacheClusterRecord& cluster, TimePoint now,
                                           const std::vector<SnapshotRecord>& snapshots);

}  // namespace cachectl::core
