#include "serve/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <deque>
#include <thread>
#include <unordered_map>

#include "os/spawn.h"
#include "serve/peer_user.h"
#include "serve/query_api.h"
#include "serve/worker.h"

namespace cachectl::serve {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// After an answer that closes the connection: what the client still sends
// is read and dropped for this long, so that closing does not reset the
// connection before the client has read the answer (a 413 to a 10 MB body).
constexpr auto kDrainTime = 2s;
constexpr auto kListenerPause = 100ms;
constexpr auto kSweepEvery = 100ms;
// A worker that dies sooner than this after its start is started again only
// this long after its start: a worker that cannot run must not spin.
constexpr auto kRespawnSpacing = 1s;
// Descriptors kept free at the connection cap: workers' sockets, what an
// operation run here opens is in the workers, so a few suffice.
constexpr std::size_t kReservedDescriptors = 32;

enum Kind : std::uint64_t { kListener = 1, kSignals = 2, kWorker = 3, kConnection = 4 };
std::uint64_t tag(Kind kind, std::uint64_t value) { return (std::uint64_t(kind) << 56) | value; }
Kind kind_of(std::uint64_t t) { return static_cast<Kind>(t >> 56); }
std::uint64_t value_of(std::uint64_t t) { return t & ((std::uint64_t(1) << 56) - 1); }

struct Connection {
  enum class Phase { kIdle, kReading, kWorking, kWriting, kDraining };
  int fd = -1;
  Phase phase = Phase::kIdle;
  std::string in, out;
  bool keep_alive = true;  // after the answer being written
  bool reading = true;     // in the epoll set for input
  bool writing = false;    // ... and for output
  bool foreign = false;    // another user's: its requests are refused
  Clock::time_point deadline;
};

struct Worker {
  pid_t pid = -1;
  int fd = -1;  // -1: not running
  std::string in, out;
  std::uint64_t connection = 0;  // the request it answers; 0: idle
  Clock::time_point started, respawn_at;
};

struct Pending {
  std::uint64_t connection;
  std::string frame;
};

std::string http_date() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

bool wants_keep_alive(const node::HttpRequest& r) {
  std::string connection;
  if (auto c = r.header("Connection"))
    for (char ch : *c)
      connection += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (r.version == "HTTP/1.0") return connection.find("keep-alive") != std::string::npos;
  return connection.find("close") == std::string::npos;
}

// The Query API error that answers an HTTP request that could not be read.
core::ApiError http_error(int status, const std::string& reason) {
  switch (status) {
    case 413:
      return {"RequestEntityTooLarge", "The request is too large: " + reason + "."};
    case 431:
      return {"RequestHeaderSectionTooLarge", "The request's head is too large: " + reason + "."};
    case 505:
      return {"HttpVersionNotSupported", "Send HTTP/1.1 or HTTP/1.0: " + reason + "."};
    default:
      return {"InvalidRequest", "The HTTP request cannot be read: " + reason + "."};
  }
}

enum class Sent { kAll, kFull, kFailed };

// Sends what `out` holds until it is all gone or the socket is full.
Sent send_some(int fd, std::string& out) {
  while (!out.empty()) {
    ssize_t n = ::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
    if (n > 0) {
      out.erase(0, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && errno == EAGAIN ? Sent::kFull : Sent::kFailed;
  }
  return Sent::kAll;
}

class Server {
 public:
  Server(const ServerOptions& options, std::ostream& log) : o_(options), log_(log) {}
  ~Server();
  core::Status start(std::ostream& out);
  void run();

 private:
  void watch(int fd, std::uint32_t events, std::uint64_t data, bool add);
  void on_listener(Clock::time_point now);
  void on_signals();
  void on_connection(std::uint64_t id, std::uint32_t events, Clock::time_point now);
  void on_worker(std::size_t index, std::uint32_t events);
  void parse_next(std::uint64_t id, Connection& c, Clock::time_point now);
  void send_answer(std::uint64_t id, Connection& c, const QueryAnswer& answer);
  void flush(std::uint64_t id, Connection& c);
  void begin_drain(std::uint64_t id, Connection& c);
  void close_connection(std::uint64_t id);
  void set_interest(std::uint64_t id, Connection& c, bool reading, bool writing);
  void dispatch(std::uint64_t connection, std::string frame);
  void assign(Worker& w, std::uint64_t connection, std::string frame);
  void flush_worker(std::size_t index);
  void worker_died(std::size_t index, const std::string& why);
  bool spawn_worker(std::size_t index, std::string& error);
  void start_due_workers(Clock::time_point now);
  void sweep(Clock::time_point now);
  void begin_stop();
  bool in_flight() const;
  std::size_t connection_cap() const;
  void set_listener(bool on);

  const ServerOptions& o_;
  std::ostream& log_;
  int epoll_ = -1, listener_ = -1, signals_ = -1;
  bool listener_on_ = false;
  Clock::time_point listener_paused_until_{};
  std::unordered_map<std::uint64_t, Connection> connections_;
  std::uint64_t next_id_ = 1;
  std::vector<Worker> workers_;
  std::deque<Pending> pending_;
  RequestIds ids_;
  bool stopping_ = false;
  bool stop_now_ = false;
  Clock::time_point last_sweep_{};
};

Server::~Server() {
  for (auto& [id, c] : connections_) ::close(c.fd);
  for (auto& w : workers_)
    if (w.fd >= 0) ::close(w.fd);
  for (int fd : {listener_, signals_, epoll_})
    if (fd >= 0) ::close(fd);
}

void Server::watch(int fd, std::uint32_t events, std::uint64_t data, bool add) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = data;
  ::epoll_ctl(epoll_, add ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev);
}

std::size_t Server::connection_cap() const {
  rlimit rl{};
  std::size_t limit = ::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY
                          ? static_cast<std::size_t>(rl.rlim_cur)
                          : 1024;
  std::size_t reserved = kReservedDescriptors + 2 * workers_.size();
  std::size_t by_limit = limit > 2 * reserved ? limit - reserved : limit / 2;
  return std::min(o_.max_connections, by_limit);
}

void Server::set_listener(bool on) {
  if (listener_ < 0 || on == listener_on_) return;
  if (on) {
    watch(listener_, EPOLLIN, tag(kListener, 0), true);
  } else {
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, listener_, nullptr);
  }
  listener_on_ = on;
}

core::Status Server::start(std::ostream& out) {
  auto fail = [](const std::string& what) {
    return core::ApiError{core::kInvalidConfiguration, what + ": " + std::strerror(errno)};
  };
  sockaddr_storage address{};
  socklen_t length = 0;
  int family = AF_INET;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
  if (::inet_pton(AF_INET, o_.host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<std::uint16_t>(o_.port));
    length = sizeof *v4;
  } else if (::inet_pton(AF_INET6, o_.host.c_str(), &v6->sin6_addr) == 1) {
    family = AF_INET6;
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<std::uint16_t>(o_.port));
    length = sizeof *v6;
  } else {
    return core::ApiError{core::kInvalidConfiguration,
                          "--listen: '" + o_.host + "' is not an IPv4 or IPv6 address"};
  }
  listener_ = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listener_ < 0) return fail("socket");
  int one = 1;
  ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0)
    return fail("cannot listen on " + o_.host + ":" + std::to_string(o_.port));
  if (::listen(listener_, 1024) != 0) return fail("listen");
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
  int port = ntohs(family == AF_INET ? v4->sin_port : v6->sin6_port);

  // Signals arrive on a descriptor of the loop; children (workers) get
  // every disposition back from os::spawn.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGCHLD);
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  signals_ = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (signals_ < 0 || epoll_ < 0) return fail("signalfd/epoll");
  watch(signals_, EPOLLIN, tag(kSignals, 0), true);

  workers_.resize(static_cast<std::size_t>(std::max(1, o_.workers)));
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    std::string error;
    if (!spawn_worker(i, error))
      return core::ApiError{core::kInvalidConfiguration, "cannot start a worker: " + error};
  }
  set_listener(true);
  std::string shown = family == AF_INET6 ? "[" + o_.host + "]" : o_.host;
  out << "Listening on http://" << shown << ":" << port << std::endl;
  return std::nullopt;
}

