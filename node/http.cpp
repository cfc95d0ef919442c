#include "node/http.h"

#include <strings.h>

#include <charconv>

namespace cachectl::node {
namespace {

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

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::optional<std::string_view> HttpRequest::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (same_name(n, name)) return std::string_view(v);
  return std::nullopt;
}

ParseResult parse_http_request(std::string_view data, const HttpLimits& limits) {
  std::size_t end = data.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (data.size() > limits.max_header) return bad(431, "request header too large");
    return {};
  }
  if (end > limits.max_header) return bad(431, "request header too large");
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

  ParseResult r;
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
    if (same_name(name, "Content-Length")) {
      auto c = std::from_chars(value.data(), value.data() + value.size(), content_length);
      if (c.ec != std::errc() || c.ptr != value.data() + value.size())
        return bad(400, "bad Content-Length");
      if (content_length > limits.max_body) return bad(413, "request body too large");
    } else if (same_name(name, "Transfer-Encoding")) {
      return bad(400, "chunked bodies are not accepted; send Content-Length");
    }
    r.request.headers.emplace_back(name, value);
  }
  std::size_t body_start = end + 4;
  if (data.size() < body_start + content_length) return {};
  r.state = ParseState::kComplete;
  r.request.method = std::string(method);
  r.request.version = std::string(version);
  std::size_t q = target.find('?');
  r.request.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) r.request.query = std::string(target.substr(q + 1));
  r.request.body = std::string(data.substr(body_start, content_length));
  r.request.length = body_start + content_length;
  return r;
}

const char* http_reason(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 202:
      return "Accepted";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "OK";
  }
}

std::string http_response(int status, std::string_view body) {
  std::string out =
      "HTTP/1.1 " + std::to_string(status) + " " + http_reason(status) +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n\r\n";
  out.append(body);
  return out;
}

}  // namespace cachectl::node
