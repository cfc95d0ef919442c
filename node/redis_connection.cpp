#include "node/redis_connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "node/engine_client.h"

namespace cachectl::node {

namespace {

using Clock = std::chrono::steady_clock;

core::ApiError unreachable(const std::string& address, int port, const std::string& why) {
  return core::ApiError{"EngineUnreachable",
                        address + (port ? ":" + std::to_string(port) : std::string()) + ": " + why};
}

}  // namespace

RedisConnection::RedisConnection(std::string address, int port, std::chrono::milliseconds timeout)
    : address_(std::move(address)), port_(port), timeout_(timeout) {}

RedisConnection::~RedisConnection() { close(); }

void RedisConnection::set_auth(std::string user, std::string password) {
  user_ = std::move(user);
  password_ = std::move(password);
}

void RedisConnection::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  in_.clear();
  in_pos_ = 0;
}

core::Status RedisConnection::connect_now() {
  // The daemons' own connect (a Unix socket when port_ is 0) and AUTH.
  const EngineTarget target{address_, port_, user_, password_};
  bool connecting = false;
  errno = 0;
  fd_ = connect_engine(target, connecting);
  if (fd_ < 0) {
    return unreachable(
        address_, port_,
        errno ? std::strerror(errno) : "not an address or socket path to connect to");
  }
  if (port_ != 0) {
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  if (connecting) {
    pollfd p{fd_, POLLOUT, 0};
    int ready = ::poll(&p, 1, static_cast<int>(timeout_.count()));
    int err = 0;
    socklen_t len = sizeof err;
    if (ready <= 0 || ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
      std::string why = ready <= 0 ? "connect timed out" : std::strerror(err);
      close();
      return unreachable(address_, port_, why);
    }
  }
  if (std::string auth = auth_command(target); !auth.empty()) {
    if (auto err = write_all(auth)) return err;
    auto reply = read_reply();
    if (!reply) return reply.error();
    if (!reply->ok()) {
      close();
      return unreachable(address_, port_, "AUTH refused: " + reply->describe());
    }
  }
  return std::nullopt;
}

core::Status RedisConnection::write_all(const std::string& data) {
  std::size_t done = 0;
  const auto deadline = Clock::now() + timeout_;
  while (done < data.size()) {
    ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      pollfd p{fd_, POLLOUT, 0};
      if (left.count() > 0 && ::poll(&p, 1, static_cast<int>(left.count())) > 0) continue;
      close();
      return unreachable(address_, port_, "write timed out");
    }
    std::string why = std::strerror(errno);
    close();
    return unreachable(address_, port_, why);
  }
  return std::nullopt;
}

core::Result<RespValue> RedisConnection::read_reply() {
  const auto deadline = Clock::now() + timeout_;
  for (;;) {
    if (auto v = parse_resp(in_, in_pos_)) {
      if (in_pos_ == in_.size()) {
        in_.clear();
        in_pos_ = 0;
      }
      if (v->is_error() && v->text == kRespProtocolError) {
        close();
        return unreachable(address_, port_, "not a RESP reply");
      }
      return *v;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd p{fd_, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
      close();
      return unreachable(address_, port_, "no answer in time");
    }
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) {
      close();
      return unreachable(address_, port_, n == 0 ? "connection closed" : std::strerror(errno));
    }
    in_.append(buf, static_cast<std::size_t>(n));
  }
}

core::Result<RespValue> RedisConnection::command(const std::vector<std::string>& args) {
  auto replies = pipeline({args});
  if (!replies) return replies.error();
  return std::move(replies->front());
}

core::Result<std::vector<RespValue>> RedisConnection::pipeline(
    const std::vector<std::vector<std::string>>& batch) {
  if (fd_ < 0)
    if (auto err = connect_now()) return *err;
  std::string out;
  for (const auto& args : batch) out += resp_command(args);
  if (auto err = write_all(out)) return *err;
  std::vector<RespValue> replies;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto reply = read_reply();
    if (!reply) return reply.error();
    replies.push_back(std::move(*reply));
  }
  return replies;
}

}  // namespace cachectl::node
