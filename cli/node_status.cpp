#include "cli/node_status.h"

#include "core/files.h"

namespace cachectl::cli {

namespace {
// A daemon is started right after its record is written; until it serves its
// socket, a young cluster is still "creating" rather than "failed".
constexpr auto kStartGrace = std::chrono::seconds(10);
// How long one cluster's daemons are given to answer.
constexpr auto kStatusTimeout = std::chrono::milliseconds(2000);
using namespace std::chrono_literals;

// A node status that changes by itself: worth waiting on.
bool passing(const std::string& status) {
  return status == "creating" || status == "rebooting" || status == "modifying" ||
         status == "deleting" || status == "snapshotting";
}
}  // namespace

std::vector<DaemonRef> daemons_of(const core::CacheClusterRecord& record) {
  std::vector<DaemonRef> out;
  for (const auto& node : record.nodes) out.push_back({node.id, node.address, node.create_time});
  if (record.has_config_endpoint()) {
    out.push_back(
        {std::string(core::kConfigEndpointId), record.config_address, record.create_time});
  }
  return out;
}

std::vector<DaemonRef> all_daemons_of(const core::CacheClusterRecord& record) {
  std::vector<DaemonRef> out = daemons_of(record);
  for (const auto& n : record.removing) out.push_back({n.id, n.address, n.create_time});
  return out;
}

std::vector<core::NodeStatuses> live_node_statuses(
    Context& ctx, const std::vector<core::CacheClusterRecord>& records,
    std::chrono::milliseconds timeout, Unanswered unanswered) {
  // Every daemon is asked at once: a describe of 1,000 clusters waits for
  // the slowest answer, not for the sum of them.
  std::vector<AdminClient::Ask> asks;
  bool waits = false;
  for (const auto& record : records) {
    if (record.lifecycle == core::Lifecycle::kDeleting) continue;
    for (const auto& d : daemons_of(record)) {
      auto socket = ctx.home().admin_socket(d.address);
      auto last = ctx.last_status.find(socket.string());
      if (ctx.status_wait.count() > 0 && last != ctx.last_status.end() && passing(last->second)) {
        asks.push_back({socket, core::admin::Route::kStatusChange,
                        core::admin::to_json(core::admin::StatusChangeRequest{
                            last->second, ctx.status_wait.count()})});
        waits = true;
      } else {
        asks.push_back({socket, core::admin::Route::kStatus, ""});
      }
    }
  }
  std::vector<AdminReply> replies =
      ctx.admin().call_all(asks, timeout + (waits ? ctx.status_wait : 0ms));
  // A daemon that serves no long poll (a configuration endpoint's) is asked
  // as it is now.
  std::vector<AdminClient::Ask> again;
  std::vector<std::size_t> again_at;
  for (std::size_t i = 0; i < asks.size(); ++i) {
    if (asks[i].route == core::admin::Route::kStatusChange && replies[i].ok(404)) {
      again.push_back({asks[i].socket, core::admin::Route::kStatus, ""});
      again_at.push_back(i);
    }
  }
  if (!again.empty()) {
    auto answers = ctx.admin().call_all(again, timeout);
    for (std::size_t k = 0; k < again.size(); ++k) replies[again_at[k]] = std::move(answers[k]);
  }
  std::vector<core::NodeStatuses> all;
  std::size_t next = 0;
  ctx.next_look_waits = false;
  for (const auto& record : records) {
    core::NodeStatuses out;
    for (const auto& d : daemons_of(record)) {
      if (record.lifecycle == core::Lifecycle::kDeleting) {
        out.push_back("deleting");
        continue;
      }
      const AdminReply& reply = replies[next];
      const std::string socket = asks[next++].socket.string();
      if (reply.ok()) {
        if (auto s = core::admin::parse_status_response(reply.body)) {
          out.push_back(s->status);
          if (ctx.status_wait.count() > 0) {
            ctx.last_status[socket] = s->status;
            if (passing(s->status)) ctx.next_look_waits = true;
          }
          continue;
        }
      }
      if (unanswered == Unanswered::kUnknown) {
        out.push_back("unknown");
        continue;
      }
      // No answer. A live daemon holds its lock (it may be busy); a daemon
      // that ran and died left its pid file; neither means not started yet.
      core::fs::path dir = ctx.home().node_dir(record.id, d.id);
      bool alive = core::is_locked(dir / "daemon.lock");
      bool died = !alive && core::fs::exists(dir / "daemon.pid");
      bool young = ctx.clock.now() - d.create_time < kStartGrace;
      out.push_back(alive || (!died && young) ? "creating" : "failed");
    }
    all.push_back(std::move(out));
  }
  return all;
}

core::NodeStatuses live_node_statuses(Context& ctx, const core::CacheClusterRecord& record,
                                      Unanswered unanswered) {
  return live_node_statuses(ctx, std::vector<core::CacheClusterRecord>{record}, kStatusTimeout,
                            unanswered)
      .front();
}

nlohmann::json live_cluster_json(Context& ctx, const core::CacheClusterRecord& record,
                                 bool show_node_info) {
  return core::cache_cluster_json(record, live_node_statuses(ctx, record), show_node_info,
                                  ctx.region, ctx.home().ca_certificate_file().string());
}

}  // namespace cachectl::cli
