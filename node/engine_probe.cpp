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
