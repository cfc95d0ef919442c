#include "node/ready_notice.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string_view>

namespace cachectl::node {

ReadyNotice::ReadyNotice(std::filesystem::path path) : path_(std::move(path)) {
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  if (path_.string().size() >= sizeof sa.sun_path) return;
  std::memcpy(sa.sun_path, path_.c_str(), path_.string().size());
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  int on = 1;
  ::unlink(path_.c_str());  // a killed daemon's
  if (::setsockopt(fd_, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) != 0 ||
      ::bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

ReadyNotice::~ReadyNotice() {
  if (fd_ < 0) return;
  ::close(fd_);
  ::unlink(path_.c_str());
}

bool ReadyNotice::take_ready(pid_t pid) {
  bool ready = false;
  for (;;) {
    char buf[512];
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))];
    iovec iov{buf, sizeof buf - 1};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = ::recvmsg(fd_, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0) break;
    pid_t sender = -1;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
        ucred cred;
        std::memcpy(&cred, CMSG_DATA(c), sizeof cred);
        sender = cred.pid;
      }
    }
    // One assignment per line ("READY=1\n", "STATUS=...\n").
    std::string_view text(buf, static_cast<std::size_t>(n));
    bool says_ready = text == "READY=1" || text.starts_with("READY=1\n") ||
                      text.find("\nREADY=1") != std::string_view::npos;
    if (says_ready && sender == pid && pid > 0) ready = true;
  }
  return ready;
}

}  // namespace cachectl::node
