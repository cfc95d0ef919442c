#include "node/admin_server.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

namespace cachectl::node {
namespace {

constexpr auto kClientTimeout = std::chrono::seconds(10);

std::string error_body(const std::string& message) {
  return nlohmann::json{{"error", message}}.dump();
}

}  // namespace

AdminServer::~AdminServer() {
  for (auto& [fd, c] : connections_) ::close(fd);
  close_listener();
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

void AdminServer::collect(std::vector<pollfd>& fds) const {
  if (listen_fd_ >= 0) fds.push_back({listen_fd_, POLLIN, 0});
  for (const auto& [fd, c] : connections_) {
    short events = c.phase == Phase::kReading ? POLLIN : c.phase == Phase::kWriting ? POLLOUT : 0;
    fds.push_back({fd, events, 0});
  }
}

bool AdminServer::busy() const {
  for (const auto& [fd, c] : connections_)
    if (c.phase == Phase::kWriting) return true;
  return false;
}

void AdminServer::accept_all() {
  for (;;) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    connections_[fd].deadline = std::chrono::steady_clock::now() + kClientTimeout;
  }
}

void AdminServer::handle(const std::vector<pollfd>& fds) {
  auto now = std::chrono::steady_clock::now();
  for (const auto& p : fds) {
    if (p.revents == 0) continue;
    if (p.fd == listen_fd_) {
      accept_all();
      continue;
    }
    auto it = connections_.find(p.fd);
    if (it == connections_.end()) continue;
    if (p.revents & (POLLERR | POLLNVAL)) {
      ::close(p.fd);
      connections_.erase(it);
      continue;
    }
    if (p.revents & POLLOUT) {
      flush(p.fd, it->second);
    } else if (p.revents & (POLLIN | POLLHUP)) {
      on_readable(p.fd, it->second);
    }
  }
  // Drop finished and stalled connections (a client that never finishes its
  // request must not hold a descriptor forever).
  for (auto it = connections_.begin(); it != connections_.end();) {
    Connection& c = it->second;
    bool stalled = c.phase == Phase::kReading && now > c.deadline;
    if (c.phase == Phase::kDone || stalled) {
      ::close(it->first);
      it = connections_.erase(it);
    } else {
      ++it;
    }
  }
}

void AdminServer::on_readable(int fd, Connection& c) {
  char buf[8192];
  ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  if (n <= 0) {
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    c.phase = Phase::kDone;  // the client went away mid-request
    return;
  }
  c.in.append(buf, static_cast<std::size_t>(n));
  ParseResult r = parse_http_request(c.in);
  if (r.state == ParseState::kIncomplete) return;
  if (r.state == ParseState::kBad) {
    c.out = http_response(r.status, error_body(r.reason));
    c.phase = Phase::kWriting;
    flush(fd, c);
    return;
  }
  int status = 200;
  std::string body;
  c.phase = Phase::kDeferred;
  if (handler_(fd, r.request, status, body)) {
    c.out = http_response(status, body);
    c.phase = Phase::kWriting;
    flush(fd, c);
  }
}

void AdminServer::respond(int id, int status, const std::string& body) {
  auto it = connections_.find(id);
  if (it == connections_.end() || it->second.phase != Phase::kDeferred) return;
  it->second.out = http_response(status, body);
  it->second.phase = Phase::kWriting;
  flush(id, it->second);
}

void AdminServer::flush(int fd, Connection& c) {
  while (!c.out.empty()) {
    ssize_t n = ::send(fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN) return;
      c.out.clear();  // the client is gone
      break;
    }
    c.out.erase(0, static_cast<std::size_t>(n));
  }
  c.phase = Phase::kDone;
}

}  // namespace cachectl::node
