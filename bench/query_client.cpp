// query_client HOST PORT N BODY [CLIENTS]: each of CLIENTS clients (default
// 1, a thread each) sends N POSTs of the form body BODY to http://HOST:PORT/
// one after the other on its keep-alive connection and reads each answer
// whole (Content-Length); prints "N requests, S s, R/s, STATUS=count ...,
// reconnects=K" for all of them together (bench/serve.sh). A server that
// closes the connection after an answer (Connection: close, or HTTP/1.0) is
// connected to again, and counted. Exits 1 when a connection fails.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

sockaddr_in server{};
std::mutex results_mutex;
std::map<int, int> statuses;
int reconnects = 0;
std::atomic<bool> failed{false};

int connect_once() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&server), sizeof server) != 0) {
    std::perror("connect");
    std::exit(1);
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

void client(int n, const std::string& request) {
  std::map<int, int> mine;
  int again = 0;
  int fd = connect_once();
  std::string in;
  char buf[65536];
  for (int i = 0; i < n && !failed; ++i) {
    if (::write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
      failed = true;
      break;
    }
    // One answer: the head, then Content-Length bytes.
    for (;;) {
      std::size_t end = in.find("\r\n\r\n");
      if (end != std::string::npos) {
        std::size_t cl = in.find("Content-Length: ");
        std::size_t length = cl < end ? std::strtoul(in.c_str() + cl + 16, nullptr, 10) : 0;
        if (in.size() >= end + 4 + length) {
          ++mine[std::atoi(in.c_str() + 9)];
          bool close = in.substr(0, end).find("Connection: close") != std::string::npos;
          in.erase(0, end + 4 + length);
          if (close && i + 1 < n) {
            ::close(fd);
            fd = connect_once();
            ++again;
          }
          break;
        }
      }
      ssize_t r = ::read(fd, buf, sizeof buf);
      if (r <= 0 && in.empty() && i + 1 < n) {  // closed without saying so (HTTP/1.0)
        ::close(fd);
        fd = connect_once();
        ++again;
        if (::write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size()))
          failed = true;
        if (failed) break;
        continue;
      }
      if (r <= 0) {
        std::fprintf(stderr, "the server closed the connection after %d answers\n", i);
        failed = true;
        break;
      }
      in.append(buf, static_cast<std::size_t>(r));
    }
  }
  ::close(fd);
  std::lock_guard lock(results_mutex);
  for (auto [status, count] : mine) statuses[status] += count;
  reconnects += again;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5 && argc != 6) {
    std::fprintf(stderr, "usage: query_client HOST PORT N BODY [CLIENTS]\n");
    return 2;
  }
  int n = std::atoi(argv[3]);
  int clients = argc == 6 ? std::atoi(argv[5]) : 1;
  std::string body = argv[4];
  std::string request = "POST / HTTP/1.1\r\nHost: " + std::string(argv[1]) + ":" + argv[2] +
                        "\r\nContent-Type: application/x-www-form-urlencoded; charset=utf-8"
                        "\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body;
  server.sin_family = AF_INET;
  server.sin_port = htons(static_cast<uint16_t>(std::atoi(argv[2])));
  ::inet_pton(AF_INET, argv[1], &server.sin_addr);
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) threads.emplace_back(client, n, request);
  for (auto& t : threads) t.join();
  if (failed) return 1;
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  int total = n * clients;
  std::printf("%d requests, %.3f s, %.0f/s", total, s, total / s);
  for (auto [status, count] : statuses) std::printf(", %d=%d", status, count);
  std::printf(", reconnects=%d\n", reconnects);
  return 0;
}
