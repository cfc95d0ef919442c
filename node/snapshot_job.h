// A snapshot of the node's data, taken without blocking the poll loop: a
// BGSAVE, then data/dump.rdb is *renamed* to where it goes (no copy, whatever
// its size). Either asked for (POST /v1/snapshot: the RDB goes to the path
// given, the CLI publishes it) or automatic (the daily backup: the daemon
// publishes a system snapshot in the store itself). One at a time.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "node/background_save.h"
#include "node/node_context.h"

namespace cachectl::node {

class SnapshotJob {
 public:
  // The HTTP answer of a requested snapshot.
  using Answer = std::function<void(int status, const std::string& body)>;

  SnapshotJob(const NodeContext& ctx, EngineClient& client);

  bool running() const { return save_.running(); }
  void start_requested(SteadyTime now, const std::string& target, Answer answer);
  // False when the store cannot make room for it (nothing started).
  bool start_automatic(SteadyTime now, const std::string& name);

  void tick(SteadyTime now) { save_.tick(now); }
  SteadyTime next_deadline() const { return save_.next_deadline(); }

 private:
  void requested_done(bool ok, const std::string& why);
  void automatic_done(bool ok, const std::string& why);

  const NodeContext& ctx_;
  BackgroundSave save_;
  std::string target_;
  Answer answer_;
  std::string automatic_name_;
  std::filesystem::path work_;
};

}  // namespace cachectl::node
