// The supervisor's effects on the real world: the engine runs as a child of
// the daemon (os::spawn: its own process group, dies with the daemon, output
// to engine.log), signals are kill(2), the probe is a PING on the daemon's
// loop (node/engine_probe.h), and Redis is asked to stop with the renamed
// SHUTDOWN NOSAVE.
#pragma once

#include <string>

#include "node/engine_client.h"
#include "node/engine_probe.h"
#include "node/supervisor.h"

namespace cachectl::node {

struct EngineEndpoint {
  std::string engine;  // "redis" | "memcached"
  std::string address;
  int port = 0;
};

class RealEngineHost final : public EngineHost {
 public:
  // `client` is the daemon's engine connection, `probe` its prober (both
  // served by the daemon's loop); `shutdown_command` the renamed SHUTDOWN
  // ("" for Memcached).
  RealEngineHost(EngineEndpoint endpoint, std::filesystem::path dir, EngineClient& client,
                 EngineProbe& probe, std::string shutdown_command);
  pid_t start(const EngineLaunch& launch, std::string& error) override;
  bool adopt(pid_t pid, const EngineLaunch& launch) override;
  void signal(pid_t pid, int signal) override;
  bool ask_to_stop() override;
  void probe(ProbeDone done) override;

 private:
  EngineEndpoint endpoint_;
  std::filesystem::path dir_;
  EngineClient& client_;
  EngineProbe& probe_;
  std::string shutdown_command_;
};

}  // namespace cachectl::node
