#include "os/spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace cachectl::os {
namespace {

// What travels on the status pipe from the child to spawn().
struct Report {
  int kind;  // kPid or kErrno
  int value;
};
constexpr int kPid = 1;
constexpr int kErrno = 2;

void report(int fd, int kind, int value) {
  Report r{kind, value};
  (void)!::write(fd, &r, sizeof r);
}

// From fork to exec: only async-signal-safe calls, nothing allocated.
[[noreturn]] void child(const SpawnOptions& o, char* const* argv, char* const* envp, int status_fd,
                        pid_t parent) {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int s = 1; s < NSIG; ++s) {
    if (s != SIGKILL && s != SIGSTOP) ::sigaction(s, &dfl, nullptr);
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (o.new_session || o.detach) ::setsid();
  if (o.new_process_group && !o.new_session && !o.detach) ::setpgid(0, 0);
  if (o.die_with_parent) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
  }
  if (o.detach) {
    pid_t grandchild = ::fork();
    if (grandchild < 0) {
      report(status_fd, kErrno, errno);
      ::_exit(127);
    }
    if (grandchild > 0) {
      report(status_fd, kPid, grandchild);
      ::_exit(0);
    }
  }
  // Every descriptor the child gets, first moved above all targets so that
  // no dup2 overwrites a source that is still needed.
  int top = 2;
  for (const auto& f : o.fds) top = std::max(top, f.child);
  const int high = top + 1;
  status_fd = ::fcntl(status_fd, F_DUPFD_CLOEXEC, high);
  int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  int log = -1;
  if (!o.log.empty()) {
    log = ::open(o.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
  }
  auto lift = [&](int fd) { return fd < 0 ? -1 : ::fcntl(fd, F_DUPFD_CLOEXEC, high); };
  devnull = lift(devnull);
  log = lift(log);
  constexpr int kMaxFds = 16;
  int sources[kMaxFds];
  int count = 0;
  for (const auto& f : o.fds) {
    if (count < kMaxFds) sources[count++] = lift(f.parent);
  }
  auto given = [&](int target) {
    for (const auto& f : o.fds)
      if (f.child == target) return true;
    for (int fd : o.inherit)
      if (fd == target) return true;
    return false;
  };
  for (int target = 0; target <= 2; ++target) {
    if (given(target)) continue;
    int source = target > 0 && log >= 0 ? log : devnull;
    if (source >= 0) ::dup2(source, target);
  }
  for (int i = 0; i < count; ++i) {
    if (sources[i] < 0 || ::dup2(sources[i], o.fds[static_cast<std::size_t>(i)].child) < 0) {
      report(status_fd, kErrno, errno);
      ::_exit(127);
    }
  }
  // Nothing else crosses exec: below `high`, what is not a target is closed;
  // from `high` up (the lifted copies, the status pipe, whatever the parent
  // had open) everything is close-on-exec.
  for (int fd = 3; fd < high; ++fd) {
    if (!given(fd)) ::close(fd);
  }
  if (::close_range(static_cast<unsigned>(high), ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
    for (int fd = high; fd < 1024; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  if (!o.cwd.empty() && ::chdir(o.cwd.c_str()) != 0) {
    report(status_fd, kErrno, errno);
    ::_exit(127);
  }
  if (envp) {
    ::execvpe(argv[0], argv, envp);
  } else {
    ::execvp(argv[0], argv);
  }
  report(status_fd, kErrno, errno);
  ::_exit(127);
}

}  // namespace

std::string describe_wait_status(int ws) {
  if (WIFSIGNALED(ws)) return "was killed by signal " + std::to_string(WTERMSIG(ws));
  if (WIFEXITED(ws)) return "exited with status " + std::to_string(WEXITSTATUS(ws));
  return "stopped";
}

Spawned spawn(const SpawnOptions& o) {
  Spawned out;
  if (o.argv.empty()) {
    out.error = EINVAL;
    out.what = "nothing to run";
    return out;
  }
  auto failed = [&](const char* step, int e) {
    out.pid = -1;
    out.error = e;
    out.what = "cannot run " + o.argv[0] + ": " + step + std::strerror(e);
    return out;
  };
  std::vector<char*> argv;
  for (const auto& a : o.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  // The environment is built before fork: the child may not allocate.
  std::vector<std::string> env_strings;
  std::vector<char*> envp;
  if (!o.env.empty()) {
    auto name_of = [](const std::string& e) { return e.substr(0, e.find('=')); };
    for (char** e = environ; *e; ++e) {
      std::string entry(*e);
      bool replaced = false;
      for (const auto& extra : o.env) replaced = replaced || name_of(extra) == name_of(entry);
      if (!replaced) env_strings.push_back(entry);
    }
    for (const auto& extra : o.env) env_strings.push_back(extra);
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
  }
  int status[2];
  if (::pipe2(status, O_CLOEXEC) != 0) return failed("pipe: ", errno);
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    int e = errno;
    ::close(status[0]);
    ::close(status[1]);
    return failed("fork: ", e);
  }
  if (pid == 0) {
    ::close(status[0]);
    child(o, argv.data(), envp.empty() ? nullptr : envp.data(), status[1], parent);
  }
  ::close(status[1]);
  pid_t detached = -1;
  int child_errno = 0;
  for (;;) {
    Report r{};
    ssize_t n = ::read(status[0], &r, sizeof r);
    if (n < 0 && errno == EINTR) continue;
    if (n != sizeof r) break;  // EOF: exec'ed (or died)
    if (r.kind == kPid) detached = r.value;
    if (r.kind == kErrno) child_errno = r.value;
  }
  ::close(status[0]);
  if (o.detach || child_errno != 0) {
    // The intermediate child exits at once; a child that could not exec has
    // exited with 127. Either is reaped here, not left to the caller.
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  if (child_errno != 0) return failed("", child_errno);
  if (o.detach) {
    if (detached <= 0) return failed("fork: ", EAGAIN);
    pid = detached;
  }
  out.pid = pid;
  return out;
}

bool Finished::succeeded() const {
  return started && WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
}

Finished run(SpawnOptions o, bool with_stderr, std::size_t limit) {
  Finished f;
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) {
    f.what = std::string("pipe: ") + std::strerror(errno);
    return f;
  }
  o.detach = false;
  o.fds.push_back({1, out[1]});
  if (with_stderr) o.fds.push_back({2, out[1]});
  Spawned s = spawn(o);
  ::close(out[1]);
  if (!s) {
    ::close(out[0]);
    f.what = s.what;
    return f;
  }
  f.started = true;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (f.output.size() < limit)
      f.output.append(buf, std::min(static_cast<std::size_t>(n), limit - f.output.size()));
  }
  ::close(out[0]);
  while (::waitpid(s.pid, &f.wait_status, 0) < 0 && errno == EINTR) {
  }
  return f;
}

}  // namespace cachectl::os