bool Server::spawn_worker(std::size_t index, std::string& error) {
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
    error = std::string("socketpair: ") + std::strerror(errno);
    return false;
  }
  os::SpawnOptions so;
  so.argv = o_.worker_argv;
  so.fds = {{3, pair[1]}};
  so.inherit = {2};  // its log is the server's
  // Not in the server's process group: a ^C at the terminal stops the
  // server, which lets workers finish what they run instead of killing them.
  so.new_process_group = true;
  os::Spawned s = os::spawn(so);
  ::close(pair[1]);
  if (!s) {
    ::close(pair[0]);
    error = s.what;
    return false;
  }
  ::fcntl(pair[0], F_SETFL, ::fcntl(pair[0], F_GETFL) | O_NONBLOCK);
  Worker& w = workers_[index];
  w = Worker{};
  w.pid = s.pid;
  w.fd = pair[0];
  w.started = Clock::now();
  watch(w.fd, EPOLLIN | EPOLLRDHUP, tag(kWorker, index), true);
  return true;
}

void Server::on_listener(Clock::time_point now) {
  while (connections_.size() < connection_cap()) {
    int fd = ::accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // Out of descriptors: clients wait in the backlog, the loop does not spin.
        set_listener(false);
        listener_paused_until_ = now + kListenerPause;
      }
      return;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::uint64_t id = next_id_++;
    Connection& c = connections_[id];
    c.fd = fd;
    c.deadline = now + o_.idle_timeout;
    if (o_.own_user_only) {
      std::optional<uid_t> user = peer_user(fd);
      c.foreign = !user || *user != ::geteuid();
    }
    watch(fd, EPOLLIN | EPOLLRDHUP, tag(kConnection, id), true);
  }
  set_listener(false);  // at the cap until a connection closes
}

