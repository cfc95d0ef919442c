// Just enough HTTP/1.1 for the admin socket: one request per connection,
// bodies by Content-Length, every response closes the connection.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cachectl::node {

struct HttpRequest {
  std::string method;
  std::string path;
  std::string body;
};

enum class ParseState { kIncomplete, kComplete, kBad };

struct ParseResult {
  ParseState state = ParseState::kIncomplete;
  HttpRequest request;
  int status = 0;  // with kBad: 400, 413, 431 or 505
  std::string reason;
};

// Parses what has arrived so far; kIncomplete asks for more bytes.
ParseResult parse_http_request(std::string_view data);

std::string http_response(int status, std::string_view json_body);

}  // namespace cachectl::node
