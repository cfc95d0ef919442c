#include "node/config_endpoint.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
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
#include "core/registry.h"
#include "core/time_format.h"
#include "node/admin_server.h"
#include "node/config_endpoint_protocol.h"
#include "node/daemon_files.h"
#include "node/discovery.h"

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

// Loopback connects are answered at once (accepted or refused), so a
// blocking connect does not hold up the loop.
int connect_tcp(const std::string& address, int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, address.c_str(), &sa.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    ::close(fd);
    return -1;
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
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

// One client connection. Lines are read until the first request that is not
// auto discovery; from then on bytes flow both ways to a node untouched.
struct Session {
  int upstream = -1;
  std::string from_client;  // not handled yet (before the upstream exists)
  std::string to_client;
  std::string to_upstream;
  bool client_eof = false;     // the client will send nothing more
  bool upstream_eof = false;   // the node will send nothing more (or is gone)
  bool upstream_shut = false;  // the node has been told the client finished
  bool broken = false;         // the client cannot be written to: close
  Clock::time_point last_activity;

  bool passing() const { return upstream >= 0; }
  // What to poll for: reading stops while `bound` bytes wait for the other
  // side (backpressure); 0 means "do not poll at all".
  short client_events(std::size_t bound) const;
  short upstream_events(std::size_t bound) const;
  // Moves the bytes the poll results allow; `answer` handles requests while
  // the connection is not passing through yet. Updates last_activity.
  void pump(int client, short client_revents, short upstream_revents, std::size_t bound,
            Clock::time_point now, const std::function<void(Session&)>& answer);
  // Nothing more can happen on this connection.
  bool finished() const;
};

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
  if (!passing() || upstream_eof) return 0;
  return static_cast<short>((to_client.size() < bound ? POLLIN : 0) |
                            (to_upstream.empty() ? 0 : POLLOUT));
}

void Session::pump(int client, short cr, short ur, std::size_t bound, Clock::time_point now,
                   const std::function<void(Session&)>& answer) {
  constexpr short kReadable = POLLIN | POLLHUP | POLLERR;
  bool moved = false;
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

  // Answers the discovery requests at the front of from_client while the
  // answers fit; at the first other request, connects to a node.
  auto handle_requests = [&](Session& s) {
    while (s.upstream < 0 && !s.from_client.empty() && s.to_client.size() < bound) {
      ClientRequest r = parse_client_request(s.from_client);
      if (r.kind == ClientRequestKind::kNeedMore) return;
      if (r.kind != ClientRequestKind::kForward) {
        auto fresh = registry.get(o.cluster);
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
      // Anything else goes to a node: the first one that accepts.
      auto fresh = registry.get(o.cluster);
      if (fresh) {
        for (const auto& n : fresh->nodes) {
          s.upstream = connect_tcp(n.address, n.port);
          if (s.upstream >= 0) break;
        }
      }
      if (s.upstream < 0) {
        s.to_client += "SERVER_ERROR no cache node of " + o.cluster + " is reachable\r\n";
        s.from_client.clear();
        s.client_eof = true;  // nothing more is read; the error is sent, then the close
        return;
      }
      s.to_upstream.swap(s.from_client);
      s.from_client.clear();
    }
  };
  auto close_session = [&](std::map<int, Session>::iterator it) {
    ::close(it->first);
    if (it->second.upstream >= 0) ::close(it->second.upstream);
    return sessions.erase(it);
  };
  auto longest_idle = [&] {
    return std::min_element(sessions.begin(), sessions.end(), [](const auto& a, const auto& b) {
      return a.second.last_activity < b.second.last_activity;
    });
  };
  // Set when accept(2) ran out of descriptors with no connection to give
  // up: the listener is left alone for a moment instead of polled hot.
  Clock::time_point accept_paused_until{};

  auto next_home_check = Clock::now();
  for (;;) {
    if (stopping && admin.busy() == false && waiting.empty()) break;
    if (stopping && !waiting.empty()) {
      for (int& s : std::vector<int>(waiting)) admin.respond(s, 200, status().dump());
      waiting.clear();
    }
    Clock::time_point now = Clock::now();
    std::vector<pollfd> fds{{sig_fd, POLLIN, 0},
                            {now >= accept_paused_until ? listen_fd : -1, POLLIN, 0}};
    std::size_t admin_begin = fds.size();
    admin.collect(fds);
    std::size_t admin_end = fds.size();
    // Only descriptors with something asked of them are polled: a hung-up
    // peer reports POLLHUP even for no events, which would make us spin.
    struct Slot {
      int client;
      std::size_t client_index = SIZE_MAX, upstream_index = SIZE_MAX;
    };
    std::vector<Slot> slots;
    slots.reserve(sessions.size());
    Clock::time_point next_expiry = now + std::chrono::milliseconds(500);
    for (auto& [fd, s] : sessions) {
      Slot slot{fd};
      if (short ce = s.client_events(bound)) {
        slot.client_index = fds.size();
        fds.push_back({fd, ce, 0});
      }
      if (short ue = s.upstream_events(bound)) {
        slot.upstream_index = fds.size();
        fds.push_back({s.upstream, ue, 0});
      }
      next_expiry = std::min(next_expiry, s.last_activity + limits.idle_timeout);
      slots.push_back(slot);
    }
    if (accept_paused_until > now) next_expiry = std::min(next_expiry, accept_paused_until);
    auto wait = std::chrono::ceil<std::chrono::milliseconds>(next_expiry - now).count();
    ::poll(fds.data(), fds.size(), static_cast<int>(std::clamp<long long>(wait, 0, 500)));
    now = Clock::now();
    if (fds[0].revents & POLLIN) {
      signalfd_siginfo si;
      while (::read(sig_fd, &si, sizeof si) == sizeof si) stopping = true;
    }
    std::vector<pollfd> admin_fds(fds.begin() + static_cast<std::ptrdiff_t>(admin_begin),
                                  fds.begin() + static_cast<std::ptrdiff_t>(admin_end));
    admin.handle(admin_fds);

    for (const Slot& slot : slots) {
      auto it = sessions.find(slot.client);
      Session& s = it->second;
      short cr = slot.client_index == SIZE_MAX ? 0 : fds[slot.client_index].revents;
      short ur = slot.upstream_index == SIZE_MAX ? 0 : fds[slot.upstream_index].revents;
      s.pump(it->first, cr, ur, bound, now, handle_requests);
      bool done = s.finished();
      if (done) {
        close_session(it);
      } else if (now - s.last_activity >= limits.idle_timeout) {
        ++idle_closed;
        close_session(it);
      }
    }

    if (fds[1].revents & POLLIN) {
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
          break;
        }
        // At the cap the longest-idle connection makes room: holding many
        // connections open must not keep new clients from auto discovery.
        while (sessions.size() >= limits.max_connections) {
          close_session(longest_idle());
          ++evicted;
        }
        ++accepted;
        sessions[c].last_activity = now;
      }
    }
    if (now >= next_home_check) {
      next_home_check = now + std::chrono::seconds(1);
      if (!core::fs::exists(dir)) stopping = true;
    }
  }
  for (auto& [fd, s] : sessions) {
    ::close(fd);
    if (s.upstream >= 0) ::close(s.upstream);
  }
  ::close(listen_fd);
  admin.close_listener();
  ::unlink((dir / "daemon.pid").c_str());
  return 0;
}

}  // namespace cachectl::node
