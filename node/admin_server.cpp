#include "node/admin_server.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/admin_api.h"

namespace cachectl::node {
namespace {

using namespace std::chrono_literals;

constexpr auto kClientTimeout = 10s;
constexpr auto kListenerPause = 100ms;
// Descriptors kept free for the daemon's own work at the connection cap:
// starting the engine (a pipe, the log, /dev/null), probing it, its engine
// connection, the event log and the registry.
constexpr std::size_t kReservedDescriptors = 32;

std::string error_body(const std::string& message) {
  return core::admin::to_json(core::admin::ErrorResponse{message});
}

}  // namespace

AdminServer::AdminServer(Handler handler) : handler_(std::move(handler)) {
  rlimit rl{};
  std::size_t limit = ::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY
                          ? static_cast<std::size_t>(rl.rlim_cur)
                          : 1024;
  cap_ = limit;
}

AdminServer::~AdminServer() {
  for (auto& [id, c] : connections_) ::close(c.fd);
  close_listener();
}

std::size_t AdminServer::connection_cap() const {
  // The limit may be lowered while we run (prlimit): read it each time.
  rlimit rl{};
  std::size_t limit = ::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY
                          ? static_cast<std::size_t>(rl.rlim_cur)
                          : cap_;
  return limit > 2 * kReservedDescriptors ? limit - kReservedDescriptors : limit / 2;
}

bool AdminServer::listen(const std::filesystem::path& path, std::string& error) {
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  if (path.string().size() >= sizeof sa.sun_path) {
    error = "socket path too long: " + path.string();
    return false;
  }
  std::strncpy(sa.sun_path, path.c_str(), sizeof sa.sun_path - 1);
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) {
    error = std::string("socket: ") + std::strerror(errno);
    return false;
  }
  // A socket file left by a daemon that was killed is stale: the caller holds
  // the node's lock, so no live daemon owns it.
  ::unlink(path.c_str());
  mode_t old = ::umask(0177);  // the socket is created 0600
  int rc = ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  ::umask(old);
  if (rc != 0 || ::listen(listen_fd_, 64) != 0) {
    error = "bind " + path.string() + ": " + std::strerror(errno);
    ::close(listen_fd_);
    listen_fd_ = -1;
    return false;
  }
  path_ = path;
  return true;
}

void AdminServer::close_listener() {
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
    ::unlink(path_.c_str());
  }
}

void AdminServer::collect(std::vector<pollfd>& fds,
                          std::chrono::steady_clock::time_point now) const {
  if (listen_fd_ >= 0 && now >= listener_paused_until_ && connections_.size() < connection_cap()) {
    fds.push_back({listen_fd_, POLLIN, 0});
  }
  for (const auto& [id, c] : connections_) {
    short events = c.phase == Phase::kReading ? POLLIN : c.phase == Phase::kWriting ? POLLOUT : 0;
    fds.push_back({c.fd, events, 0});
  }
}

std::chrono::steady_clock::time_point AdminServer::next_deadline() const {
  auto next = std::chrono::steady_clock::time_point::max();
  if (listen_fd_ >= 0 && listener_paused_until_ != std::chrono::steady_clock::time_point{})
    next = listener_paused_until_;
  for (const auto& [id, c] : connections_)
    if (c.phase == Phase::kReading) next = std::min(next, c.deadline);
  return next;
}

bool AdminServer::busy() const {
  for (const auto& [id, c] : connections_)
    if (c.phase == Phase::kWriting) return true;
  return false;
}

void AdminServer::accept_all(std::chrono::steady_clock::time_point now) {
  while (connections_.size() < connection_cap()) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        ++descriptor_shortages_;
        listener_paused_until_ = now + kListenerPause;
      }
      return;
    }
    Connection c;
    c.fd = fd;
    c.deadline = now + kClientTimeout;
    connections_.emplace(next_id_++, std::move(c));
  }
  // At the cap: the next clients wait in the listen backlog.
  listener_paused_until_ = now + kListenerPause;
}

void AdminServer::handle(const pollfd* fds, std::size_t count,
                         std::chrono::steady_clock::time_point now) {
  if (now >= listener_paused_until_) listener_paused_until_ = {};
  bool accept_now = false;
  for (std::size_t i = 0; i < count; ++i) {
    const pollfd& p = fds[i];
    if (p.revents == 0) continue;
    if (p.fd == listen_fd_) {
      accept_now = true;
      continue;
    }
    // Descriptors are unique among open connections at this instant.
    auto it = std::find_if(connections_.begin(), connections_.end(),
                           [&](const auto& e) { return e.second.fd == p.fd; });
    if (it == connections_.end()) continue;
    Connection& c = it->second;
    if (p.revents & (POLLERR | POLLNVAL)) {
      c.phase = Phase::kDone;
    } else if (p.revents & POLLOUT) {
      flush(c);
    } else if (p.revents & (POLLIN | POLLHUP)) {
      on_readable(it->first, c);
    }
  }
  // Drop finished and stalled connections (a client that never finishes its
  // request must not hold a descriptor forever) before accepting more.
  for (auto it = connections_.begin(); it != connections_.end();) {
    Connection& c = it->second;
    bool stalled = c.phase == Phase::kReading && now > c.deadline;
    if (c.phase == Phase::kDone || stalled) {
      ::close(c.fd);
      it = connections_.erase(it);
    } else {
      ++it;
    }
  }
  if (accept_now) accept_all(now);
}

void AdminServer::on_readable(RequestId id, Connection& c) {
  char buf[8192];
  ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
  if (n <= 0) {
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    c.phase = Phase::kDone;  // the client went away (mid-request, or waiting)
    return;
  }
  if (c.phase != Phase::kReading) return;  // bytes after a complete request
  c.in.append(buf, static_cast<std::size_t>(n));
  ParseResult r = parse_http_request(c.in);
  if (r.state == ParseState::kIncomplete) return;
  if (r.state == ParseState::kBad) {
    c.out = http_response(r.status, error_body(r.reason));
    c.phase = Phase::kWriting;
    flush(c);
    return;
  }
  int status = 200;
  std::string body;
  c.phase = Phase::kDeferred;
  bool answered = false;
  try {
    answered = handler_(id, r.request, status, body);
  } catch (const std::exception& e) {
    answered = true;
    status = 500;
    body = error_body(std::string("internal error: ") + e.what());
  } catch (...) {
    answered = true;
    status = 500;
    body = error_body("internal error");
  }
  // The handler may have answered through respond() already.
  auto it = connections_.find(id);
  if (answered && it != connections_.end() && it->second.phase == Phase::kDeferred) {
    c.out = http_response(status, body);
    c.phase = Phase::kWriting;
    flush(c);
  }
}

void AdminServer::respond(RequestId id, int status, const std::string& body) {
  auto it = connections_.find(id);
  if (it == connections_.end() || it->second.phase != Phase::kDeferred) return;
  it->second.out = http_response(status, body);
  it->second.phase = Phase::kWriting;
  flush(it->second);
}

void AdminServer::flush(Connection& c) {
  while (!c.out.empty()) {
    ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN) return;
      if (errno == EINTR) continue;
      c.out.clear();  // the client is gone
      break;
    }
    c.out.erase(0, static_cast<std::size_t>(n));
  }
  c.phase = Phase::kDone;
}

}  // namespace cachectl::node
