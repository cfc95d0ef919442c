// The admin socket: HTTP/1.1 + JSON over a Unix domain socket (mode 0600),
// served from the daemon's poll loop. Requests that cannot be answered at
// once (shutdown waits for the engine to stop) are answered later by id.
#pragma once

#include <poll.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "node/http.h"

namespace cachectl::node {

class AdminServer {
 public:
  // Returns true when it answered; false defers the answer to respond(id).
  using Handler = std::function<bool(int id, const HttpRequest&, int& status, std::string& body)>;

  explicit AdminServer(Handler handler) : handler_(std::move(handler)) {}
  ~AdminServer();

  // Binds and listens; false with `error` set on failure.
  bool listen(const std::filesystem::path& path, std::string& error);
  void close_listener();

  void collect(std::vector<pollfd>& fds) const;
  void handle(const std::vector<pollfd>& fds);
  void respond(int id, int status, const std::string& body);
  // True while any response is still being written.
  bool busy() const;

 private:
  enum class Phase { kReading, kDeferred, kWriting, kDone };
  struct Connection {
    std::string in;
    std::string out;
    Phase phase = Phase::kReading;
    std::chrono::steady_clock::time_point deadline;
  };
  void accept_all();
  void on_readable(int fd, Connection& c);
  void flush(int fd, Connection& c);

  Handler handler_;
  int listen_fd_ = -1;
  std::filesystem::path path_;
  std::map<int, Connection> connections_;
};

}  // namespace cachectl::node
