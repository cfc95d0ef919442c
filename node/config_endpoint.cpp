#include "node/config_endpoint.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "core/files.h"
#include "core/record_cache.h"
#include "core/registry.h"
#include "core/time_format.h"
#include "node/admin_server.h"
#include "node/config_endpoint_protocol.h"
#include "node/daemon_files.h"
#include "node/discovery.h"
#include "node/engine_client.h"

namespace cachectl::node {

ConfigEndpointLimits config_endpoint_limits(const char* idle_ms) {
  ConfigEndpointLimits limits;
  if (idle_ms && *idle_ms) {
    char* end = nullptr;
    errno = 0;
    long long ms = std::strtoll(idle_ms, &end, 10);
    if (errno == 0 && *end == '\0' && ms > 0) limits.idle_timeout = std::chrono::milliseconds(ms);
  }
  return limits;
}

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

int listen_tcp(const std::string& address, int port, std::string& error) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, address.c_str(), &sa.sin_addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || ::listen(fd, 128) != 0) {
    error =
        "cannot listen on " + address + ":" + std::to_string(port) + ": " + std::strerror(errno);
    ::close(fd);
    return -1;
  }
  return fd;
}

void no_delay(int fd) {
  // Requests and answers are small: Nagle's delay would hold them back.
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// A non-blocking connect to a node (the daemons' connect_engine): the
// descriptor, connected or still connecting (the loop is told when it is
// done), or -1 when it failed at once.
int start_connect(const std::string& address, int port) {
  bool connecting = false;
  int fd = connect_engine({address, port, "", ""}, connecting);
  if (fd >= 0) no_delay(fd);
  return fd;
}

// Two descriptors per connection (client and node), and some for the
// listener, the admin socket and its clients. The soft limit is raised to
// the hard one first.
std::size_t connection_cap(std::size_t wanted) {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return wanted;
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
    ::getrlimit(RLIMIT_NOFILE, &rl);
  }
  if (rl.rlim_cur == RLIM_INFINITY) return wanted;
  auto fds = static_cast<std::size_t>(rl.rlim_cur);
  return std::clamp<std::size_t>(fds > 64 ? (fds - 64) / 2 : 1, 1, wanted);
}

struct Target {
  std::string address;
  int port = 0;
};

// One client connection. Its node connection is opened as it is accepted
// (in parallel with the client's first request, as a minimal relay does);
// lines are answered here until the first request that is not auto
// discovery; from then on bytes flow both ways to the node untouched.
struct Session {
  int upstream = -1;
  bool connected = false;       // the upstream's connect has completed
  bool forwarding = false;      // passing through to the node
  std::vector<Target> targets;  // the nodes still to try, in order
  std::string from_client;      // not handled yet (before forwarding)
  std::string to_client;
  std::string to_upstream;
  bool client_eof = false;       // the client will send nothing more
  bool upstream_eof = false;     // the node will send nothing more (or is gone)
  bool upstream_shut = false;    // the node has been told the client finished
  bool broken = false;           // the client cannot be written to: close
  bool retried = false;          // a new round of connects was made for a request
  std::uint32_t generation = 0;  // of the node connection, one more at each
  Clock::time_point last_activity;
  // What the loop's epoll set holds for each side (0: not in the set).
  std::uint32_t client_watch = 0, upstream_watch = 0;

  bool passing() const { return forwarding; }
  // Tries the next node; false when none is left.
  bool connect_next();
  void drop_upstream();
  // What to wait for: reading stops while `bound` bytes wait for the other
  // side (backpressure); 0 means "do not wait at all".
  short client_events(std::size_t bound) const;
  short upstream_events(std::size_t bound) const;
  // Moves the bytes the readiness allows; `answer` handles requests while
  // the connection is not passing through yet. Updates last_activity.
  void pump(int client, short client_revents, short upstream_revents, std::size_t bound,
            Clock::time_point now, const std::function<void(Session&)>& answer);
  // Nothing more can happen on this connection.
  bool finished() const;
};

bool Session::connect_next() {
  drop_upstream();
  while (!targets.empty()) {
    Target t = std::move(targets.front());
    targets.erase(targets.begin());
    upstream = start_connect(t.address, t.port);
    ++generation;
    if (upstream >= 0) return true;
  }
  return false;
}

void Session::drop_upstream() {
  if (upstream >= 0) ::close(upstream);  // which takes it out of the epoll set
  upstream = -1;
  connected = false;
  upstream_watch = 0;
}

