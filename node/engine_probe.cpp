#include "node/engine_probe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace cachectl::node {
namespace {

// Sends `request`, then reads until `done(reply)` or the deadline.
template <class Done>
bool exchange(int fd, const std::string& request, std::chrono::milliseconds timeout, Done done) {
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size()))
    return false;
  std::string reply;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[512];
  while (!done(reply)) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    reply.append(buf, static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

bool engine_answers(const std::string& engine, const std::string& address, int port,
                    const std::string& auth_token, std::chrono::milliseconds timeout) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::inet_pton(AF_INET, address.c_str(), &sa.sin_addr) == 1 &&
            ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  if (ok && engine == "memcached") {
    ok = exchange(fd, "version\r\n", timeout,
                  [](const std::string& r) { return r.find("\r\n") != std::string::npos; });
  } else if (ok) {
    std::string request;
    if (!auth_token.empty()) {
      request += "*2\r\n$4\r\nAUTH\r\n$" + std::to_string(auth_token.size()) + "\r\n" + auth_token +
                 "\r\n";
    }
    request += "*1\r\n$4\r\nPING\r\n";
    // A loading Redis answers -LOADING, which is not yet "answering".
    bool pong = false;
    ok = exchange(fd, request, timeout,
                  [&](const std::string& r) {
                    pong = r.find("+PONG\r\n") != std::string::npos;
                    return pong || r.find("-") != std::string::npos;
                  }) &&
         pong;
  }
  ::close(fd);
  return ok;
}

}  // namespace cachectl::node

namespace cachectl::node {
namespace {

std::string resp_array(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

// Length of the first complete reply in `r`, or 0 while incomplete.
std::size_t reply_length(const std::string& r) {
  std::size_t eol = r.find("\r\n");
  if (eol == std::string::npos) return 0;
  if (r[0] != '$') return eol + 2;
  long n = std::stol(r.substr(1, eol - 1));
  if (n < 0) return eol + 2;
  std::size_t total = eol + 2 + static_cast<std::size_t>(n) + 2;
  return r.size() >= total ? total : 0;
}

}  // namespace

std::optional<std::string> redis_command(const std::string& address, int port,
                                         const std::string& auth_token,
                                         const std::vector<std::string>& args,
                                         std::chrono::milliseconds timeout) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  if (::inet_pton(AF_INET, address.c_str(), &sa.sin_addr) != 1 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  std::string request;
  int replies = 1;
  if (!auth_token.empty()) {
    request += resp_array({"AUTH", auth_token});
    ++replies;
  }
  request += resp_array(args);
  std::string data;
  std::string last;
  bool ok = exchange(fd, request, timeout, [&](const std::string& r) {
    std::string rest = r;
    for (int i = 0; i < replies; ++i) {
      std::size_t len = reply_length(rest);
      if (len == 0) return false;
      last = rest.substr(0, len);
      rest = rest.substr(len);
    }
    return true;
  });
  ::close(fd);
  if (!ok) return std::nullopt;
  if (last[0] == '$') {
    std::size_t eol = last.find("\r\n");
    return last.substr(eol + 2, last.size() - eol - 4);
  }
  return last.substr(0, last.size() - 2);
}

}  // namespace cachectl::node
