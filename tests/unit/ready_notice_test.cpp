// The engine's "I am ready" (systemd's notify protocol) as the daemon hears
// it: only READY=1, and only from the engine's own pid.
#include "node/ready_notice.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "tests/unit/temp_dir.h"

namespace cachectl::node {
namespace {

// Sends `text` to the socket at `path`, as sd_notify does.
void notify(const std::string& path, const std::string& text) {
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::strncpy(sa.sun_path, path.c_str(), sizeof sa.sun_path - 1);
  EXPECT_EQ(::sendto(fd, text.data(), text.size(), 0, reinterpret_cast<sockaddr*>(&sa), sizeof sa),
            static_cast<ssize_t>(text.size()));
  ::close(fd);
}

TEST(ReadyNotice, ReadyFromTheEnginesPidIsHeardAndNothingElseIs) {
  test_support::TempDir dir("ready_notice");
  ReadyNotice notice(dir.path() / "127.1.0.1.up");
  ASSERT_GE(notice.fd(), 0);
  const std::string path = notice.socket_path();
  EXPECT_FALSE(notice.take_ready(::getpid())) << "nothing sent yet";
  notify(path, "STATUS=Ready to accept connections\n");
  EXPECT_FALSE(notice.take_ready(::getpid())) << "a status line is not READY";
  notify(path, "READY=1\n");
  EXPECT_FALSE(notice.take_ready(::getpid() + 1)) << "not from the engine's pid";
  notify(path, "READY=1\n");
  EXPECT_TRUE(notice.take_ready(::getpid()));
  EXPECT_FALSE(notice.take_ready(::getpid())) << "each datagram is taken once";
  // From a child: its own pid, which the kernel vouches for.
  pid_t child = ::fork();
  if (child == 0) {
    notify(path, "STATUS=x\nREADY=1\n");
    ::_exit(0);
  }
  ASSERT_GT(child, 0);
  ::waitpid(child, nullptr, 0);
  EXPECT_TRUE(notice.take_ready(child));
}

TEST(ReadyNotice, ALeftoverSocketFileIsReplacedAndRemovedAtTheEnd) {
  test_support::TempDir dir("ready_notice");
  auto path = dir.path() / "127.1.0.2.up";
  { ReadyNotice first(path); }
  EXPECT_FALSE(std::filesystem::exists(path));
  ReadyNotice killed(path);  // as if its daemon was killed: the file stays
  ReadyNotice next(path);
  EXPECT_GE(next.fd(), 0);
  EXPECT_EQ(next.socket_path(), path.string());
}

}  // namespace
}  // namespace cachectl::node
