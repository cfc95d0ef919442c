#include "node/schedule.h"

#include <algorithm>
#include <set>
#include <string>

#include "core/backup_schedule.h"
#include "core/maintenance.h"
#include "node/node_count_change.h"

namespace cachectl::node {
namespace {

using namespace std::chrono_literals;

// At the latest, even with nothing due: a record edited by hand, or a
// notification the command line could not deliver, is seen within this.
constexpr auto kLookAgain = 60s;
// While the node is busy, or work waits for it to be.
constexpr auto kLookSoon = 1s;
constexpr auto kFakeClockCheckInterval = 50ms;  // a test's clock jumps

void earliest(std::optional<core::TimePoint>& wake, std::optional<core::TimePoint> t) {
  if (t && (!wake || *t < *wake)) wake = t;
}

}  // namespace

Schedule::Schedule(const NodeContext& ctx, Supervisor& supervisor, SnapshotJob& snapshot,
                   ModifyRestart& modify, std::function<bool()> idle)
    : ctx_(ctx),
      supervisor_(supervisor),
      snapshot_(snapshot),
      modify_(modify),
      idle_(std::move(idle)),
      cache_(ctx.registry, ctx.home, ctx.options.cluster),
      next_check_(std::chrono::steady_clock::now() + kLookSoon) {}

void Schedule::tick(SteadyTime now) {
  if (now < next_check_) return;
  // One read of the record serves the whole check.
  auto fresh = cache_.get();
  std::optional<core::TimePoint> wake;  // the clock's time of the next look, when one is known
  bool soon = false;
  if (fresh && ctx_.engine == "redis" && ctx_.node.id == "0001")
    soon = run_backups(*fresh, now, wake);
  if (fresh && run_maintenance(*fresh)) fresh = cache_.get();
  if (fresh) {
    if (!fresh->nodes.empty() && fresh->nodes.front().id == ctx_.node.id)
      earliest(wake, core::next_maintenance_check(*fresh, ctx_.clock->now()));
    soon = modify_.catch_up(*fresh, idle_(), now) || soon;
  }
  soon = soon || !idle_();
  ++checks_;
  std::chrono::steady_clock::duration wait = kLookAgain;
  if (ctx_.fake_clock) {
    wait = kFakeClockCheckInterval;
  } else if (soon) {
    wait = kLookSoon;
  } else if (wake) {
    // Rounded up to whole seconds, and never sooner than kLookSoon: a
    // moment already past (a snapshot that could not be deleted) must not spin.
    auto until = std::chrono::ceil<std::chrono::seconds>(*wake - ctx_.clock->now());
    wait = std::clamp<std::chrono::steady_clock::duration>(until, kLookSoon, kLookAgain);
  }
  next_check_ = now + wait;
}

bool Schedule::run_backups(const core::CacheClusterRecord& fresh, SteadyTime now,
                           std::optional<core::TimePoint>& wake) {
  if (fresh.snapshot_retention_limit <= 0) return false;
  std::vector<core::SnapshotRecord> existing;
  std::set<std::string> unreadable;
  for (const auto& name : ctx_.store.list_names()) {
    if (name.rfind("automatic.", 0) != 0) continue;
    auto s = ctx_.store.get(name);
    if (s) {
      existing.push_back(*s);
    } else if (s.error().code != "SnapshotNotFoundFault") {  // not deleted meanwhile
      unreadable.insert(s.error().message);
    }
  }
  // A record that cannot be read cannot be judged by the retention limit
  // (it stays): an event names its file, once while it stays broken, not at
  // every check.
  for (const auto& why : unreadable) {
    if (!reported_unreadable_.count(why))
      ctx_.record_event("Cannot apply the snapshot retention limit to an automatic snapshot: " +
                        why);
  }
  reported_unreadable_ = std::move(unreadable);
  core::TimePoint t = ctx_.clock->now();
  for (const auto& name : core::expired_backups(fresh, t, existing)) {
    if (!ctx_.store.remove(name))
      ctx_.record_event("Deleted automatic snapshot " + name + " (retention)");
  }
  earliest(wake, core::next_backup_check(fresh, t, existing));
  auto due = core::due_backup(fresh, t, existing);
  if (!due) return false;
  // Due, but the node is busy or not serving: it is taken once it can be.
  if (!idle_() || supervisor_.node_status() != "available") return true;
  snapshot_.start_automatic(now, *due);
  return false;
}

bool Schedule::run_maintenance(const core::CacheClusterRecord& fresh) {
  // The cluster's first node runs it (a Memcached cluster can lose 0001).
  if (fresh.nodes.empty() || fresh.nodes.front().id != ctx_.node.id) return false;
  core::TimePoint t = ctx_.clock->now();
  // Outside the window (nearly always) nothing else is looked at: listing
  // the installed engines is a directory scan.
  auto window = core::current_maintenance_window(fresh, t);
  if (!window || fresh.last_maintenance == *window) return false;
  auto installed = core::versioned_engines();
  if (!core::due_maintenance(fresh, t, installed)) return false;
  std::optional<core::MaintenanceWork> done;
  auto err =
      ctx_.registry.update(ctx_.options.cluster, [&](core::CacheClusterRecord& r) -> core::Status {
        done = core::due_maintenance(r, t, installed);
        if (done) core::apply_maintenance(r, *done);
        return std::nullopt;
      });
  if (err || !done) return false;
  std::string what;
  if (!done->cache_node_type.empty()) what += "cache node type " + done->cache_node_type;
  if (!done->engine_version.empty()) {
    if (!what.empty()) what += ", ";
    what +=
        (done->auto_upgrade ? "auto minor version upgrade to engine version " : "engine version ") +
        done->engine_version;
  }
  if (done->num_cache_nodes > 0) {
    if (!what.empty()) what += ", ";
    what += "number of cache nodes " + std::to_string(done->num_cache_nodes);
  }
  ctx_.record_event("Applying modifications in the maintenance window: " + what);
  if (done->num_cache_nodes > 0 &&
      start_node_count_change(ctx_.options.state_dir, ctx_.options.cluster, done->num_cache_nodes,
                              done->cache_node_ids_to_remove, ctx_.dir / "maintenance.log") < 0) {
    ctx_.record_event("Could not change the number of cache nodes: cannot start cachectl");
  }
  return true;
}

}  // namespace cachectl::node
