#include "node/engine_probe.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace cachectl::node {

ProbeReply judge_probe_reply(const std::string& engine, const std::string& reply) {
  if (engine == "memcached")
    return reply.find("\r\n") != std::string::npos ? ProbeReply::kAnswers : ProbeReply::kIncomplete;
  // AUTH's +OK may come first. A loading Redis answers -LOADING, which is
  // not yet "answering".
  if (reply.find("+PONG\r\n") != std::string::npos) return ProbeReply::kAnswers;
  if (reply.find('-') != std::string::npos) return ProbeReply::kNotYet;
  return ProbeReply::kIncomplete;
}

EngineProbe::EngineProbe(std::string engine, EngineTarget target, std::chrono::milliseconds timeout)
    : engine_(std::move(engine)),
      target_(std::move(target)),
      request_(engine_ == "memcached" ? "version\r\n"
                                      : auth_command(target_) + resp_command({"PING"})),
      timeout_(timeout) {}

EngineProbe::~EngineProbe() { close_socket(); }

void EngineProbe::close_socket() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  connecting_ = false;
  out_.clear();
  in_.clear();
}

void EngineProbe::cancel() {
  close_socket();
  failed_ = false;
  done_ = nullptr;
}

void EngineProbe::start(Done done, SteadyTime now) {
  cancel();
  done_ = std::move(done);
  deadline_ = now + timeout_;
  out_ = request_;
  fd_ = connect_engine(target_, connecting_);
  // On loopback a refused connection is usually known at once; either way
  // it is reported from tick() or handle().
  if (fd_ < 0) {
    failed_ = true;
    return;
  }
  if (!connecting_) flush();
}

void EngineProbe::flush() {
  while (!out_.empty()) {
    ssize_t n = ::send(fd_, out_.data(), out_.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return;
      failed_ = true;
      return;
    }
    out_.erase(0, static_cast<std::size_t>(n));
  }
}

void EngineProbe::read_reply(SteadyTime now) {
  char buf[512];
  for (;;) {
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    if (n <= 0) {  // closed (the engine stopping) or an error
      finish(false, now);
      return;
    }
    in_.append(buf, static_cast<std::size_t>(n));
    // A reply is a line or two; more than that is not an answer.
    if (in_.size() > 4096) {
      finish(false, now);
      return;
    }
  }
  ProbeReply verdict = judge_probe_reply(engine_, in_);
  if (verdict != ProbeReply::kIncomplete) finish(verdict == ProbeReply::kAnswers, now);
}

void EngineProbe::collect(std::vector<pollfd>& fds) const {
  if (fd_ < 0 || failed_) return;
  short events = POLLIN;
  if (connecting_ || !out_.empty()) events |= POLLOUT;
  fds.push_back({fd_, events, 0});
}

void EngineProbe::handle(const pollfd* fds, std::size_t count, SteadyTime now) {
  for (std::size_t i = 0; i < count && fd_ >= 0; ++i) {
    if (fds[i].fd != fd_ || fds[i].revents == 0) continue;
    if (fds[i].revents & (POLLERR | POLLNVAL)) {
      finish(false, now);
      return;
    }
    if (fds[i].revents & POLLOUT) {
      connecting_ = false;
      flush();
    }
    if (fds[i].revents & (POLLIN | POLLHUP)) read_reply(now);
  }
  tick(now);
}

void EngineProbe::tick(SteadyTime now) {
  if (!done_) return;
  if (failed_ || now >= deadline_) finish(false, now);
}

SteadyTime EngineProbe::next_deadline() const {
  if (!done_) return SteadyTime::max();
  return failed_ ? SteadyTime::min() : deadline_;
}

void EngineProbe::finish(bool answered, SteadyTime now) {
  close_socket();
  failed_ = false;
  // Taken first: `done` may start the next probe.
  Done done = std::move(done_);
  done_ = nullptr;
  if (done) done(answered, now);
}

}  // namespace cachectl::node