// Sends what it can; false when the peer is gone.
bool flush(int fd, std::string& out, bool& moved) {
  while (!out.empty()) {
    ssize_t n = ::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    out.erase(0, static_cast<std::size_t>(n));
    moved = true;
  }
  return true;
}

// An emptied buffer gives its memory back: idle connections cost nothing.
void release_if_empty(std::string& s) {
  if (s.empty() && s.capacity() > 4096) std::string().swap(s);
}

enum class ReadResult { kData, kNone, kEof };

// Reads at most `room` bytes into `into`.
ReadResult read_some(int fd, std::string& into, std::size_t room) {
  char buf[16384];
  ssize_t n = ::recv(fd, buf, std::min(room, sizeof buf), 0);
  if (n > 0) {
    into.append(buf, static_cast<std::size_t>(n));
    return ReadResult::kData;
  }
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return ReadResult::kNone;
  return ReadResult::kEof;
}

short Session::client_events(std::size_t bound) const {
  bool want = !client_eof && !upstream_eof &&
              (passing() ? to_upstream.size() < bound
                         : from_client.size() < bound && to_client.size() < bound);
  return static_cast<short>((want ? POLLIN : 0) | (to_client.empty() ? 0 : POLLOUT));
}

short Session::upstream_events(std::size_t bound) const {
  if (upstream < 0 || upstream_eof) return 0;
  if (!connected) return POLLOUT;  // the connect's completion
  // Before forwarding, only a node that goes away is of interest.
  if (!passing()) return POLLIN;
  return static_cast<short>((to_client.size() < bound ? POLLIN : 0) |
                            (to_upstream.empty() ? 0 : POLLOUT));
}

void Session::pump(int client, short cr, short ur, std::size_t bound, Clock::time_point now,
                   const std::function<void(Session&)>& answer) {
  constexpr short kReadable = POLLIN | POLLHUP | POLLERR;
  bool moved = false;
  if (upstream >= 0 && !connected && (ur & (POLLOUT | POLLHUP | POLLERR))) {
    int error = 0;
    socklen_t len = sizeof error;
    if (::getsockopt(upstream, SOL_SOCKET, SO_ERROR, &error, &len) != 0) error = errno;
    if (error == 0) {
      connected = true;
    } else {
      connect_next();
    }
    ur = 0;
  }
  if (upstream >= 0 && connected && !passing() && (ur & kReadable)) {
    // The node closed (a reboot) before it was used: a new connection is
    // made when one is needed.
    drop_upstream();
    ur = 0;
  }
  if ((cr & kReadable) && (client_events(bound) & POLLIN)) {
    std::string& into = passing() ? to_upstream : from_client;
    ReadResult r = read_some(client, into, bound - std::min(bound, into.size()));
    if (r == ReadResult::kData) moved = true;
    if (r == ReadResult::kEof) client_eof = true;
  }
  if ((ur & kReadable) && (upstream_events(bound) & POLLIN)) {
    ReadResult r = read_some(upstream, to_client, bound - std::min(bound, to_client.size()));
    if (r == ReadResult::kData) moved = true;
    if (r == ReadResult::kEof) upstream_eof = true;
  }
  if (!passing()) answer(*this);
  if (passing() && !upstream_eof) {
    if (!flush(upstream, to_upstream, moved)) upstream_eof = true;
    // The client finished sending: so does the node's side, and the node
    // closes once it has answered.
    if (client_eof && to_upstream.empty() && !upstream_shut) {
      ::shutdown(upstream, SHUT_WR);
      upstream_shut = true;
    }
  }
  if (upstream_eof) to_upstream.clear();
  if (!flush(client, to_client, moved)) broken = true;
  if (!passing()) answer(*this);  // room was made for more answers
  if (moved) last_activity = now;
  release_if_empty(to_client);
  release_if_empty(to_upstream);
  release_if_empty(from_client);
}

bool Session::finished() const {
  if (broken) return true;
  if (passing()) return upstream_eof && to_client.empty();
  // Before passing through: done once the client has stopped sending and
  // every answer is out (answers are made until the bound or half a line, so
  // with none pending only half a discovery line can be left).
  return client_eof && to_client.empty();
}

