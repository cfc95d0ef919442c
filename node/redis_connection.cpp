#include "node/redis_connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "node/engine_client.h"

namespace cachectl::node {

namespace {

using Clock = std::chrono::steady_clock;

// Nesting bound for arrays: CLUSTER SHARDS nests 4 deep, nothing of ours
// more than that.
constexpr int kMaxDepth = 8;
constexpr const char* kProtocolError = "protocol error";

std::optional<RespValue> parse_at(const std::string& d, std::size_t& pos, int depth) {
  if (pos >= d.size()) return std::nullopt;
  std::size_t eol = d.find("\r\n", pos);
  if (eol == std::string::npos) return std::nullopt;
  RespValue v;
  const char type = d[pos];
  std::string line = d.substr(pos + 1, eol - pos - 1);
  auto number = [&](std::int64_t& out) {
    auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), out);
    return ec == std::errc() && end == line.data() + line.size();
  };
  auto bad = [&]() {
    RespValue e;
    e.type = RespValue::Type::kError;
    e.text = kProtocolError;
    pos = d.size();
    return e;
  };
  switch (type) {
    case '+':
    case '-':
      v.type = type == '+' ? RespValue::Type::kSimple : RespValue::Type::kError;
      v.text = line;
      pos = eol + 2;
      return v;
    case ':':
      v.type = RespValue::Type::kInteger;
      if (!number(v.integer)) return bad();
      pos = eol + 2;
      return v;
    case '$': {
      std::int64_t len = 0;
      if (!number(len) || len < -1) return bad();
      if (len == -1) {
        v.type = RespValue::Type::kNil;
        pos = eol + 2;
        return v;
      }
      auto n = static_cast<std::size_t>(len);
      if (d.size() < eol + 2 + n + 2) return std::nullopt;
      v.type = RespValue::Type::kBulk;
      v.text = d.substr(eol + 2, n);
      pos = eol + 2 + n + 2;
      return v;
    }
    case '*': {
      std::int64_t count = 0;
      if (!number(count) || count < -1 || depth >= kMaxDepth) return bad();
      if (count == -1) {
        v.type = RespValue::Type::kNil;
        pos = eol + 2;
        return v;
      }
      v.type = RespValue::Type::kArray;
      std::size_t at = eol + 2;
      for (std::int64_t i = 0; i < count; ++i) {
        auto element = parse_at(d, at, depth + 1);
        if (!element) return std::nullopt;
        if (at == d.size() && element->is_error() && element->text == kProtocolError) {
          pos = at;
          return element;  // bad bytes inside: the whole reply is bad
        }
        v.elements.push_back(std::move(*element));
      }
      pos = at;
      return v;
    }
    default:
      return bad();
  }
}

core::ApiError unreachable(const std::string& address, int port, const std::string& why) {
  return core::ApiError{"EngineUnreachable",
                        address + (port ? ":" + std::to_string(port) : std::string()) + ": " + why};
}

}  // namespace

std::string RespValue::describe() const {
  switch (type) {
    case Type::kSimple:
      return "+" + text;
    case Type::kError:
      return "-" + text;
    case Type::kInteger:
      return ":" + std::to_string(integer);
    case Type::kBulk:
      return text;
    case Type::kNil:
      return "(nil)";
    case Type::kArray:
      return "(array of " + std::to_string(elements.size()) + ")";
  }
  return {};
}

std::optional<RespValue> parse_resp(const std::string& data, std::size_t& pos) {
  std::size_t at = pos;
  auto v = parse_at(data, at, 0);
  if (v) pos = at;
  return v;
}

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
      if (v->is_error() && v->text == kProtocolError) {
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
