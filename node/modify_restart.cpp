#include "node/modify_restart.h"

namespace cachectl::node {
namespace {

constexpr auto kRetryAfterFailedSave = std::chrono::seconds(10);

}  // namespace

ModifyRestart::ModifyRestart(const NodeContext& ctx, Supervisor& supervisor, EngineClient& client,
                             std::string running_type, std::string running_version,
                             std::string running_group)
    : ctx_(ctx),
      supervisor_(supervisor),
      save_(client, ctx.command("BGSAVE")),
      running_type_(std::move(running_type)),
      running_version_(std::move(running_version)),
      running_group_(std::move(running_group)) {}

bool ModifyRestart::catch_up(const core::CacheClusterRecord& fresh, bool idle, SteadyTime now) {
  if (running() || fresh.lifecycle != core::Lifecycle::kActive) return false;
  if (fresh.node_type == running_type_ && fresh.engine_version == running_version_ &&
      fresh.replication_group_id == running_group_)
    return false;
  if (!idle || supervisor_.node_status() != "available" || now < next_try_) return true;
  from_type_ = running_type_;
  from_version_ = running_version_;
  from_group_ = running_group_;
  if (ctx_.engine != "redis") {
    phase_ = Phase::kRestarting;
    supervisor_.reboot(now);
    return false;
  }
  phase_ = Phase::kSaving;
  save_.start(now, [this](bool ok, const std::string& why) {
    auto at = std::chrono::steady_clock::now();
    if (!ok) {
      ctx_.record_event("Cache node " + ctx_.node.id +
                        " could not save its data before modification (" + why +
                        "); retrying in 10 seconds");
      next_try_ = at + kRetryAfterFailedSave;
      phase_ = Phase::kIdle;
      return;
    }
    phase_ = Phase::kRestarting;
    supervisor_.reboot(at);
  });
  return false;
}

void ModifyRestart::tick(SteadyTime now) {
  save_.tick(now);
  if (phase_ != Phase::kRestarting || supervisor_.node_status() != "available") return;
  // The engine has loaded the RDB; a later reboot must not find it again.
  std::error_code rm;
  core::fs::remove(ctx_.dir / "data" / "dump.rdb", rm);
  if (ctx_.node.id == "0001") {
    if (running_type_ != from_type_)
      ctx_.record_event("Cache node type modified to " + running_type_);
    if (running_version_ != from_version_)
      ctx_.record_event("Cache engine version upgraded to " + running_version_);
    if (running_group_ != from_group_)
      ctx_.record_event(running_group_.empty()
                            ? "Cache cluster left replication group " + from_group_
                            : "Cache cluster joined replication group " + running_group_);
  }
  phase_ = Phase::kIdle;
}

}  // namespace cachectl::node
