// The admin socket: HTTP/1.1 + JSON over a Unix domain socket (mode 0600),
// served from the daemon's poll loop. Requests that cannot be answered at
// once (a snapshot, a shutdown, anything that asks the engine) are answered
// later by the request's id.
//
// Ids are generations, never descriptor numbers: a client that leaves frees
// its descriptor, the next client may get the same number, and a late answer
// meant for the first must not reach it. respond() to a gone client does
// nothing.
#pragma once

#include <poll.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "node/http.h"

namespace cachectl::node {

using RequestId = std::uint64_t;

class AdminServer {
 public:
  // Returns true when it answered; false defers the answer to respond(id).
  // An exception escaping it is answered 500 (it is a bug, but must not end
  // the daemon and its engine).
  using Handler =
      std::function<bool(RequestId id, const HttpRequest&, int& status, std::string& body)>;

  explicit AdminServer(Handler handler);
  ~AdminServer();

  // Binds and listens; false with `error` set on failure.
  bool listen(const std::filesystem::path& path, std::string& error);
  void close_listener();

  void collect(std::vector<pollfd>& fds, std::chrono::steady_clock::time_point now) const;
  // `fds` are the entries collect() added, after poll.
  void handle(const pollfd* fds, std::size_t count, std::chrono::steady_clock::time_point now);
  // The same, at the present time, given every entry of a poll array (for
  // loops that do not keep the listener's range; only its own fds are used).
  void collect(std::vector<pollfd>& fds) const { collect(fds, std::chrono::steady_clock::now()); }
  void handle(const std::vector<pollfd>& fds) {
    handle(fds.data(), fds.size(), std::chrono::steady_clock::now());
  }
  void respond(RequestId id, int status, const std::string& body);
  // True while any response is still being written.
  bool busy() const;
  // The listening descriptor (-1 once closed), for a caller that waits on it
  // in an epoll set while collect() lists nothing else.
  int listener_fd() const { return listen_fd_; }
  // When handle() next has timed work (a paused listener, a stalled client).
  std::chrono::steady_clock::time_point next_deadline() const;
  std::size_t connections() const { return connections_.size(); }
  // Times accept() failed for want of descriptors (EMFILE/ENFILE).
  std::uint64_t descriptor_shortages() const { return descriptor_shortages_; }

 private:
  enum class Phase { kReading, kDeferred, kWriting, kDone };
  struct Connection {
    int fd = -1;
    std::string in;
    std::string out;
    Phase phase = Phase::kReading;
    std::chrono::steady_clock::time_point deadline;
  };
  void accept_all(std::chrono::steady_clock::time_point now);
  void on_readable(RequestId id, Connection& c);
  void flush(Connection& c);
  std::size_t connection_cap() const;

  Handler handler_;
  int listen_fd_ = -1;
  std::filesystem::path path_;
  std::map<RequestId, Connection> connections_;
  RequestId next_id_ = 1;
  // The listener is not watched until then: at the descriptor limit (or the
  // connection cap) accept() cannot succeed, and a readable listener would
  // otherwise wake poll at once, forever.
  std::chrono::steady_clock::time_point listener_paused_until_{};
  std::uint64_t descriptor_shortages_ = 0;
  std::size_t cap_ = 0;
};

}  // namespace cachectl::node
