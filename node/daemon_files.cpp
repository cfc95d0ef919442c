#include "node/daemon_files.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstdio>

#include "core/files.h"

namespace cachectl::node {

bool take_daemon_lock(const std::filesystem::path& dir) {
  int fd = ::open((dir / "daemon.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return false;
  }
  return true;  // the descriptor stays open: the lock lasts as long as we do
}

int signal_descriptor(bool children) {
  sigset_t mask;
  sigemptyset(&mask);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&mask, s);
  if (children) sigaddset(&mask, SIGCHLD);
  ::sigprocmask(SIG_BLOCK, &mask, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  return ::signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
}

bool read_stop_signals(int signal_fd) {
  bool stop = false;
  signalfd_siginfo si;
  while (::read(signal_fd, &si, sizeof si) == sizeof si)
    if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT || si.ssi_signo == SIGHUP) stop = true;
  return stop;
}

int poll_timeout(std::chrono::steady_clock::time_point deadline,
                 std::chrono::steady_clock::time_point now, std::chrono::milliseconds cap) {
  if (deadline <= now) return 0;
  return static_cast<int>(
      std::min(cap, std::chrono::ceil<std::chrono::milliseconds>(deadline - now)).count());
}

void tell_launcher(int fd, const std::string& message) {
  if (fd < 0) return;
  std::string line = message + "\n";
  (void)!::write(fd, line.data(), line.size());
}

void write_pid_file(const std::filesystem::path& dir) {
  // Not synced: a pid means nothing after a restart of the machine, and
  // the fsyncs were on the path from create to the engine's start.
  if (!core::replace_file(dir / "daemon.pid", std::to_string(::getpid()) + "\n"))
    std::fprintf(stderr, "cannot write %s\n", (dir / "daemon.pid").c_str());
}

}  // namespace cachectl::node
