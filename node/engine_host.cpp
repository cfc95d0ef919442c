#include "node/engine_host.h"

#include <signal.h>
#include <unistd.h>

#include "core/files.h"
#include "node/engine_start.h"
#include "os/spawn.h"

namespace cachectl::node {

using namespace std::chrono_literals;

RealEngineHost::RealEngineHost(EngineEndpoint endpoint, std::filesystem::path dir,
                               EngineClient& client, EngineProbe& probe,
                               std::string shutdown_command)
    : endpoint_(std::move(endpoint)),
      dir_(std::move(dir)),
      client_(client),
      probe_(probe),
      shutdown_command_(std::move(shutdown_command)) {}

pid_t RealEngineHost::start(const EngineLaunch& launch, std::string& error) {
  // A new engine process: whatever the old connection and probe were doing
  // is over.
  client_.reset();
  probe_.cancel();
  if (!write_engine_config(launch, error)) return -1;
  os::Spawned s = os::spawn(engine_spawn_options(launch, dir_));
  if (!s) error = s.what;
  return s.pid;
}

bool RealEngineHost::adopt(pid_t pid, const EngineLaunch& launch) {
  client_.reset();
  probe_.cancel();
  if (pid <= 0 || launch.config_file.empty()) return false;
  // Started with the file the launcher wrote: ours if it says what we
  // would have written (a parameter group changed in between would not).
  auto text = core::read_file(launch.config_file);
  return text && *text == launch.config_text;
}

void RealEngineHost::signal(pid_t pid, int sig) {
  if (pid > 0) ::kill(pid, sig);
}

bool RealEngineHost::ask_to_stop() {
  if (endpoint_.engine != "redis" || shutdown_command_.empty()) return false;
  // The engine closes the connection without a reply as it stops; an error
  // reply means it refused (then the supervisor's deadline sends SIGKILL).
  client_.send(
      {shutdown_command_, "NOSAVE"}, [](const EngineClient::Reply&) {}, 5s,
      std::chrono::steady_clock::now());
  return true;
}

void RealEngineHost::probe(ProbeDone done) {
  probe_.start(std::move(done), std::chrono::steady_clock::now());
}

}  // namespace cachectl::node
