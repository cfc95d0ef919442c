#include "node/engine_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

namespace cachectl::node {

std::string resp_command(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

namespace {

constexpr std::size_t kNotResp = std::string::npos;

// Length of the reply starting at `at`, 0 when incomplete, kNotResp if bad.
std::size_t reply_at(const std::string& r, std::size_t at, int depth) {
  if (at >= r.size()) return 0;
  if (depth > 8) return kNotResp;
  std::size_t eol = r.find("\r\n", at);
  if (eol == std::string::npos) return 0;
  char type = r[at];
  if (type == '+' || type == '-' || type == ':') return eol + 2 - at;
  if (type != '$' && type != '*') return kNotResp;
  long long n = 0;
  auto [p, ec] = std::from_chars(r.data() + at + 1, r.data() + eol, n);
  if (ec != std::errc() || p != r.data() + eol) return kNotResp;
  std::size_t pos = eol + 2;
  if (n < 0) return pos - at;
  if (type == '$') {
    std::size_t total = pos + static_cast<std::size_t>(n) + 2;
    return r.size() >= total ? total - at : 0;
  }
  for (long long i = 0; i < n; ++i) {
    std::size_t len = reply_at(r, pos, depth + 1);
    if (len == 0 || len == kNotResp) return len;
    pos += len;
  }
  return pos - at;
}

}  // namespace

std::size_t resp_reply_length(const std::string& data) { return reply_at(data, 0, 0); }

std::string resp_reply_text(const std::string& reply) {
  if (!reply.empty() && reply[0] == '$') {
    std::size_t eol = reply.find("\r\n");
    if (reply.size() < eol + 4) return {};  // a null bulk string
    return reply.substr(eol + 2, reply.size() - eol - 4);
  }
  return reply.size() >= 2 ? reply.substr(0, reply.size() - 2) : reply;
}

EngineClient::EngineClient(std::string address, int port, std::string auth_token)
    : address_(std::move(address)), port_(port), auth_token_(std::move(auth_token)) {}

EngineClient::~EngineClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool EngineClient::connect_now() {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return false;
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port_));
  if (::inet_pton(AF_INET, address_.c_str(), &sa.sin_addr) != 1) return false;
  int rc = ::connect(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  if (rc != 0 && errno != EINPROGRESS) return false;
  connecting_ = rc != 0;
  return true;
}

void EngineClient::send(std::vector<std::string> args, Callback done,
                        std::chrono::milliseconds timeout, SteadyTime now) {
  if (fd_ < 0 && !broken_) {
    if (!connect_now()) {
      broken_ = true;  // reported at the next tick, not from inside send()
    } else if (!auth_token_.empty()) {
      out_ += resp_command({"AUTH", auth_token_});
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
    if (len == kNotResp || pending_.empty()) {
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
