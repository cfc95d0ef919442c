#include "cli/admin_client.h"

#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace cachectl::cli {

// Not libcurl: loading libcurl and the ~30 libraries it links costs about
// 12 ms per process here, more than a whole describe may take
// (docs/decisions.md). The protocol is unchanged: plain HTTP/1.1 + JSON, one
// request per connection, so `curl --unix-socket` still talks to a node.

AdminClient::AdminClient() = default;
AdminClient::~AdminClient() = default;

AdminReply AdminClient::call(const std::filesystem::path& socket, core::admin::Route route,
                             std::chrono::milliseconds timeout, const std::string& body) {
  const auto& spec = core::admin::route_spec(route);
  return request(socket, std::string(spec.method), std::string(spec.path), timeout, body);
}

std::string AdminReply::why() const {
  if (!reached) return error;
  if (auto e = core::admin::parse_error_response(body)) return e->error;
  return "refused (HTTP " + std::to_string(status) + ")";
}

namespace {

// Parses "HTTP/1.1 200 OK\r\n...\r\n\r\nbody" once complete (Content-Length
// or connection close). Returns false while more bytes are needed.
bool parse_reply(const std::string& data, bool closed, AdminReply& reply) {
  std::size_t end = data.find("\r\n\r\n");
  if (end == std::string::npos) {
    if (closed) reply.error = "the daemon closed the connection mid-answer";
    return closed;
  }
  if (data.compare(0, 9, "HTTP/1.1 ") != 0 && data.compare(0, 9, "HTTP/1.0 ") != 0) {
    reply.error = "the daemon's answer is not HTTP";
    return true;
  }
  int status = 0;
  std::from_chars(data.data() + 9, data.data() + std::min<std::size_t>(12, data.size()), status);
  std::size_t length = std::string::npos;
  std::size_t pos = data.find("\r\n") + 2;
  while (pos < end) {
    std::size_t eol = data.find("\r\n", pos);
    std::string_view line(data.data() + pos, eol - pos);
    if (line.size() > 15 && strncasecmp(line.data(), "Content-Length:", 15) == 0) {
      std::string_view v = line.substr(15);
      while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
      std::size_t n = 0;
      if (std::from_chars(v.data(), v.data() + v.size(), n).ec == std::errc()) length = n;
    }
    pos = eol + 2;
  }
  std::size_t body_start = end + 4;
  if (length != std::string::npos && data.size() < body_start + length && !closed) return false;
  if (length == std::string::npos && !closed) return false;
  reply.reached = true;
  reply.status = status;
  reply.body = data.substr(body_start, length);
  return true;
}

std::string http_request(const std::string& method, const std::string& path,
                         const std::string& body) {
  return method + " " + path + " HTTP/1.1\r\nHost: node\r\nContent-Type: application/json\r\n" +
         "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

// Connects to `socket` and sends `req`: the descriptor, or -1 with
// reply.error set. `flags` may hold SOCK_NONBLOCK: a daemon whose backlog is
// full is then not waited for.
int connect_and_send(const std::filesystem::path& socket, const std::string& req, int flags,
                     AdminReply& reply) {
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  if (socket.string().size() >= sizeof sa.sun_path) {
    reply.error = "socket path too long: " + socket.string();
    return -1;
  }
  std::strncpy(sa.sun_path, socket.c_str(), sizeof sa.sun_path - 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | flags, 0);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    reply.error = std::string("cannot connect to ") + socket.string() + ": " + std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return -1;
  }
  if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
    reply.error = std::string("cannot send to ") + socket.string() + ": " + std::strerror(errno);
    ::close(fd);
    return -1;
  }
  return fd;
}

std::string no_answer(std::chrono::milliseconds timeout) {
  return "the daemon did not answer within " + std::to_string(timeout.count()) + " ms";
}

}  // namespace

std::vector<AdminReply> AdminClient::call_all(const std::vector<std::filesystem::path>& sockets,
                                              core::admin::Route route,
                                              std::chrono::milliseconds timeout) {
  std::vector<Ask> asks;
  asks.reserve(sockets.size());
  for (const auto& s : sockets) asks.push_back({s, route, ""});
  return call_all(asks, timeout);
}

std::vector<AdminReply> AdminClient::call_all(const std::vector<Ask>& asks,
                                              std::chrono::milliseconds timeout) {
  std::vector<AdminReply> out(asks.size());
  // At most this many connections open at once (descriptors are limited).
  constexpr std::size_t kWindow = 256;
  struct Asked {
    std::size_t index;
    int fd;
    std::string data;
  };
  char buf[16384];
  for (std::size_t begin = 0; begin < asks.size(); begin += kWindow) {
    std::vector<Asked> asked;
    for (std::size_t i = begin; i < std::min(asks.size(), begin + kWindow); ++i) {
      const auto& spec = core::admin::route_spec(asks[i].route);
      int fd = connect_and_send(
          asks[i].socket,
          http_request(std::string(spec.method), std::string(spec.path), asks[i].body),
          SOCK_NONBLOCK, out[i]);
      if (fd >= 0) asked.push_back({i, fd, {}});
    }
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<pollfd> fds;
    while (!asked.empty()) {
      auto left =
          std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        for (auto& a : asked) {
          out[a.index].error = no_answer(timeout);
          ::close(a.fd);
        }
        break;
      }
      fds.clear();
      for (const auto& a : asked) fds.push_back({a.fd, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), static_cast<int>(left.count())) <= 0) continue;
      std::vector<Asked> still;
      for (std::size_t k = 0; k < asked.size(); ++k) {
        Asked& a = asked[k];
        bool done = false;
        if (fds[k].revents) {
          ssize_t n = ::recv(a.fd, buf, sizeof buf, 0);
          if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
            // read again at the next poll
          } else if (n <= 0) {
            done = parse_reply(a.data, true, out[a.index]);
          } else {
            a.data.append(buf, static_cast<std::size_t>(n));
            done = parse_reply(a.data, false, out[a.index]);
          }
        }
        if (done) {
          ::close(a.fd);
        } else {
          still.push_back(std::move(a));
        }
      }
      asked = std::move(still);
    }
  }
  return out;
}

AdminReply AdminClient::request(const std::filesystem::path& socket, const std::string& method,
                                const std::string& path, std::chrono::milliseconds timeout,
                                const std::string& body) {
  AdminReply reply;
  int fd = connect_and_send(socket, http_request(method, path, body), 0, reply);
  if (fd < 0) return reply;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string data;
  char buf[16384];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) {
      reply.error = no_answer(timeout);
      break;
    }
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      parse_reply(data, true, reply);
      break;
    }
    data.append(buf, static_cast<std::size_t>(n));
    if (parse_reply(data, false, reply)) break;
  }
  ::close(fd);
  return reply;
}

}  // namespace cachectl::cli
