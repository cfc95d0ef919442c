#include "node/engine_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace cachectl::node {

std::string resp_command(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

namespace {

// Nesting bound for arrays: CLUSTER SHARDS nests 4 deep, nothing of ours
// more than that.
constexpr int kMaxDepth = 8;

// One reply starting at `pos`, with `pos` moved past it; nullopt while it
// is incomplete, or with `bad` set when the bytes are not RESP.
std::optional<RespValue> parse_at(const std::string& d, std::size_t& pos, int depth, bool& bad) {
  if (pos >= d.size()) return std::nullopt;
  std::size_t eol = d.find("\r\n", pos);
  if (eol == std::string::npos) return std::nullopt;
  RespValue v;
  const char type = d[pos];
  std::string_view line(d.data() + pos + 1, eol - pos - 1);
  auto number = [&](std::int64_t& out) {
    auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), out);
    return ec == std::errc() && end == line.data() + line.size();
  };
  auto not_resp = [&]() -> std::optional<RespValue> {
    bad = true;
    return std::nullopt;
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
      if (!number(v.integer)) return not_resp();
      pos = eol + 2;
      return v;
    case '$': {
      std::int64_t len = 0;
      if (!number(len) || len < -1) return not_resp();
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
      if (!number(count) || count < -1 || depth >= kMaxDepth) return not_resp();
      if (count == -1) {
        v.type = RespValue::Type::kNil;
        pos = eol + 2;
        return v;
      }
      v.type = RespValue::Type::kArray;
      std::size_t at = eol + 2;
      for (std::int64_t i = 0; i < count; ++i) {
        auto element = parse_at(d, at, depth + 1, bad);
        if (!element) return std::nullopt;  // incomplete, or bad inside
        v.elements.push_back(std::move(*element));
      }
      pos = at;
      return v;
    }
    default:
      return not_resp();
  }
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
  bool bad = false;
  auto v = parse_at(data, at, 0, bad);
  if (bad) {
    pos = data.size();
    RespValue e;
    e.type = RespValue::Type::kError;
    e.text = kRespProtocolError;
    return e;
  }
  if (v) pos = at;
  return v;
}

std::size_t resp_reply_length(const std::string& data) {
  std::size_t at = 0;
  bool bad = false;
  auto v = parse_at(data, at, 0, bad);
  if (bad) return std::string::npos;
  return v ? at : 0;
}

std::string resp_reply_text(const std::string& reply) {
  if (!reply.empty() && reply[0] == '$') {
    std::size_t eol = reply.find("\r\n");
    if (reply.size() < eol + 4) return {};  // a null bulk string
    return reply.substr(eol + 2, reply.size() - eol - 4);
  }
  return reply.size() >= 2 ? reply.substr(0, reply.size() - 2) : reply;
}

std::vector<std::string> resp_array_strings(const std::string& reply) {
  std::vector<std::string> out;
  if (reply.empty() || reply[0] != '*') return out;
  std::size_t pos = reply.find("\r\n");
  while (pos != std::string::npos && pos + 2 < reply.size()) {
    pos += 2;
    if (reply[pos] != '$') break;
    std::size_t eol = reply.find("\r\n", pos);
    if (eol == std::string::npos) break;
    long len = std::atol(reply.substr(pos + 1, eol - pos - 1).c_str());
    if (len < 0 || eol + 2 + static_cast<std::size_t>(len) > reply.size()) break;
    out.push_back(reply.substr(eol + 2, static_cast<std::size_t>(len)));
    pos = eol + 2 + static_cast<std::size_t>(len);
  }
  return out;
}

int connect_engine(const EngineTarget& target, bool& connecting) {
  const bool unix_socket = target.port == 0;
  int fd = ::socket(unix_socket ? AF_UNIX : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int rc = -1;
  if (unix_socket) {
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    if (target.address.size() < sizeof sa.sun_path) {
      std::memcpy(sa.sun_path, target.address.c_str(), target.address.size() + 1);
      rc = ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
    }
  } else {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<uint16_t>(target.port));
    if (::inet_pton(AF_INET, target.address.c_str(), &sa.sin_addr) == 1)
      rc = ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  }
  // A Unix socket whose listener is busy says EAGAIN: try again later,
  // as with a refused connection.
  if (rc != 0 && errno != EINPROGRESS) {
    ::close(fd);
    return -1;
  }
  connecting = rc != 0;
  return fd;
}