// Keys of the epoll set: a session's client descriptor, which side, and for
// the node's side the connection's generation (an event read in the same
// batch as the close of an earlier connection must not touch a new one that
// got the same descriptor). The fixed descriptors use keys no session can.
std::uint64_t key(int client, bool upstream, std::uint32_t generation = 0) {
  return (static_cast<std::uint64_t>(client) << 32) |
         (static_cast<std::uint64_t>(generation & 0x7fffffff) << 1) | (upstream ? 1 : 0);
}
constexpr std::uint64_t kSignalKey = ~0ull, kListenKey = ~0ull - 1, kAdminKey = ~0ull - 2;

// Makes the epoll set hold what `want` asks for `fd`. A descriptor with
// nothing asked is taken out: epoll reports a hung-up peer even for no
// events, which would make the loop spin. (Closing a descriptor takes it out
// too: its owner then sets `held` to 0.)
void watch(int epfd, int fd, std::uint64_t k, std::uint32_t want, std::uint32_t& held) {
  if (fd < 0 || want == held) return;
  epoll_event ev{};
  ev.events = want;
  ev.data.u64 = k;
  ::epoll_ctl(epfd, want == 0 ? EPOLL_CTL_DEL : held == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev);
  held = want;
}

}  // namespace

int run_config_endpoint(const DaemonOptions& o) {
  core::StateHome home{core::fs::path(o.state_dir)};
  core::Registry registry(home);
  auto record = registry.get(o.cluster);
  auto fail = [&](const std::string& m) {
    tell_launcher(o.ready_fd, "error: " + m);
    return 1;
  };
  if (!record) return fail(record.error().message);
  if (!record->has_config_endpoint())
    return fail("cluster " + o.cluster + " has no configuration endpoint");
  const core::fs::path dir = home.node_dir(o.cluster, core::kConfigEndpointId);
  std::error_code ec;
  core::fs::create_directories(dir, ec);
  if (!take_daemon_lock(dir)) return fail("a daemon is already running for " + o.cluster + "/cfg");
  ConfigEndpointLimits limits =
      config_endpoint_limits(std::getenv("CACHECTL_CONFIG_ENDPOINT_IDLE_MS"));
  limits.max_connections = connection_cap(limits.max_connections);
  int sig_fd = signal_descriptor(false);

  std::string error;
  int listen_fd = listen_tcp(record->config_address, record->config_port, error);
  if (listen_fd < 0) return fail(error);
  const std::string address = record->config_address;
  const int port = record->config_port;
  bool stopping = false;
  std::vector<int> waiting;
  auto started = core::SystemClock().now();
  std::map<int, Session> sessions;  // by client fd
  std::uint64_t accepted = 0, evicted = 0, idle_closed = 0;
  const std::size_t bound = limits.max_pending;
  // Connections whose reading is paused because the other side is behind.
  auto paused = [&] {
    return std::count_if(sessions.begin(), sessions.end(), [&](const auto& entry) {
      const Session& s = entry.second;
      return s.to_client.size() >= bound || s.to_upstream.size() >= bound ||
             s.from_client.size() >= bound;
    });
  };
  auto status = [&] {
    return json{{"cluster", o.cluster},
                {"node", "cfg"},
                {"status", stopping ? "deleting" : "available"},
                {"endpoint", {{"address", address}, {"port", port}}},
                {"connections",
                 {{"open", sessions.size()},
                  {"accepted", accepted},
                  {"evicted", evicted},
                  {"idle_closed", idle_closed},
                  {"paused", paused()},
                  {"max_connections", limits.max_connections},
                  {"max_pending_bytes", limits.max_pending},
                  {"idle_timeout_ms", limits.idle_timeout.count()}}},
                {"daemon", {{"pid", ::getpid()}, {"started", core::to_iso8601(started)}}}};
  };
  AdminServer admin([&](int id, const HttpRequest& req, int& code, std::string& body) {
    if (req.path == "/v1/status" && req.method == "GET") {
      body = status().dump();
    } else if (req.path == "/v1/reboot" && req.method == "POST") {
      code = 202;  // nothing to restart: discovery is served from the registry
      body = status().dump();
    } else if (req.path == "/v1/shutdown" && req.method == "POST") {
      stopping = true;
      waiting.push_back(id);
      return false;
    } else {
      code = 404;
      body = json{{"error", "no such resource: " + req.method + " " + req.path}}.dump();
    }
    return true;
  });
  if (!admin.listen(home.admin_socket(address), error)) return fail(error);
  write_pid_file(dir);
  tell_launcher(o.ready_fd, "ok");
  if (o.ready_fd >= 0) ::close(o.ready_fd);

  // The record is read again only when its file changed (not at every
  // connection): discovery answers and new connections' nodes come from it.
  core::ClusterRecordCache cache(registry, home, o.cluster);
  auto targets = [&]() {
    std::vector<Target> out;
    if (auto fresh = cache.get())
      for (const auto& n : fresh->nodes) out.push_back({n.address, n.port});
    return out;
  };

  // Answers the discovery requests at the front of from_client while the
  // answers fit; at the first other request, passes through to the node
  // (once its connection is made; a new one if the first has gone).
  auto handle_requests = [&](Session& s) {
    while (!s.passing() && !s.from_client.empty() && s.to_client.size() < bound) {
      ClientRequest r = parse_client_request(s.from_client);
      if (r.kind == ClientRequestKind::kNeedMore) return;
      if (r.kind != ClientRequestKind::kForward) {
        auto fresh = cache.get();
        if (!fresh) {
          s.to_client += "SERVER_ERROR " + fresh.error().message + "\r\n";
        } else {
          s.to_client += r.kind == ClientRequestKind::kConfigGetCluster
                             ? config_get_cluster_reply(*fresh)
                             : legacy_get_cluster_reply(*fresh);
        }
        s.from_client.erase(0, r.length);
        continue;
      }
      if (s.upstream < 0 && !s.retried) {
        // Once per connection: the nodes tried as it was accepted failed,
        // or the node has gone since.
        s.retried = true;
        s.targets = targets();
        s.connect_next();
      }
      if (s.upstream < 0) {
        s.to_client += "SERVER_ERROR no cache node of " + o.cluster + " is reachable\r\n";
        s.from_client.clear();
        s.client_eof = true;  // nothing more is read; the error is sent, then the close
        return;
      }
      if (!s.connected) return;  // the request waits for the connect
      s.forwarding = true;
      s.to_upstream.swap(s.from_client);
      s.from_client.clear();
    }
  };
  int epfd = ::epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) return fail(std::string("epoll_create1: ") + std::strerror(errno));
  auto close_session = [&](std::map<int, Session>::iterator it) {
    ::close(it->first);  // (closing takes both out of the epoll set)
    if (it->second.upstream >= 0) ::close(it->second.upstream);
    return sessions.erase(it);
  };
  auto longest_idle = [&] {
    return std::min_element(sessions.begin(), sessions.end(), [](const auto& a, const auto& b) {
      return a.second.last_activity < b.second.last_activity;
    });
  };
  // After a session moved: what its two sides wait for now, or its end.
  auto settle = [&](std::map<int, Session>::iterator it) {
    Session& s = it->second;
    if (s.finished()) {
      close_session(it);
      return;
    }
    watch(epfd, it->first, key(it->first, false),
          static_cast<std::uint32_t>(s.client_events(bound)), s.client_watch);
    watch(epfd, s.upstream, key(it->first, true, s.generation),
          static_cast<std::uint32_t>(s.upstream_events(bound)), s.upstream_watch);
  };
  // Set when accept(2) ran out of descriptors with no connection to give
  // up: the listener is left alone for a moment instead of polled hot.
  Clock::time_point accept_paused_until{};
  auto accept_all = [&](Clock::time_point now) {
    for (;;) {
      int c = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (c < 0) {
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
          // Out of descriptors: give up the longest-idle connection (it
          // has both a client's and a node's), or wait a moment.
          if (!sessions.empty()) {
            close_session(longest_idle());
            ++evicted;
            continue;
          }
          accept_paused_until = now + std::chrono::milliseconds(100);
        }
        return;
      }
      // At the cap the longest-idle connection makes room: holding many
      // connections open must not keep new clients from auto discovery.
      while (sessions.size() >= limits.max_connections) {
        close_session(longest_idle());
        ++evicted;
      }
      ++accepted;
      no_delay(c);
      auto it = sessions.try_emplace(c).first;
      Session& s = it->second;
      s.last_activity = now;
      s.targets = targets();
      s.connect_next();  // in parallel with the client's first request
      settle(it);
    }
  };
  auto idle_sweep = [&](Clock::time_point now) {
    for (auto it = sessions.begin(); it != sessions.end();) {
      if (now - it->second.last_activity >= limits.idle_timeout) {
        ++idle_closed;
        it = close_session(it);
      } else {
        ++it;
      }
    }
  };

  // Everything waits in one epoll set (a busy relay costs per ready
  // connection, not per open one): the signals, the listener, the sessions,
  // and the admin socket's listener while it has no connection. While it has
  // (rarely), the loop polls those connections and the epoll set together.
  auto add = [&](int fd, std::uint64_t k) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = k;
    return ::epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == 0;
  };
  if (!add(sig_fd, kSignalKey) || !add(listen_fd, kListenKey))
    return fail(std::string("epoll_ctl: ") + std::strerror(errno));
  bool listening = true;
  int admin_watched = -1;
  std::vector<epoll_event> ready(256);
  std::vector<pollfd> admin_fds, fds;
  auto next_sweep = Clock::now() + std::chrono::milliseconds(500);
  auto next_home_check = Clock::now();
  for (;;) {
    if (stopping && admin.busy() == false && waiting.empty()) break;
    if (stopping && !waiting.empty()) {
      for (int& s : std::vector<int>(waiting)) admin.respond(s, 200, status().dump());
      waiting.clear();
    }
    Clock::time_point now = Clock::now();
    if (!listening && now >= accept_paused_until) listening = add(listen_fd, kListenKey);
    admin_fds.clear();
    admin.collect(admin_fds, now);
    const bool admin_idle = admin_fds.size() == 1 && admin_fds[0].fd == admin.listener_fd();
    if (admin_idle && admin_watched < 0 && add(admin_fds[0].fd, kAdminKey)) {
      admin_watched = admin_fds[0].fd;
    } else if (!admin_idle && admin_watched >= 0) {
      ::epoll_ctl(epfd, EPOLL_CTL_DEL, admin_watched, nullptr);
      admin_watched = -1;
    }
    auto deadline = std::min(next_sweep, next_home_check);
    if (!listening) deadline = std::min(deadline, accept_paused_until);
    int wait = static_cast<int>(std::clamp<long long>(
        std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count(), 0, 500));
    int n = 0;
    if (admin_watched >= 0) {
      n = ::epoll_wait(epfd, ready.data(), static_cast<int>(ready.size()), wait);
    } else {
      fds.assign(1, {epfd, POLLIN, 0});
      fds.insert(fds.end(), admin_fds.begin(), admin_fds.end());
      ::poll(fds.data(), fds.size(), wait);
      if (fds[0].revents & POLLIN)
        n = ::epoll_wait(epfd, ready.data(), static_cast<int>(ready.size()), 0);
      admin.handle(fds.data() + 1, fds.size() - 1, Clock::now());
    }
    now = Clock::now();
    bool accept_now = false;
    for (int i = 0; i < n; ++i) {
      const std::uint64_t k = ready[i].data.u64;
      if (k == kSignalKey) {
        signalfd_siginfo si;
        while (::read(sig_fd, &si, sizeof si) == sizeof si) stopping = true;
      } else if (k == kListenKey) {
        accept_now = true;  // after the sessions: a descriptor closed now may be reused
      } else if (k == kAdminKey) {
        admin_fds[0].revents = static_cast<short>(ready[i].events);
        admin.handle(admin_fds.data(), 1, now);
      } else {
        const int client = static_cast<int>(k >> 32);
        const bool upstream = k & 1;
        auto it = sessions.find(client);
        if (it == sessions.end()) continue;  // closed by an earlier event of this batch
        if (upstream && ((k >> 1) & 0x7fffffff) != (it->second.generation & 0x7fffffff))
          continue;  // for a node connection closed since
        auto revents = static_cast<short>(ready[i].events);
        it->second.pump(client, upstream ? 0 : revents, upstream ? revents : 0, bound, now,
                        handle_requests);
        settle(it);
      }
    }
    if (accept_now) {
      accept_all(now);
      if (accept_paused_until > now && listening) {
        ::epoll_ctl(epfd, EPOLL_CTL_DEL, listen_fd, nullptr);
        listening = false;
      }
    }
    if (now >= next_sweep) {
      next_sweep = now + std::chrono::milliseconds(500);
      idle_sweep(now);
    }
    if (now >= next_home_check) {
      next_home_check = now + std::chrono::seconds(10);
      if (!core::fs::exists(dir)) stopping = true;
    }
  }
  for (auto& [fd, s] : sessions) {
    ::close(fd);
    if (s.upstream >= 0) ::close(s.upstream);
  }
  ::close(epfd);
  ::close(listen_fd);
  admin.close_listener();
  ::unlink((dir / "daemon.pid").c_str());
  return 0;
}

}  // namespace cachectl::node
