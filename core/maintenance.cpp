#include "core/maintenance.h"

#include "core/windows.h"

namespace cachectl::core {

std::optional<TimePoint> current_maintenance_window(const CacheClusterRecord& cluster,
                                                    TimePoint now) {
  auto window = parse_maintenance_window(cluster.maintenance_window);
  if (!window || !window->contains(now)) return std::nullopt;
  // Inside, the window started less than its length ago: the first start
  // after now - length is this window's.
  return window->next_start(now - std::chrono::minutes(window->length_minutes()));
}

std::optional<TimePoint> next_maintenance_check(const CacheClusterRecord& cluster, TimePoint now) {
  auto window = parse_maintenance_window(cluster.maintenance_window);
  if (!window) return std::nullopt;
  TimePoint opens = window->next_start(now);
  if (opens <= now) opens = window->next_start(now + std::chrono::minutes(1));
  return opens;
}

std::optional<std::string> minor_version_upgrade(const CacheClusterRecord& cluster,
                                                 const std::vector<InstalledEngine>& installed) {
  const std::string& running = cluster.pending.engine_version.empty()
                                   ? cluster.engine_version
                                   : cluster.pending.engine_version;
  std::optional<std::string> best;
  for (const auto& e : installed) {
    if (e.engine != cluster.engine || !same_minor_version(e.version, running)) continue;
    if (compare_versions(e.version, running) <= 0) continue;
    if (!best || compare_versions(e.version, *best) > 0) best = e.version;
  }
  return best;
}

std::optional<MaintenanceWork> due_maintenance(const CacheClusterRecord& cluster, TimePoint now,
                                               const std::vector<InstalledEngine>& installed) {
  if (cluster.lifecycle != Lifecycle::kActive) return std::nullopt;
  auto start = current_maintenance_window(cluster, now);
  if (!start || cluster.last_maintenance == *start) return std::nullopt;
  MaintenanceWork w;
  w.window_start = *start;
  w.cache_node_type = cluster.pending.cache_node_type;
  w.engine_version = cluster.pending.engine_version;
  if (cluster.auto_minor_version_upgrade) {
    if (auto newer = minor_version_upgrade(cluster, installed)) {
      w.engine_version = *newer;
      w.auto_upgrade = true;
    }
  }
  if (w.cache_node_type == cluster.node_type) w.cache_node_type.clear();
  if (w.engine_version == cluster.engine_version) w.engine_version.clear();
  if (cluster.pending.num_cache_nodes > 0 &&
      cluster.pending.num_cache_nodes != cluster.num_cache_nodes) {
    w.num_cache_nodes = cluster.pending.num_cache_nodes;
    w.cache_node_ids_to_remove = cluster.pending.cache_node_ids_to_remove;
  }
  if (w.cache_node_type.empty() && w.engine_version.empty() && w.num_cache_nodes == 0)
    return std::nullopt;
  return w;
}

void apply_maintenance(CacheClusterRecord& cluster, const MaintenanceWork& work) {
  if (!work.cache_node_type.empty()) cluster.node_type = work.cache_node_type;
  if (!work.engine_version.empty()) cluster.engine_version = work.engine_version;
  cluster.pending.cache_node_type.clear();
  cluster.pending.engine_version.clear();
  cluster.last_maintenance = work.window_start;
}

}  // namespace cachectl::core