void Server::on_signals() {
  signalfd_siginfo info;
  while (::read(signals_, &info, sizeof info) == sizeof info) {
    if (info.ssi_signo == SIGCHLD) {
      int status = 0;
      pid_t pid;
      while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0)
        if (!stopping_)
          log_ << "cachectl serve: worker " << pid << " " << os::describe_wait_status(status)
               << "\n";
      continue;
    }
    if (stopping_) {
      log_ << "cachectl serve: stopping now; operations still running finish in their worker\n";
      stop_now_ = true;
    } else {
      log_ << "cachectl serve: stopping once the requests being run are answered\n";
      begin_stop();
    }
  }
}

void Server::begin_stop() {
  stopping_ = true;
  set_listener(false);
  if (listener_ >= 0) ::close(listener_);
  listener_ = -1;
  std::vector<std::uint64_t> idle;
  for (auto& [id, c] : connections_) {
    c.keep_alive = false;
    // A request not read whole has not started: nothing is lost.
    if (c.phase == Connection::Phase::kIdle || c.phase == Connection::Phase::kReading)
      idle.push_back(id);
  }
  for (auto id : idle) close_connection(id);
}

bool Server::in_flight() const {
  for (const auto& [id, c] : connections_)
    if (c.phase == Connection::Phase::kWorking || c.phase == Connection::Phase::kWriting)
      return true;
  return false;
}

void Server::set_interest(std::uint64_t id, Connection& c, bool reading, bool writing) {
  if (c.reading == reading && c.writing == writing) return;
  c.reading = reading;
  c.writing = writing;
  // EPOLLRDHUP only while reading: a half-closed client not being read
  // would otherwise wake the loop again and again.
  std::uint32_t events = (reading ? EPOLLIN | EPOLLRDHUP : 0u) | (writing ? EPOLLOUT : 0u);
  watch(c.fd, events, tag(kConnection, id), false);
}

