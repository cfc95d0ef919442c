#include "node/snapshot_job.h"

#include "core/admin_api.h"

namespace cachectl::node {

SnapshotJob::SnapshotJob(const NodeContext& ctx, EngineClient& client)
    : ctx_(ctx), save_(client, ctx.command("BGSAVE")) {}

void SnapshotJob::start_requested(SteadyTime now, const std::string& target, Answer answer) {
  target_ = target;
  answer_ = std::move(answer);
  save_.start(now, [this](bool ok, const std::string& why) { requested_done(ok, why); });
}

void SnapshotJob::requested_done(bool ok, const std::string& why) {
  Answer answer = std::move(answer_);
  answer_ = nullptr;
  namespace admin = core::admin;
  if (!ok) return answer(500, admin::to_json(admin::ErrorResponse{why}));
  std::error_code ec;
  core::fs::rename(ctx_.dir / "data" / "dump.rdb", target_, ec);
  if (ec)
    return answer(500, admin::to_json(admin::ErrorResponse{"cannot move the RDB to " + target_ +
                                                           ": " + ec.message()}));
  auto size = core::fs::file_size(target_, ec);
  answer(200, admin::to_json(
                  admin::SnapshotResponse{target_, ec ? 0 : static_cast<std::int64_t>(size)}));
}

bool SnapshotJob::start_automatic(SteadyTime now, const std::string& name) {
  auto work = ctx_.store.begin(name);
  if (!work) return false;
  work_ = *work;
  automatic_name_ = name;
  target_ = (work_ / (ctx_.node.id + ".rdb")).string();
  save_.start(now, [this](bool ok, const std::string& why) { automatic_done(ok, why); });
  return true;
}

void SnapshotJob::automatic_done(bool ok, const std::string& why) {
  std::error_code ec;
  if (ok) core::fs::rename(ctx_.dir / "data" / "dump.rdb", target_, ec);
  auto fresh = ctx_.registry.get(ctx_.options.cluster);
  if (!ok || ec || !fresh) {
    ctx_.store.discard(work_);
    ctx_.record_event("Automatic snapshot failed for snapshot named " + automatic_name_ + ": " +
                      (!ok  ? why
                       : ec ? ec.message()
                            : fresh.error().message));
    return;
  }
  core::SnapshotRecord s;
  s.name = automatic_name_;
  s.source = "system";
  s.cluster = *fresh;
  s.nodes.push_back({ctx_.node.id, static_cast<std::int64_t>(core::fs::file_size(target_, ec)),
                     ctx_.node.create_time, ctx_.clock->now()});
  if (!ctx_.store.publish(work_, s))
    ctx_.record_event("Automatic snapshot succeeded for snapshot named " + s.name);
}

}  // namespace cachectl::node
