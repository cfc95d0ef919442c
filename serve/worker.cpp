#include "serve/worker.h"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <iostream>

namespace cachectl::serve {
namespace {

bool read_exactly(int fd, char* p, std::size_t n) {
  while (n > 0) {
    ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t w = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(w));
  }
  return true;
}

}  // namespace

std::string frame(std::string_view payload) {
  std::uint32_t n = static_cast<std::uint32_t>(payload.size());
  std::string out(sizeof n, '\0');
  std::memcpy(out.data(), &n, sizeof n);
  out.append(payload);
  return out;
}

std::optional<std::string> take_frame(std::string& buffer, bool& broken) {
  std::uint32_t n = 0;
  if (buffer.size() < sizeof n) return std::nullopt;
  std::memcpy(&n, buffer.data(), sizeof n);
  if (n > kMaxFrame) {
    broken = true;
    return std::nullopt;
  }
  if (buffer.size() < sizeof n + n) return std::nullopt;
  std::string payload = buffer.substr(sizeof n, n);
  buffer.erase(0, sizeof n + n);
  return payload;
}

std::string answer_payload(const QueryAnswer& answer) {
  return std::to_string(answer.status) + " " + answer.request_id + "\n" + answer.body;
}

std::optional<QueryAnswer> parse_answer_payload(std::string_view payload) {
  std::size_t space = payload.find(' ');
  std::size_t newline = payload.find('\n');
  if (space == std::string_view::npos || newline == std::string_view::npos || newline < space)
    return std::nullopt;
  QueryAnswer a;
  auto r = std::from_chars(payload.data(), payload.data() + space, a.status);
  if (r.ec != std::errc() || r.ptr != payload.data() + space || a.status < 100 || a.status > 599)
    return std::nullopt;
  a.request_id = std::string(payload.substr(space + 1, newline - space - 1));
  a.body = std::string(payload.substr(newline + 1));
  return a;
}

int run_worker(int fd, const QueryApiConfig& config) {
  // The server may be gone when an answer is written: an error, not a signal.
  ::signal(SIGPIPE, SIG_IGN);
  RequestIds ids;
  // The server's requests passed its own limits; these only bound a frame.
  node::HttpLimits limits{kMaxFrame, kMaxFrame};
  for (;;) {
    std::uint32_t n = 0;
    if (!read_exactly(fd, reinterpret_cast<char*>(&n), sizeof n)) return 0;  // the server closed
    if (n > kMaxFrame) {
      std::cerr << "cachectl serve worker: a frame of " << n << " bytes; stopping\n";
      return 1;
    }
    std::string payload(n, '\0');
    if (!read_exactly(fd, payload.data(), n)) return 0;
    QueryAnswer answer;
    node::ParseResult parsed = node::parse_http_request(payload, limits);
    if (parsed.state != node::ParseState::kComplete) {
      answer = error_answer({"InternalFailure",
                             "the server passed on a request it had not read "
                             "whole"},
                            ids);
    } else {
      try {
        answer = answer_query(parsed.request, config, ids);
      } catch (const std::exception& e) {
        // A bug, not the request's fault: said as the service says it.
        std::cerr << "cachectl serve worker: internal error: " << e.what() << "\n";
        answer = error_answer({"InternalFailure", std::string("internal error: ") + e.what()}, ids);
      }
    }
    if (!write_all(fd, frame(answer_payload(answer)))) return 0;
  }
}

}  // namespace cachectl::serve
