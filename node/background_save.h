// A Redis BGSAVE and the wait for it, without blocking the poll loop: the
// (renamed) BGSAVE is sent on the daemon's engine connection, then INFO
// persistence is asked on a timer until the save is done.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "node/engine_client.h"

namespace cachectl::node {

class BackgroundSave {
 public:
  // ok, or why not.
  using Done = std::function<void(bool ok, const std::string& why)>;

  BackgroundSave(EngineClient& client, std::string bgsave_command);

  // Starts a save; `done` runs from a later tick() or engine reply.
  void start(SteadyTime now, Done done);
  void tick(SteadyTime now);
  SteadyTime next_deadline() const;
  bool running() const { return static_cast<bool>(done_); }

 private:
  void finish(bool ok, const std::string& why);
  void ask(SteadyTime now);

  EngineClient& client_;
  std::string bgsave_;
  Done done_;
  long long saves_before_ = -1;
  std::uint64_t generation_ = 0;  // the engine connection the save runs on
  bool asking_ = false;           // an INFO is on its way
  SteadyTime next_ask_ = SteadyTime::max();
  SteadyTime deadline_ = SteadyTime::max();
};

// A field of INFO's text ("rdb_saves:3" -> "3"), or "".
std::string info_field(const std::string& info, const std::string& key);

}  // namespace cachectl::node