void Server::close_connection(std::uint64_t id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  ::close(it->second.fd);  // also leaves the epoll set
  connections_.erase(it);
  if (!stopping_ && connections_.size() < connection_cap() &&
      listener_paused_until_ == Clock::time_point{})
    set_listener(true);
}

void Server::on_connection(std::uint64_t id, std::uint32_t events, Clock::time_point now) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  Connection& c = it->second;
  // Reset, or closed both ways: nobody to answer (and epoll reports it until closed).
  if (events & (EPOLLERR | EPOLLHUP)) return close_connection(id);
  if (events & EPOLLOUT) {
    flush(id, c);
    it = connections_.find(id);
    if (it == connections_.end()) return;
  }
  if (!(events & (EPOLLIN | EPOLLRDHUP)) || !c.reading) return;
  // What one request may weigh, and a little of the next: beyond that the
  // connection is not read until its request is answered.
  const std::size_t cap = o_.limits.max_header + o_.limits.max_body + 64 * 1024;
  char buf[65536];
  bool eof = false;
  for (int rounds = 0; rounds < 16; ++rounds) {
    ssize_t n = ::read(c.fd, buf, sizeof buf);
    if (n > 0) {
      if (c.phase != Connection::Phase::kDraining) c.in.append(buf, static_cast<std::size_t>(n));
      if (c.in.size() >= cap) break;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    eof = true;  // the client closed (or reset) its side
    break;
  }
  if (eof) {
    // The client is done sending. A request of its being run or answered
    // still gets its answer (a half-closed client may read it); nothing more
    // is read.
    if (c.phase != Connection::Phase::kWorking && c.phase != Connection::Phase::kWriting)
      return close_connection(id);
    c.keep_alive = false;
    set_interest(id, c, false, c.writing);
    return;
  }
  if (c.phase == Connection::Phase::kDraining) return;
  if (c.in.size() >= cap) set_interest(id, c, false, c.writing);
  if (c.phase == Connection::Phase::kIdle || c.phase == Connection::Phase::kReading)
    parse_next(id, c, now);
}

void Server::parse_next(std::uint64_t id, Connection& c, Clock::time_point now) {
  if (c.in.empty()) {
    c.phase = Connection::Phase::kIdle;
    return;
  }
  if (c.phase == Connection::Phase::kIdle) {
    c.phase = Connection::Phase::kReading;
    c.deadline = now + o_.request_timeout;
  }
  node::ParseResult r = node::parse_http_request(c.in, o_.limits);
  if (r.state == node::ParseState::kIncomplete) {
    if (!c.reading) set_interest(id, c, true, c.writing);
    return;
  }
  if (r.state == node::ParseState::kBad) {
    c.keep_alive = false;
    c.in.clear();
    return send_answer(id, c, error_answer(http_error(r.status, r.reason), ids_));
  }
  if (c.foreign) {
    c.keep_alive = false;
    c.in.clear();
    return send_answer(
        id, c,
        error_answer({"AccessDenied", "This endpoint serves only the connections of user " +
                                          std::to_string(::geteuid()) +
                                          ", whose state home it serves; cachectl serve "
                                          "--credentials FILE serves others' signed requests."},
                     ids_));
  }
  c.keep_alive = !stopping_ && wants_keep_alive(r.request);
  std::string raw = c.in.substr(0, r.request.length);
  c.in.erase(0, r.request.length);
  c.phase = Connection::Phase::kWorking;
  dispatch(id, frame(raw));
}

void Server::send_answer(std::uint64_t id, Connection& c, const QueryAnswer& answer) {
  std::string head =
      "HTTP/1.1 " + std::to_string(answer.status) + " " + node::http_reason(answer.status) +
      "\r\nx-amzn-RequestId: " + answer.request_id +
      "\r\nContent-Type: text/xml\r\nContent-Length: " + std::to_string(answer.body.size()) +
      "\r\nDate: " + http_date() + "\r\n";
  if (!c.keep_alive) head += "Connection: close\r\n";
  c.out += head + "\r\n";
  c.out += answer.body;
  c.phase = Connection::Phase::kWriting;
  // The client has this long to read its answer.
  c.deadline = Clock::now() + o_.idle_timeout;
  flush(id, c);
}

