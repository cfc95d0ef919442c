#include "core/backup_schedule.h"

#include <cstdio>
#include <ctime>

#include "core/windows.h"

namespace cachectl::core {

std::optional<std::string> due_backup(const CacheClusterRecord& c, TimePoint now,
                                      const std::vector<SnapshotRecord>& snapshots) {
  if (c.engine != "redis" || c.snapshot_retention_limit <= 0) return std::nullopt;
  auto window = parse_snapshot_window(c.snapshot_window);
  if (!window || !window->contains(now)) return std::nullopt;
  // The start of the window we are in: the next start, a day back.
  TimePoint opened = window->next_start(now);
  if (opened > now) opened -= std::chrono::hours(24);
  for (const auto& s : snapshots) {
    if (s.source == "system" && s.cluster.id == c.id && !s.nodes.empty() &&
        s.nodes.front().snapshot_create_time >= opened) {
      return std::nullopt;
    }
  }
  std::time_t t = std::chrono::system_clock::to_time_t(opened);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[64];
  std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min);
  return "automatic." + c.id + "-" + stamp;
}

std::vector<std::string> expired_backups(const CacheClusterRecord& c, TimePoint now,
                                         const std::vector<SnapshotRecord>& snapshots) {
  std::vector<std::string> out;
  if (c.snapshot_retention_limit <= 0) return out;
  auto limit = std::chrono::hours(24) * c.snapshot_retention_limit;
  for (const auto& s : snapshots) {
    if (s.source == "system" && s.cluster.id == c.id && !s.nodes.empty() &&
        now - s.nodes.front().snapshot_create_time > limit) {
      out.push_back(s.name);
    }
  }
  return out;
}

std::optional<TimePoint> next_backup_check(const CacheClusterRecord& c, TimePoint now,
                                           const std::vector<SnapshotRecord>& snapshots) {
  if (c.snapshot_retention_limit <= 0) return std::nullopt;
  std::optional<TimePoint> next;
  if (c.engine == "redis") {
    if (auto window = parse_snapshot_window(c.snapshot_window)) {
      // A window opening right now has just been looked at: the next one counts.
      TimePoint opens = window->next_start(now);
      if (opens <= now) opens = window->next_start(now + std::chrono::minutes(1));
      next = opens;
    }
  }
  auto limit = std::chrono::hours(24) * c.snapshot_retention_limit;
  for (const auto& s : snapshots) {
    if (s.source != "system" || s.cluster.id != c.id || s.nodes.empty()) continue;
    // expired_backups wants it strictly older than the limit.
    TimePoint expires = s.nodes.front().snapshot_create_time + limit + std::chrono::seconds(1);
    if (!next || expires < *next) next = expires;
  }
  return next;
}

}  // namespace cachectl::core
