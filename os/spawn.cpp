#include "os/spawn.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

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

// What the child needs, prepared by the parent (the child allocates nothing).
struct ChildArgs {
  const SpawnOptions* o;
  const char* program;  // argv[0] resolved on PATH by the parent, or as given
  char* const* argv;
  char* const* envp;  // nullptr: the parent's environment
  int status_fd;
  pid_t parent;
  void* grandchild_stack;  // detach: where the detached process starts
  // detach with a first program: what it needs, its status pipe's read end,
  // and the argument to write its pid into (room for 20 digits).
  ChildArgs* first = nullptr;
  int first_status_read = -1;
  char* first_pid_text = nullptr;
};

// Its own stack for each child that shares our memory (clone(CLONE_VM)).
constexpr std::size_t kChildStack = 256 * 1024;

[[noreturn]] void exec_child(ChildArgs& a);

int child_main(void* arg);

// Writes `value` in decimal at `out` (async-signal-safe).
void write_decimal(char* out, long value) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0 && n < 20);
  for (int i = 0; i < n; ++i) out[i] = digits[n - 1 - i];
  out[n] = '\0';
}

// The detached process (detach): started by the first child, which reports
// its pid and exits as soon as it has exec'ed. With a first program, it
// starts that first (so that it is its parent once it has exec'ed argv)
// and names it in argv; one that did not start is named "0".
int grandchild_main(void* arg) {
  ChildArgs& a = *static_cast<ChildArgs*>(arg);
  if (a.first) {
    a.first->parent = ::getpid();
    pid_t first = ::clone(child_main, static_cast<char*>(a.first->grandchild_stack) + kChildStack,
                          CLONE_VM | CLONE_VFORK | SIGCHLD, a.first);
    // It has exec'ed or exited (CLONE_VFORK): a report is there or not.
    Report r{};
    bool failed = first < 0 || ::read(a.first_status_read, &r, sizeof r) == sizeof r;
    if (failed && first > 0) {
      while (::waitpid(first, nullptr, 0) < 0 && errno == EINTR) {
      }
    }
    write_decimal(a.first_pid_text, failed ? 0 : first);
  }
  exec_child(a);
}

// From clone to exec: only async-signal-safe calls, nothing allocated, no
// memory of the parent's written (the child runs in it, on its own stack,
// until it execs: clone(CLONE_VM | CLONE_VFORK), as posix_spawn does, so
// that starting an engine or a daemon copies no page tables).
int child_main(void* arg) {
  ChildArgs& a = *static_cast<ChildArgs*>(arg);
  const SpawnOptions& o = *a.o;
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int s = 1; s < NSIG; ++s) {
    if (s != SIGKILL && s != SIGSTOP) ::sigaction(s, &dfl, nullptr);
  }
  if (o.new_session || o.detach) ::setsid();
  if (o.new_process_group && !o.new_session && !o.detach) ::setpgid(0, 0);
  if (o.die_with_parent) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != a.parent) ::_exit(127);  // the parent died before prctl
  }
  if (o.detach) {
    // Not fork(): its handlers would run in memory we share with the parent.
    pid_t grandchild =
        ::clone(grandchild_main, static_cast<char*>(a.grandchild_stack) + kChildStack,
                CLONE_VM | CLONE_VFORK | SIGCHLD, &a);
    if (grandchild < 0) {
      report(a.status_fd, kErrno, errno);
      ::_exit(127);
    }
    // It has exec'ed (or failed, and said why on the status pipe).
    report(a.status_fd, kPid, grandchild);
    ::_exit(0);
  }
  exec_child(a);
}

[[noreturn]] void exec_child(ChildArgs& a) {
  const SpawnOptions& o = *a.o;
  int status_fd = a.status_fd;
  // The signals the parent blocked around clone are the child's to get.
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
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
  if (a.envp) {
    ::execvpe(a.program, a.argv, a.envp);
  } else {
    ::execvp(a.program, a.argv);
  }
  report(status_fd, kErrno, errno);
  ::_exit(127);
}

// argv[0] looked up on PATH by the parent (access(2) is cheaper than a
// failed execve per PATH entry); as given when it has a '/' or is not found
// (the child's execvp then says why).
std::string resolve_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::string dirs = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return name;
}

