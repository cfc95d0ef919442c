#include "cli/ops/resume.h"

#include "cli/node_launcher.h"
#include "cli/node_status.h"
#include "cli/ops/group_operation.h"
#include "cli/ops/recovery.h"
#include "core/files.h"

namespace cachectl::cli {

const char* resume_summary() {
  return "A local command (not an API operation): after the machine restarted, start every node "
         "(and Memcached configuration endpoint) of every cluster that is not being deleted, on "
         "the same endpoints; finish or undo operations that were interrupted; remove what killed "
         "commands left behind; record events for the outage; print what was done as JSON. "
         "Running it again does nothing. Nodes come back empty unless their parameter group has "
         "appendonly yes. A systemd unit runs it at boot (README, 'Machine restart').";
}

int run_resume(Context& ctx, std::ostream& out) {
  nlohmann::json started = nlohmann::json::array();
  nlohmann::json finished = nlohmann::json::array();
  nlohmann::json removed = nlohmann::json::array();
  nlohmann::json skipped = nlohmann::json::array();
  nlohmann::json failed = nlohmann::json::array();
  for (const auto& id : clusters_with_traces(ctx)) {
    auto lock = core::OperationLock::try_take(ctx.home(), id);
    if (!lock) {
      skipped.push_back({{"CacheClusterId", id}, {"Reason", lock.error().message}});
      continue;
    }
    auto record = ctx.registry.get(id);
    if (!record && record.error().code != "CacheClusterNotFound") {
      skipped.push_back({{"CacheClusterId", id}, {"Reason", record.error().message}});
      continue;
    }
    if (record && core::has_unfinished_work(*record)) {
      auto settled = settle(ctx, id);
      if (!settled) {
        failed.push_back({{"CacheClusterId", id}, {"Reason", settled.error().message}});
        continue;
      }
      for (const auto& d : settled->done)
        finished.push_back({{"CacheClusterId", id}, {"Action", d}});
      for (const auto& f : settled->failed)
        failed.push_back({{"CacheClusterId", id}, {"Reason", f}});
      if (settled->deleted) continue;
      record = ctx.registry.get(id);
    }
    auto swept = sweep_cluster_leftovers(ctx, id, /*every_claim=*/true);
    if (!swept) {
      failed.push_back({{"CacheClusterId", id}, {"Reason", swept.error().message}});
      continue;
    }
    for (const auto& left : *swept) removed.push_back(left);
    if (!record) continue;
    for (const auto& d : daemons_of(*record)) {
      auto dir = ctx.home().node_dir(id, d.id);
      if (core::is_locked(dir / "daemon.lock")) continue;
      auto err = launch_node(ctx.home(), id, d.id);
      if (err && !core::is_locked(dir / "daemon.lock")) {
        failed.push_back({{"CacheClusterId", id}, {"CacheNodeId", d.id}, {"Reason", err->message}});
        continue;
      }
      bool endpoint = d.id == core::kConfigEndpointId;
      ctx.record_event(id, endpoint ? "Configuration endpoint restarted after its daemon was "
                                      "found stopped"
                                    : "Cache node " + d.id +
                                          " restarted after the node daemon was found stopped");
      const auto* node = record->find_node(d.id);
      started.push_back({{"CacheClusterId", id},
                         {"CacheNodeId", d.id},
                         {"Address", d.address},
                         {"Port", node ? node->port : record->config_port}});
    }
  }
  // Replication groups: what a killed command left is finished or undone,
  // and each group's daemon (Sentinel, the ReaderEndpoint) runs again.
  core::ReplicationGroupStore groups(ctx.home());
  for (const auto& id : groups.list_ids()) {
    auto lock = lock_group(ctx, id);
    if (!lock) {
      skipped.push_back({{"ReplicationGroupId", id}, {"Reason", lock.error().message}});
      continue;
    }
    bool was_running = core::is_locked(core::group_dir(ctx.home(), id) / "daemon.lock");
    auto settled = settle_group(ctx, id);
    if (!settled) {
      failed.push_back({{"ReplicationGroupId", id}, {"Reason", settled.error().message}});
      continue;
    }
    for (const auto& d : settled->done)
      finished.push_back({{"ReplicationGroupId", id}, {"Action", d}});
    for (const auto& f : settled->failed)
      failed.push_back({{"ReplicationGroupId", id}, {"Reason", f}});
    if (!settled->deleted && !was_running &&
        core::is_locked(core::group_dir(ctx.home(), id) / "daemon.lock")) {
      ctx.record_group_event(id, "Replication group daemon restarted after it was found stopped");
      started.push_back({{"ReplicationGroupId", id}, {"Daemon", "replication group"}});
    }
  }
  for (const auto& left : sweep_temporary_files(ctx)) removed.push_back(left);
  nlohmann::json doc{{"StartedNodes", started},
                     {"FinishedOperations", finished},
                     {"RemovedLeftovers", removed},
                     {"SkippedClusters", skipped},
                     {"Failed", failed}};
  out << doc.dump(4) << "\n";
  return failed.empty() ? 0 : 254;
}

}  // namespace cachectl::cli
