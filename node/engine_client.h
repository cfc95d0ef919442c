// The daemon's own connection to its Redis engine, served by the poll loop:
// commands are queued and written without blocking, replies are read as
// they come and handed to each command's callback, in order. Nothing on the
// loop waits for the engine (a BGSAVE's completion is polled on a timer, not
// waited for).
#pragma once

#include <poll.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cachectl::node {

using SteadyTime = std::chrono::steady_clock::time_point;

class EngineClient {
 public:
  // The reply's text as redis_command() gives it ("+OK", "-ERR ...", a bulk
  // string's body, ":12"), or nullopt when the engine did not answer (no
  // connection, connection lost, timeout).
  using Reply = std::optional<std::string>;
  using Callback = std::function<void(const Reply&)>;

  EngineClient(std::string address, int port, std::string auth_token);
  ~EngineClient();
  EngineClient(const EngineClient&) = delete;
  EngineClient& operator=(const EngineClient&) = delete;

  // Queues a command; connects first if needed. `done` runs from handle(),
  // tick() or reset(), never from inside send().
  void send(std::vector<std::string> args, Callback done, std::chrono::milliseconds timeout,
            SteadyTime now);
  // Drops the connection and fails what is pending (the engine restarts).
  void reset();

  void collect(std::vector<pollfd>& fds) const;
  void handle(const pollfd* fds, std::size_t count, SteadyTime now);
  void tick(SteadyTime now);  // timeouts, and failures found by send()
  SteadyTime next_deadline() const;
  bool idle() const { return pending_.empty(); }
  // Goes up whenever the connection is dropped: work that spans several
  // commands (a BGSAVE and its polls) must not continue on another engine.
  std::uint64_t generation() const { return generation_; }

 private:
  struct Pending {
    Callback done;  // empty for the AUTH sent first
    SteadyTime deadline;
  };
  bool connect_now();
  void flush();
  void read_replies();
  void fail_all();

  std::string address_;
  int port_;
  std::string auth_token_;
  int fd_ = -1;
  bool connecting_ = false;
  bool broken_ = false;  // fail everything at the next tick
  std::string out_;
  std::string in_;
  std::deque<Pending> pending_;
  std::uint64_t generation_ = 0;
};

// The RESP encoding of a command (an array of bulk strings).
std::string resp_command(const std::vector<std::string>& args);
// The length of the first complete RESP reply in `data`, 0 while it is
// incomplete, or npos when it is not RESP.
std::size_t resp_reply_length(const std::string& data);
// The text of one complete reply (see EngineClient::Reply).
std::string resp_reply_text(const std::string& reply);

}  // namespace cachectl::node