// Our environment with `extra` ("NAME=VALUE") added, replacing NAME.
std::vector<std::string> environment_with(const std::vector<std::string>& extra) {
  std::vector<std::string> out;
  auto name_of = [](const std::string& e) { return e.substr(0, e.find('=')); };
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    bool replaced = false;
    for (const auto& x : extra) replaced = replaced || name_of(x) == name_of(entry);
    if (!replaced) out.push_back(entry);
  }
  for (const auto& x : extra) out.push_back(x);
  return out;
}

// execve's form of `strings`: their characters, then a null pointer. Made
// before fork: the child may not allocate.
std::vector<char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (const auto& x : strings) out.push_back(const_cast<char*>(x.c_str()));
  out.push_back(nullptr);
  return out;
}

// A stack for a child, unmapped when done.
class ChildStack {
 public:
  ChildStack()
      : p_(::mmap(nullptr, kChildStack, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0)) {}
  ~ChildStack() {
    if (ok()) ::munmap(p_, kChildStack);
  }
  ChildStack(const ChildStack&) = delete;
  ChildStack& operator=(const ChildStack&) = delete;
  bool ok() const { return p_ != MAP_FAILED; }
  void* base() const { return p_; }
  char* top() const { return static_cast<char*>(p_) + kChildStack; }

 private:
  void* p_;
};

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
  std::vector<char*> argv = c_strings(o.argv);
  // The environment is built before fork: the child may not allocate.
  std::vector<std::string> env_strings;
  std::vector<char*> envp;
  if (!o.env.empty()) {
    env_strings = environment_with(o.env);
    envp = c_strings(env_strings);
  }
  const std::string program = resolve_program(o.argv[0]);
  ChildStack stack, grandchild_stack;
  if (!stack.ok() || (o.detach && !grandchild_stack.ok())) return failed("mmap: ", errno);
  // The first program's arguments, prepared here like the rest (it runs on
  // the detached process's memory, which is ours until it execs).
  const bool with_first = o.detach && o.first && !o.first->argv.empty() &&
                          o.first_pid_argument > 0 && o.first_pid_argument < o.argv.size();
  std::vector<std::string> first_env_strings;
  std::vector<char*> first_argv, first_envp;
  std::string first_program;
  std::string first_pid_text(24, '0');
  std::optional<ChildStack> first_stack;  // mapped only when there is one
  int first_status[2] = {-1, -1};
  if (with_first) {
    first_argv = c_strings(o.first->argv);
    first_env_strings = environment_with(o.first->env);
    first_envp = c_strings(first_env_strings);
    first_program = resolve_program(o.first->argv[0]);
    first_stack.emplace();
    if (!first_stack->ok()) return failed("mmap: ", errno);
    // Non-blocking: we hold its write end too, so no EOF ever comes; once
    // the first program has exec'ed or exited, its report is there or not.
    if (::pipe2(first_status, O_CLOEXEC | O_NONBLOCK) != 0) return failed("pipe: ", errno);
    argv[o.first_pid_argument] = first_pid_text.data();
  }
  ChildArgs first_args{o.first,
                       first_program.c_str(),
                       first_argv.data(),
                       o.first && !o.first->env.empty() ? first_envp.data() : nullptr,
                       first_status[1],
                       0,
                       first_stack ? first_stack->base() : nullptr};
  int status[2];
  if (::pipe2(status, O_CLOEXEC) != 0) {
    if (with_first) {
      ::close(first_status[0]);
      ::close(first_status[1]);
    }
    return failed("pipe: ", errno);
  }
  ChildArgs args{&o,
                 program.c_str(),
                 argv.data(),
                 envp.empty() ? nullptr : envp.data(),
                 status[1],
                 ::getpid(),
                 grandchild_stack.base(),
                 with_first ? &first_args : nullptr,
                 first_status[0],
                 first_pid_text.data()};
  // No handler of ours may run in the child (it shares our memory): every
  // signal waits until it has exec'ed, and it starts with none blocked.
  sigset_t all, old;
  sigfillset(&all);
  ::sigprocmask(SIG_SETMASK, &all, &old);
  pid_t pid = ::clone(child_main, stack.top(), CLONE_VM | CLONE_VFORK | SIGCHLD, &args);
  int clone_errno = errno;
  ::sigprocmask(SIG_SETMASK, &old, nullptr);
  if (pid < 0) {
    ::close(status[0]);
    ::close(status[1]);
    return failed("clone: ", clone_errno);
  }
  ::close(status[1]);
  if (with_first) {
    ::close(first_status[0]);
    ::close(first_status[1]);
  }
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
