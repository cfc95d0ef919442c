// Just enough HTTP/1.1 for the admin socket (one request per connection,
// every response closes it) and for `cachectl serve` (serve/, keep-alive):
// bodies by Content-Length only.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cachectl::node {

struct HttpRequest {
  std::string method;
  std::string path;
  std::string body;
  std::string query;    // what followed '?' in the target, undecoded ("" if none)
  std::string version;  // "HTTP/1.1" or "HTTP/1.0"
  // As sent, in order; names keep their case, values are trimmed.
  std::vector<std::pair<std::string, std::string>> headers;
  // How many bytes of the parsed data the request took (head and body): a
  // keep-alive connection's next request starts there.
  std::size_t length = 0;

  // The first header of that name (case-insensitive).
  std::optional<std::string_view> header(std::string_view name) const;
};

enum class ParseState { kIncomplete, kComplete, kBad };

struct ParseResult {
  ParseState state = ParseState::kIncomplete;
  HttpRequest request;
  int status = 0;  // with kBad: 400, 413, 431 or 505
  std::string reason;
};

// What a request may weigh: a head over max_header is 431, a body over
// max_body 413 (known from Content-Length, before the body is read).
struct HttpLimits {
  std::size_t max_header = 16 * 1024;
  std::size_t max_body = 1024 * 1024;
};

// Parses what has arrived so far; kIncomplete asks for more bytes. Bytes
// after the request (a pipelined next one) are left alone.
ParseResult parse_http_request(std::string_view data, const HttpLimits& limits = {});

// "OK", "Not Found", ...: the reason phrase of a status.
const char* http_reason(int status);

std::string http_response(int status, std::string_view json_body);

}  // namespace cachectl::node
