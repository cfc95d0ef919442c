#include "node/engine_host.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "os/spawn.h"

namespace cachectl::node {
namespace {

using namespace std::chrono_literals;

// redis.conf names the secret command names: owner-only, whatever the umask.
bool write_private(const std::filesystem::path& path, const std::string& text, std::string& error) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 || ::fchmod(fd, 0600) != 0) {
    error = "cannot write " + path.string() + ": " + std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return false;
  }
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  if (!ok) error = "cannot write " + path.string() + ": " + std::strerror(errno);
  ::close(fd);
  return ok;
}

}  // namespace

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
  if (!launch.config_file.empty() && !write_private(launch.config_file, launch.config_text, error))
    return -1;
  os::SpawnOptions o;
  o.argv = launch.argv;
  o.env = launch.env;
  o.cwd = dir_;
  o.log = dir_ / "engine.log";
  o.new_process_group = true;
  // The engine dies with its daemon, even one killed with SIGKILL.
  o.die_with_parent = true;
  os::Spawned s = os::spawn(o);
  if (!s) error = s.what;
  return s.pid;
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
