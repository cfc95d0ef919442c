// query_client HOST PORT N BODY: sends N POSTs of the form body BODY to
// http://HOST:PORT/ one after the other on one keep-alive connection, reads
// each answer whole (Content-Length), and prints "N requests, S s, R/s,
// STATUS=count ..." (bench/serve.sh). Exits 1 if the connection fails.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: query_client HOST PORT N BODY\n");
    return 2;
  }
  int n = std::atoi(argv[3]);
  std::string body = argv[4];
  std::string request = "POST / HTTP/1.1\r\nHost: " + std::string(argv[1]) + ":" + argv[2] +
                        "\r\nContent-Type: application/x-www-form-urlencoded; charset=utf-8"
                        "\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(std::atoi(argv[2])));
  ::inet_pton(AF_INET, argv[1], &sa.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    std::perror("connect");
    return 1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  std::map<int, int> statuses;
  std::string in;
  char buf[65536];
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    if (::write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
      std::perror("write");
      return 1;
    }
    // One answer: the head, then Content-Length bytes.
    for (;;) {
      std::size_t end = in.find("\r\n\r\n");
      if (end != std::string::npos) {
        std::size_t cl = in.find("Content-Length: ");
        std::size_t length = cl < end ? std::strtoul(in.c_str() + cl + 16, nullptr, 10) : 0;
        if (in.size() >= end + 4 + length) {
          ++statuses[std::atoi(in.c_str() + 9)];
          in.erase(0, end + 4 + length);
          break;
        }
      }
      ssize_t r = ::read(fd, buf, sizeof buf);
      if (r <= 0) {
        std::fprintf(stderr, "the server closed the connection after %d answers\n", i);
        return 1;
      }
      in.append(buf, static_cast<std::size_t>(r));
    }
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%d requests, %.3f s, %.0f/s", n, s, n / s);
  for (auto [status, count] : statuses) std::printf(", %d=%d", status, count);
  std::printf("\n");
  return 0;
}
