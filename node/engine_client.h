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
#include <string_view>
#include <vector>

namespace cachectl::node {

using SteadyTime = std::chrono::steady_clock::time_point;

// Where and as whom a daemon reaches an engine: a Redis engine's private
// Unix socket as the admin user (core/access_control.h; the engine's port
// may ask for TLS or a password), or a TCP address and port (Memcached,
// Sentinel) with no AUTH.
struct EngineTarget {
  std::string address;  // an IPv4 address, or a Unix socket path when port == 0
  int port = 0;
  std::string user;      // AUTH user ("" with a password: the default user)
  std::string password;  // "" = no AUTH
};

// A non-blocking stream socket connecting to `target` (`connecting`: the
// connection completes later, POLLOUT says when); -1 on failure.
int connect_engine(const EngineTarget& target, bool& connecting);

// The AUTH command for `target` ("" when it needs none).
std::string auth_command(const EngineTarget& target);

// The bulk strings of a RESP array reply as EngineClient gives it ("*2\r\n$3
// \r\nabc\r\n..."); empty when it is not one.
std::vector<std::string> resp_array_strings(const std::string& reply);

class EngineClient {
 public:
  // The reply's text as redis_command() gives it ("+OK", "-ERR ...", a bulk
  // string's body, ":12"), or nullopt when the engine did not answer (no
  // connection, connection lost, timeout).
  using Reply = std::optional<std::string>;
  using Callback = std::function<void(const Reply&)>;

  explicit EngineClient(EngineTarget target);
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

  EngineTarget target_;
  int fd_ = -1;
  bool connecting_ = false;
  bool broken_ = false;  // fail everything at the next tick
  std::string out_;
  std::string in_;
  std::deque<Pending> pending_;
  std::uint64_t generation_ = 0;
};

// One RESP2 reply.
struct RespValue {
  enum class Type { kSimple, kError, kInteger, kBulk, kNil, kArray };
  Type type = Type::kNil;
  std::string text;  // simple string, error (without '-'), bulk string
  std::int64_t integer = 0;
  std::vector<RespValue> elements;

  bool is_error() const { return type == Type::kError; }
  bool ok() const { return type == Type::kSimple && text == "OK"; }
  // "-ERR ...", "+OK", ":3", the bulk text, "(array of N)".
  std::string describe() const;
};

// The text of parse_resp's error value for bytes that are not RESP.
inline constexpr std::string_view kRespProtocolError = "protocol error";
// Parses one reply starting at `pos`: the value, with `pos` moved past it;
// nullopt while the reply is incomplete. Throws nothing: bytes that are not
// RESP are an error value (kRespProtocolError). The one RESP parser: the
// daemon's EngineClient frames replies with it (resp_reply_length), the
// cluster manager's RedisConnection reads values.
std::optional<RespValue> parse_resp(const std::string& data, std::size_t& pos);

// The RESP encoding of a command (an array of bulk strings).
std::string resp_command(const std::vector<std::string>& args);
// The length of the first complete RESP reply in `data` (parse_resp's), 0
// while it is incomplete, or npos when it is not RESP.
std::size_t resp_reply_length(const std::string& data);
// The text of one complete reply (see EngineClient::Reply).
std::string resp_reply_text(const std::string& reply);

}  // namespace cachectl::node
