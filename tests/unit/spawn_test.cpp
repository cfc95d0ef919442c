// os::spawn: every child starts clean, whatever its parent did to itself.
#include "os/spawn.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <sstream>

namespace cachectl::os {
namespace {

std::string field(const std::string& status, const std::string& name) {
  auto at = status.find("\n" + name + ":");
  if (at == std::string::npos) return {};
  auto start = status.find_first_not_of(" \t", at + name.size() + 2);
  return status.substr(start, status.find('\n', start) - start);
}

TEST(Spawn, TheChildHasDefaultSignalsAnEmptyMaskAndOnlyItsOwnDescriptors) {
  // The parent ignores SIGPIPE and blocks SIGCHLD/SIGTERM, as the node daemon
  // does, and holds a descriptor open without close-on-exec.
  struct sigaction old_pipe {};
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &old_pipe);
  sigset_t block, old_mask;
  sigemptyset(&block);
  sigaddset(&block, SIGCHLD);
  sigaddset(&block, SIGTERM);
  ::sigprocmask(SIG_BLOCK, &block, &old_mask);
  int leaked = ::open("/dev/null", O_RDONLY);  // no O_CLOEXEC

  SpawnOptions o;
  o.argv = {"/bin/sh", "-c", "cat /proc/self/status; ls /proc/self/fd | tr '\\n' ' '"};
  Finished f = run(o, /*with_stderr=*/false);

  ::sigaction(SIGPIPE, &old_pipe, nullptr);
  ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
  ::close(leaked);

  ASSERT_TRUE(f.succeeded()) << f.what;
  EXPECT_EQ(field(f.output, "SigIgn"), "0000000000000000") << "SIGPIPE is not inherited ignored";
  EXPECT_EQ(field(f.output, "SigBlk"), "0000000000000000");
  // sh's stdin, stdout, stderr, and the descriptor ls reads /proc/self/fd with.
  std::string fds = f.output.substr(f.output.rfind('\n') + 1);
  EXPECT_EQ(fds, "0 1 2 3 ") << "only 0, 1 and 2 cross exec";
}

TEST(Spawn, AProgramThatCannotRunIsAnErrorNotAChild) {
  SpawnOptions o;
  o.argv = {"/nonexistent/program"};
  Spawned s = spawn(o);
  EXPECT_FALSE(s);
  EXPECT_EQ(s.error, ENOENT);
  EXPECT_EQ(s.what, "cannot run /nonexistent/program: No such file or directory");
}

TEST(Spawn, GivenDescriptorsAndTheWorkingDirectoryReachTheChild) {
  int p[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
  SpawnOptions o;
  o.argv = {"/bin/sh", "-c", "pwd >&3"};
  o.cwd = "/";
  o.fds = {{3, p[1]}};
  Spawned s = spawn(o);
  ::close(p[1]);
  ASSERT_TRUE(s) << s.what;
  char buf[64] = {};
  ssize_t n = ::read(p[0], buf, sizeof buf - 1);
  ::close(p[0]);
  int ws = 0;
  ::waitpid(s.pid, &ws, 0);
  EXPECT_EQ(std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0), "/\n");
}

TEST(Spawn, ADetachedChildIsNotOurs) {
  int p[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
  SpawnOptions o;
  o.argv = {"/bin/sh", "-c", "echo $$ >&3"};
  o.fds = {{3, p[1]}};
  o.detach = true;
  Spawned s = spawn(o);
  ::close(p[1]);
  ASSERT_TRUE(s) << s.what;
  char buf[64] = {};
  ssize_t n = ::read(p[0], buf, sizeof buf - 1);
  ::close(p[0]);
  EXPECT_EQ(std::atoi(std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0).c_str()), s.pid);
  EXPECT_EQ(::waitpid(s.pid, nullptr, WNOHANG), -1) << "re-parented: not our child";
  EXPECT_EQ(errno, ECHILD);
}

// The detached program's report: "$1 $$ PPID-of-$1 ARGS-of-$1", on fd 3.
std::string spawn_with_first(const std::vector<std::string>& first_argv, Spawned& s) {
  int p[2];
  EXPECT_EQ(::pipe2(p, O_CLOEXEC), 0);
  SpawnOptions first;
  first.argv = first_argv;
  first.die_with_parent = true;
  SpawnOptions o;
  o.argv = {"/bin/sh", "-c",
            "if [ \"$1\" = 0 ]; then echo \"0 $$\" >&3; exit; fi; "
            "echo \"$1 $$ $(cut -d' ' -f4 /proc/$1/stat) $(tr '\\0' ' ' < /proc/$1/cmdline)\" "
            ">&3; wait",
            "sh", "PID"};
  o.fds = {{3, p[1]}};
  o.detach = true;
  o.first = &first;
  o.first_pid_argument = 4;
  s = spawn(o);
  ::close(p[1]);
  std::string out;
  char buf[256];
  ssize_t n;
  while ((n = ::read(p[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  ::close(p[0]);
  return out;
}

TEST(Spawn, ADetachedProgramsFirstProgramIsItsChildAndItsPidIsInTheArguments) {
  Spawned s;
  std::string out = spawn_with_first({"sleep", "0.2"}, s);
  ASSERT_TRUE(s) << s.what;
  std::istringstream words(out);
  int first = 0, detached = 0, parent = 0;
  std::string program, argument;
  words >> first >> detached >> parent >> program >> argument;
  EXPECT_GT(first, 0) << out;
  EXPECT_EQ(detached, s.pid) << out;
  EXPECT_EQ(parent, s.pid) << "the first program is the detached program's child: " << out;
  EXPECT_EQ(program + " " + argument, "sleep 0.2") << out;
}

TEST(Spawn, AFirstProgramThatCannotRunIsNamedZeroAndTheProgramStillRuns) {
  Spawned s;
  std::string out = spawn_with_first({"/nonexistent/engine"}, s);
  ASSERT_TRUE(s) << s.what;
  EXPECT_EQ(out, "0 " + std::to_string(s.pid) + "\n");
}

TEST(Spawn, DescribeWaitStatus) {
  EXPECT_EQ(describe_wait_status(9), "was killed by signal 9");
  EXPECT_EQ(describe_wait_status(1 << 8), "exited with status 1");
}

}  // namespace
}  // namespace cachectl::os