void Server::flush(std::uint64_t id, Connection& c) {
  Sent sent = send_some(c.fd, c.out);
  if (sent == Sent::kFull) return set_interest(id, c, c.reading, true);
  if (sent == Sent::kFailed) return close_connection(id);  // the client is gone
  set_interest(id, c, c.reading, false);
  if (c.phase != Connection::Phase::kWriting) return;
  if (!c.keep_alive) return begin_drain(id, c);
  c.phase = Connection::Phase::kIdle;
  c.deadline = Clock::now() + o_.idle_timeout;
  if (!c.reading) set_interest(id, c, true, false);
  parse_next(id, c, Clock::now());  // a request the client sent ahead
}

void Server::begin_drain(std::uint64_t id, Connection& c) {
  ::shutdown(c.fd, SHUT_WR);
  c.phase = Connection::Phase::kDraining;
  c.in.clear();
  c.deadline = Clock::now() + kDrainTime;
  set_interest(id, c, true, false);
}

void Server::dispatch(std::uint64_t connection, std::string frame) {
  for (auto& w : workers_) {
    if (w.fd >= 0 && w.connection == 0) return assign(w, connection, std::move(frame));
  }
  pending_.push_back({connection, std::move(frame)});
}

void Server::assign(Worker& w, std::uint64_t connection, std::string frame) {
  w.connection = connection;
  w.out += frame;
  flush_worker(static_cast<std::size_t>(&w - workers_.data()));
}

void Server::flush_worker(std::size_t index) {
  Worker& w = workers_[index];
  Sent sent = send_some(w.fd, w.out);
  if (sent == Sent::kFailed)
    return worker_died(index, std::string("cannot write to it: ") + std::strerror(errno));
  std::uint32_t events = EPOLLIN | EPOLLRDHUP | (sent == Sent::kFull ? EPOLLOUT : 0u);
  watch(w.fd, events, tag(kWorker, index), false);
}

void Server::on_worker(std::size_t index, std::uint32_t events) {
  Worker& w = workers_[index];
  if (w.fd < 0) return;
  if (events & EPOLLOUT) {
    flush_worker(index);
    if (w.fd < 0) return;
  }
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(w.fd, buf, sizeof buf);
    if (n > 0) {
      w.in.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) break;
    return worker_died(index, "it ended");
  }
  bool broken = false;
  while (auto payload = take_frame(w.in, broken)) {
    auto answer = parse_answer_payload(*payload);
    std::uint64_t id = w.connection;
    w.connection = 0;
    auto it = connections_.find(id);
    if (it != connections_.end()) {
      send_answer(
          id, it->second,
          answer ? *answer
                 : error_answer({"InternalFailure", "the worker's answer cannot be read"}, ids_));
    }
    if (w.fd >= 0 && w.connection == 0 && !pending_.empty()) {
      Pending next = std::move(pending_.front());
      pending_.pop_front();
      assign(w, next.connection, std::move(next.frame));
    }
  }
  if (broken) {
    ::kill(w.pid, SIGKILL);
    worker_died(index, "its answer was not a frame");
  }
}

void Server::worker_died(std::size_t index, const std::string& why) {
  Worker& w = workers_[index];
  if (w.fd < 0) return;
  ::close(w.fd);
  w.fd = -1;
  w.in.clear();
  w.out.clear();
  w.respawn_at = std::max(Clock::now(), w.started + kRespawnSpacing);
  if (!stopping_) log_ << "cachectl serve: worker " << w.pid << " is gone (" << why << ")\n";
  std::uint64_t id = w.connection;
  w.connection = 0;
  auto it = connections_.find(id);
  if (id != 0 && it != connections_.end()) {
    // Never sent to another worker: the operation may have been done.
    it->second.keep_alive = false;
    send_answer(id, it->second,
                error_answer({"InternalFailure",
                              "The worker process running this request ended before it answered "
                              "(see the server's log); the operation may have been done in part. "
                              "It was not run again."},
                             ids_));
  }
}

