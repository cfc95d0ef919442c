// The one way cachectl starts a child process (engines, node daemons,
// cachectl-fetch, engine version probes, the maintenance window's cachectl).
//
// Every child starts the same clean way, whatever its parent did to itself:
// every signal's disposition back to the default (a parent that ignores
// SIGPIPE must not hand that to redis-server or a shell), an empty signal
// mask (the node daemon blocks SIGCHLD/SIGTERM for its signalfd), only the
// descriptors it is given (0, 1, 2 and those in `fds`; every other one is
// closed, close-on-exec or not), standard input from /dev/null unless given.
// An exec that fails is reported to the parent as an errno, not as a child
// that exits 127.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace cachectl::os {

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0] is looked up on PATH when it has no '/'
  std::filesystem::path cwd;      // empty: the parent's
  // The child's descriptor `child` is the parent's `parent` (dup2). 0, 1 and
  // 2 not given here are /dev/null, except those named in `inherit`.
  struct Fd {
    int child;
    int parent;
  };
  std::vector<Fd> fds;
  std::vector<int> inherit;  // of 0, 1, 2: keep the parent's
  // Standard output and error appended to this file (created 0600), unless
  // given in `fds`.
  std::filesystem::path log;
  bool new_session = false;        // setsid(): no signal to our group reaches it
  bool new_process_group = false;  // setpgid(0, 0)
  bool die_with_parent = false;    // PR_SET_PDEATHSIG SIGTERM
  // Double fork: the child is re-parented (to init or a subreaper) and is
  // not ours to reap; spawn() returns once it has exec'ed (pid then is that
  // of the detached process).
  bool detach = false;
  // Extra environment entries ("NAME=VALUE", replacing an inherited NAME);
  // the rest of the parent's environment is kept.
  std::vector<std::string> env;
  // detach only: a program the detached process starts as its own child
  // just before it execs argv (a node daemon's engine, started before the
  // daemon's own start), and the argument of argv that is replaced by the
  // decimal pid of that child, or by "0" when it could not be started (the
  // program then starts it itself). Its die_with_parent is relative to the
  // detached process.
  const SpawnOptions* first = nullptr;
  std::size_t first_pid_argument = 0;
};

struct Spawned {
  pid_t pid = -1;    // -1 on failure
  int error = 0;     // errno of what failed
  std::string what;  // "cannot run PROGRAM: reason", on failure
  explicit operator bool() const { return pid > 0; }
};

Spawned spawn(const SpawnOptions& options);

// Runs a program to completion, with its standard output (and, if
// `with_stderr`, its error) captured, up to `limit` bytes.
struct Finished {
  bool started = false;
  std::string what;  // why it did not start
  int wait_status = 0;
  std::string output;
  bool succeeded() const;  // exited with status 0
};
Finished run(SpawnOptions options, bool with_stderr, std::size_t limit = 1 << 20);

// "was killed by signal 9", "exited with status 1".
std::string describe_wait_status(int wait_status);

}  // namespace cachectl::os
