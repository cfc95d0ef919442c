// Redis's own word that it is ready. With `supervised systemd`, redis-server
// sends "READY=1" on the datagram socket NOTIFY_SOCKET names once it accepts
// connections (systemd's notify protocol). The daemon listens on such a
// socket beside its admin socket, so that a starting engine is probed the
// moment it is up instead of at the next tick. It is only a hint: the PING
// still decides "available" (and Memcached, which sends nothing, is probed
// on its ticks as before).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace cachectl::node {

class ReadyNotice {
 public:
  // Binds a datagram socket at `path` (replacing a leftover); without one
  // (fd() < 0) the engine is simply probed on its ticks.
  explicit ReadyNotice(std::filesystem::path path);
  ~ReadyNotice();
  ReadyNotice(const ReadyNotice&) = delete;
  ReadyNotice& operator=(const ReadyNotice&) = delete;

  int fd() const { return fd_; }
  // The socket's path, or "" when there is none.
  std::string socket_path() const { return fd_ >= 0 ? path_.string() : std::string(); }
  // Reads every waiting datagram: true if one said READY=1 and came from
  // process `pid` (the kernel vouches for the sender's pid).
  bool take_ready(pid_t pid);

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace cachectl::node