std::string auth_command(const EngineTarget& target) {
  if (target.password.empty()) return {};
  if (target.user.empty()) return resp_command({"AUTH", target.password});
  return resp_command({"AUTH", target.user, target.password});
}

EngineClient::EngineClient(EngineTarget target) : target_(std::move(target)) {}

EngineClient::~EngineClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool EngineClient::connect_now() {
  fd_ = connect_engine(target_, connecting_);
  return fd_ >= 0;
}

void EngineClient::send(std::vector<std::string> args, Callback done,
                        std::chrono::milliseconds timeout, SteadyTime now) {
  if (fd_ < 0 && !broken_) {
    if (!connect_now()) {
      broken_ = true;  // reported at the next tick, not from inside send()
    } else if (std::string auth = auth_command(target_); !auth.empty()) {
      out_ += auth;
      pending_.push_back({nullptr, now + timeout});
    }
  }
  out_ += resp_command(args);
  pending_.push_back({std::move(done), now + timeout});
  if (!broken_ && !connecting_) flush();
}

void EngineClient::collect(std::vector<pollfd>& fds) const {
  if (fd_ < 0 || broken_) return;
  short events = POLLIN;
  if (connecting_ || !out_.empty()) events |= POLLOUT;
  fds.push_back({fd_, events, 0});
}

void EngineClient::handle(const pollfd* fds, std::size_t count, SteadyTime now) {
  for (std::size_t i = 0; i < count; ++i) {
    if (fds[i].fd != fd_ || fds[i].revents == 0) continue;
    if (fds[i].revents & (POLLERR | POLLNVAL)) {
      broken_ = true;
    } else {
      if (fds[i].revents & POLLOUT) {
        connecting_ = false;
        flush();
      }
      if (fds[i].revents & (POLLIN | POLLHUP)) read_replies();
    }
  }
  tick(now);
}

void EngineClient::flush() {
  while (!out_.empty() && !broken_) {
    ssize_t n = ::send(fd_, out_.data(), out_.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return;
      broken_ = true;
      return;
    }
    out_.erase(0, static_cast<std::size_t>(n));
  }
}

void EngineClient::read_replies() {
  char buf[16384];
  for (;;) {
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    if (n <= 0) {
      broken_ = true;  // the engine closed the connection (SHUTDOWN, a restart)
      break;
    }
    in_.append(buf, static_cast<std::size_t>(n));
  }
  for (;;) {
    std::size_t len = resp_reply_length(in_);
    if (len == 0) break;
    if (len == std::string::npos || pending_.empty()) {
      broken_ = true;
      break;
    }
    Pending p = std::move(pending_.front());
    pending_.pop_front();
    std::string reply = in_.substr(0, len);
    in_.erase(0, len);
    if (!p.done) {
      // AUTH's answer: anything but +OK fails what follows it.
      if (reply.rfind("+OK", 0) != 0) {
        broken_ = true;
        break;
      }
      continue;
    }
    p.done(resp_reply_text(reply));
  }
}

void EngineClient::fail_all() {
  ++generation_;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  connecting_ = false;
  broken_ = false;
  out_.clear();
  in_.clear();
  // Callbacks may send again: take the queue first.
  std::deque<Pending> failed;
  failed.swap(pending_);
  for (auto& p : failed)
    if (p.done) p.done(std::nullopt);
}

void EngineClient::reset() { fail_all(); }

void EngineClient::tick(SteadyTime now) {
  if (broken_) {
    fail_all();
    return;
  }
  if (!pending_.empty() && now >= pending_.front().deadline) fail_all();
}

SteadyTime EngineClient::next_deadline() const {
  if (broken_) return SteadyTime::min();
  return pending_.empty() ? SteadyTime::max() : pending_.front().deadline;
}

}  // namespace cachectl::node
