#include "node/config_endpoint.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <nlohmann/json.hpp>

#include "core/registry.h"
#include "core/time_format.h"
#include "node/admin_server.h"
#include "node/discovery.h"

namespace cachectl::node {
namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxLine = 64 * 1024;

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

int connect_tcp(const std::string& address, int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
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

// One client: lines are read until the first command that is not auto
// discovery; from then on bytes flow both ways to a node untouched.
struct Session {
  int upstream = -1;
  std::string from_client;  // not yet handled (before the upstream exists)
  std::string to_client;
  std::string to_upstream;
  bool client_done = false;
  bool upstream_done = false;
};

bool flush(int fd, std::string& out) {
  while (!out.empty()) {
    ssize_t n = ::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN;
    out.erase(0, static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

int run_config_endpoint(const DaemonOptions& o) {
  core::StateHome home{core::fs::path(o.state_dir)};
  core::Registry registry(home);
  auto record = registry.get(o.cluster);
  auto fail = [&](const std::string& m) {
    if (o.ready_fd >= 0) {
      std::string line = "error: " + m + "\n";
      (void)!::write(o.ready_fd, line.data(), line.size());
    }
    return 1;
  };
  if (!record) return fail(record.error().message);
  if (!record->has_config_endpoint())
    return fail("cluster " + o.cluster + " has no configuration endpoint");
  const core::fs::path dir = home.node_dir(o.cluster, core::kConfigEndpointId);
  std::error_code ec;
  core::fs::create_directories(dir, ec);
  int lock_fd = ::open((dir / "daemon.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0 || ::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    return fail("a daemon is already running for " + o.cluster + "/cfg");
  }
  sigset_t mask;
  sigemptyset(&mask);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&mask, s);
  ::sigprocmask(SIG_BLOCK, &mask, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  int sig_fd = ::signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);

  std::string error;
  int listen_fd = listen_tcp(record->config_address, record->config_port, error);
  if (listen_fd < 0) return fail(error);
  const std::string address = record->config_address;
  const int port = record->config_port;
  bool stopping = false;
  std::vector<int> waiting;
  auto started = core::SystemClock().now();
  auto status = [&] {
    return json{{"cluster", o.cluster},
                {"node", "cfg"},
                {"status", stopping ? "deleting" : "available"},
                {"endpoint", {{"address", address}, {"port", port}}},
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
  {
    std::string pid = std::to_string(::getpid()) + "\n";
    int fd = ::open((dir / "daemon.pid").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0) {
      (void)!::write(fd, pid.data(), pid.size());
      ::close(fd);
    }
  }
  if (o.ready_fd >= 0) {
    (void)!::write(o.ready_fd, "ok\n", 3);
    ::close(o.ready_fd);
  }

  std::map<int, Session> sessions;  // by client fd
  auto handle_lines = [&](int client, Session& s) {
    for (;;) {
      std::size_t eol = s.from_client.find('\n');
      if (eol == std::string::npos) {
        if (s.from_client.size() > kMaxLine) s.client_done = true;
        return;
      }
      std::string line = s.from_client.substr(0, eol);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line == "config get cluster" || line == "get AmazonElastiCache:cluster") {
        auto fresh = registry.get(o.cluster);
        if (!fresh) {
          s.to_client += "SERVER_ERROR " + fresh.error().message + "\r\n";
        } else {
          s.to_client +=
              line[0] == 'c' ? config_get_cluster_reply(*fresh) : legacy_get_cluster_reply(*fresh);
        }
        s.from_client.erase(0, eol + 1);
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
        s.client_done = true;
        return;
      }
      s.to_upstream += s.from_client;
      s.from_client.clear();
      (void)client;
      return;
    }
  };

  auto next_home_check = std::chrono::steady_clock::now();
  for (;;) {
    if (stopping && admin.busy() == false && waiting.empty()) break;
    if (stopping && !waiting.empty()) {
      for (int& s : std::vector<int>(waiting)) admin.respond(s, 200, status().dump());
      waiting.clear();
    }
    std::vector<pollfd> fds{{sig_fd, POLLIN, 0}, {listen_fd, POLLIN, 0}};
    std::size_t admin_begin = fds.size();
    admin.collect(fds);
    std::size_t admin_end = fds.size();
    for (auto& [fd, s] : sessions) {
      fds.push_back(
          {fd,
           static_cast<short>((s.client_done ? 0 : POLLIN) | (s.to_client.empty() ? 0 : POLLOUT)),
           0});
      if (s.upstream >= 0)
        fds.push_back({s.upstream,
                       static_cast<short>((s.upstream_done ? 0 : POLLIN) |
                                          (s.to_upstream.empty() ? 0 : POLLOUT)),
                       0});
    }
    ::poll(fds.data(), fds.size(), 500);
    if (fds[0].revents & POLLIN) {
      signalfd_siginfo si;
      while (::read(sig_fd, &si, sizeof si) == sizeof si) stopping = true;
    }
    if (fds[1].revents & POLLIN) {
      for (;;) {
        int c = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (c < 0) break;
        sessions[c];
      }
    }
    std::vector<pollfd> admin_fds(fds.begin() + static_cast<std::ptrdiff_t>(admin_begin),
                                  fds.begin() + static_cast<std::ptrdiff_t>(admin_end));
    admin.handle(admin_fds);
    std::map<int, short> revents;
    for (std::size_t i = admin_end; i < fds.size(); ++i) revents[fds[i].fd] |= fds[i].revents;
    char buf[16384];
    for (auto it = sessions.begin(); it != sessions.end();) {
      int client = it->first;
      Session& s = it->second;
      short cr = revents.count(client) ? revents[client] : 0;
      if (cr & (POLLIN | POLLHUP)) {
        ssize_t n = ::recv(client, buf, sizeof buf, 0);
        if (n > 0) {
          if (s.upstream >= 0) {
            s.to_upstream.append(buf, static_cast<std::size_t>(n));
          } else {
            s.from_client.append(buf, static_cast<std::size_t>(n));
            handle_lines(client, s);
          }
        } else if (n == 0 || errno != EAGAIN) {
          s.client_done = true;
        }
      }
      if (s.upstream >= 0) {
        short ur = revents.count(s.upstream) ? revents[s.upstream] : 0;
        if (ur & (POLLIN | POLLHUP)) {
          ssize_t n = ::recv(s.upstream, buf, sizeof buf, 0);
          if (n > 0) {
            s.to_client.append(buf, static_cast<std::size_t>(n));
          } else if (n == 0 || errno != EAGAIN) {
            s.upstream_done = true;
          }
        }
        if (!flush(s.upstream, s.to_upstream)) s.upstream_done = true;
      }
      bool client_ok = flush(client, s.to_client);
      bool finished = !client_ok || (s.client_done && (s.upstream < 0 || s.to_upstream.empty())) ||
                      (s.upstream_done && s.to_client.empty());
      if (finished && s.to_client.empty()) {
        ::close(client);
        if (s.upstream >= 0) ::close(s.upstream);
        it = sessions.erase(it);
      } else {
        ++it;
      }
    }
    auto now = std::chrono::steady_clock::now();
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
