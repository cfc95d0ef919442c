// Is the engine answering? A RESP PING for Redis, "version" for Memcached,
// over a fresh loopback TCP connection with a deadline, served by the
// daemon's poll loop: asking never waits for the engine, the answer comes
// later (a starting engine may take its time, and the loop must keep
// serving the admin socket and reaping children meanwhile).
#pragma once

#include <poll.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "node/engine_client.h"

namespace cachectl::node {

// What a probe's reply says so far: a complete PONG (or Memcached's
// version line), something else complete (-LOADING while Redis loads its
// data, an AUTH error), or nothing complete yet.
enum class ProbeReply { kIncomplete, kAnswers, kNotYet };
ProbeReply judge_probe_reply(const std::string& engine, const std::string& reply);

class EngineProbe {
 public:
  // `answered` is false when the engine refused the connection, closed it,
  // replied otherwise, or did not reply by the deadline.
  using Done = std::function<void(bool answered, SteadyTime now)>;

  // Redis: AUTH (when the target has a password) and PING. Memcached:
  // "version".
  EngineProbe(std::string engine, EngineTarget target, std::chrono::milliseconds timeout);
  ~EngineProbe();
  EngineProbe(const EngineProbe&) = delete;
  EngineProbe& operator=(const EngineProbe&) = delete;

  // Connects and sends the request without waiting; `done` runs once, from
  // handle() or tick(), never from inside start(). A probe in flight is
  // dropped (its `done` never runs).
  void start(Done done, SteadyTime now);
  void cancel();  // drops the probe in flight, if any
  bool running() const { return static_cast<bool>(done_); }

  void collect(std::vector<pollfd>& fds) const;
  void handle(const pollfd* fds, std::size_t count, SteadyTime now);
  void tick(SteadyTime now);  // the deadline, and failures found by start()
  SteadyTime next_deadline() const;

 private:
  void flush();
  void read_reply(SteadyTime now);
  void finish(bool answered, SteadyTime now);
  void close_socket();

  std::string engine_;
  EngineTarget target_;
  std::string request_;
  std::chrono::milliseconds timeout_;
  int fd_ = -1;
  bool connecting_ = false;
  bool failed_ = false;  // reported at the next tick
  std::string out_;
  std::string in_;
  SteadyTime deadline_{};
  Done done_;
};

}  // namespace cachectl::node
