#include "node/http.h"

#include <strings.h>

#include <charconv>

namespace cachectl::node {
namespace {

constexpr std::size_t kMaxHeader = 16 * 1024;
constexpr std::size_t kMaxBody = 1024 * 1024;

ParseResult bad(int status, std::string reason) {
  ParseResult r;
  r.state = ParseState::kBad;
  r.status = status;
  r.reason = std::move(reason);
  return r;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < 'A' || c > 'Z') return false;
  return true;
}

}  // namespace

ParseResult parse_http_request(std::string_view data) {
  std::size_t end = data.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (data.size() > kMaxHeader) return bad(431, "request header too large");
    return {};
  }
  if (end > kMaxHeader) return bad(431, "request header too large");
  std::string_view head = data.substr(0, end);
  std::size_t line_end = head.find("\r\n");
  std::string_view line = head.substr(0, line_end);
  std::size_t sp1 = line.find(' ');
  std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return bad(400, "malformed request line");
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (!is_token(method) || target.empty() || target[0] != '/')
    return bad(400, "malformed request line");
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return bad(505, "HTTP version not supported");

  std::size_t content_length = 0;
  std::string_view rest =
      line_end == std::string_view::npos ? std::string_view() : head.substr(line_end + 2);
  while (!rest.empty()) {
    std::size_t e = rest.find("\r\n");
    std::string_view h = rest.substr(0, e);
    rest = e == std::string_view::npos ? std::string_view() : rest.substr(e + 2);
    std::size_t colon = h.find(':');
    if (colon == std::string_view::npos || colon == 0) return bad(400, "malformed header line");
    std::string_view name = h.substr(0, colon);
    std::string_view value = h.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    if (name.size() == 14 && strncasecmp(name.data(), "Content-Length", 14) == 0) {
      auto r = std::from_chars(value.data(), value.data() + value.size(), content_length);
      if (r.ec != std::errc() || r.ptr != value.data() + value.size())
        return bad(400, "bad Content-Length");
      if (content_length > kMaxBody) return bad(413, "request body too large");
    } else if (name.size() == 17 && strncasecmp(name.data(), "Transfer-Encoding", 17) == 0) {
      return bad(400, "chunked bodies are not accepted; send Content-Length");
    }
  }
  std::size_t body_start = end + 4;
  if (data.size() < body_start + content_length) return {};
  ParseResult r;
  r.state = ParseState::kComplete;
  r.request.method = std::string(method);
  std::size_t q = target.find('?');
  r.request.path = std::string(target.substr(0, q));
  r.request.body = std::string(data.substr(body_start, content_length));
  return r;
}

std::string http_response(int status, std::string_view body) {
  const char* reason = "OK";
  switch (status) {
    case 200:
      reason = "OK";
      break;
    case 202:
      reason = "Accepted";
      break;
    case 400:
      reason = "Bad Request";
      break;
    case 404:
      reason = "Not Found";
      break;
    case 405:
      reason = "Method Not Allowed";
      break;
    case 409:
      reason = "Conflict";
      break;
    case 413:
      reason = "Payload Too Large";
      break;
    case 431:
      reason = "Request Header Fields Too Large";
      break;
    case 500:
      reason = "Internal Server Error";
      break;
    case 503:
      reason = "Service Unavailable";
      break;
    case 505:
      reason = "HTTP Version Not Supported";
      break;
    default:
      break;
  }
  std::string out =
      "HTTP/1.1 " + std::to_string(status) + " " + reason +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n";
  out.append(body);
  return out;
}

}  // namespace cachectl::node