void Server::start_due_workers(Clock::time_point now) {
  // Stopping, a worker is started again only for requests still waiting.
  if (stopping_ && pending_.empty()) return;
  bool any_running = false;
  std::string last_error;
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    Worker& w = workers_[i];
    if (w.fd < 0 && now >= w.respawn_at) {
      std::string error;
      if (!spawn_worker(i, error)) {
        log_ << "cachectl serve: cannot start a worker: " << error << "\n";
        last_error = error;
        w.respawn_at = now + kRespawnSpacing;
        continue;
      }
      // A request received whole is run, whether or not its client still waits.
      if (!pending_.empty()) {
        Pending next = std::move(pending_.front());
        pending_.pop_front();
        assign(w, next.connection, std::move(next.frame));
      }
    }
    any_running = any_running || w.fd >= 0;
  }
  if (!any_running && !last_error.empty()) {
    // No worker can run: the waiting requests are told so (nothing ran).
    while (!pending_.empty()) {
      auto it = connections_.find(pending_.front().connection);
      pending_.pop_front();
      if (it == connections_.end()) continue;
      it->second.keep_alive = false;
      send_answer(
          it->first, it->second,
          error_answer({"ServiceUnavailable", "No worker process can be started: " + last_error},
                       ids_));
    }
  }
}

void Server::sweep(Clock::time_point now) {
  std::vector<std::uint64_t> expired, timed_out;
  for (auto& [id, c] : connections_) {
    if (c.phase == Connection::Phase::kWorking || now < c.deadline) continue;
    (c.phase == Connection::Phase::kReading ? timed_out : expired).push_back(id);
  }
  for (auto id : expired) close_connection(id);
  for (auto id : timed_out) {
    Connection& c = connections_[id];
    c.keep_alive = false;
    c.in.clear();
    send_answer(
        id, c,
        error_answer({"RequestTimeout", "The request was not received whole within " +
                                            std::to_string(o_.request_timeout.count()) + " ms."},
                     ids_));
  }
  if (listener_paused_until_ != Clock::time_point{} && now >= listener_paused_until_) {
    listener_paused_until_ = {};
    if (!stopping_ && connections_.size() < connection_cap()) set_listener(true);
  }
  start_due_workers(now);
}

void Server::run() {
  epoll_event events[64];
  while (!stop_now_ && !(stopping_ && !in_flight())) {
    int timeout = connections_.empty() && pending_.empty() &&
                          listener_paused_until_ == Clock::time_point{} && !stopping_
                      ? 1000
                      : static_cast<int>(kSweepEvery.count());
    int n = ::epoll_wait(epoll_, events, 64, timeout);
    Clock::time_point now = Clock::now();
    for (int i = 0; i < n; ++i) {
      std::uint64_t t = events[i].data.u64;
      switch (kind_of(t)) {
        case kListener:
          on_listener(now);
          break;
        case kSignals:
          on_signals();
          break;
        case kWorker:
          on_worker(value_of(t), events[i].events);
          break;
        case kConnection:
          on_connection(value_of(t), events[i].events, now);
          break;
      }
    }
    if (now - last_sweep_ >= kSweepEvery) {
      last_sweep_ = now;
      sweep(now);
    }
  }
  // Idle workers read the end of their socket and exit; one still running
  // an operation (a second signal) finishes it first.
  for (auto& w : workers_)
    if (w.fd >= 0) {
      ::close(w.fd);
      w.fd = -1;
    }
  auto deadline = Clock::now() + 5s;
  for (auto& w : workers_) {
    while (w.pid > 0 && Clock::now() < deadline) {
      pid_t r = ::waitpid(w.pid, nullptr, WNOHANG);
      if (r != 0) break;
      std::this_thread::sleep_for(5ms);
    }
  }
}

}  // namespace

core::Status run_server(const ServerOptions& options, std::ostream& out, std::ostream& log) {
  Server server(options, log);
  if (auto err = server.start(out)) return err;
  server.run();
  return std::nullopt;
}

}  // namespace cachectl::serve
