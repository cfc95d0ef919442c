// What the configuration endpoint makes of the bytes a client sent before
// the connection became a pass-through: a pure function of the buffered
// input, so that it can be fuzzed and unit-tested without sockets.
#pragma once

#include <cstddef>
#include <string_view>

namespace cachectl::node {

enum class ClientRequestKind {
  kNeedMore,          // an unfinished line that may still become auto discovery
  kConfigGetCluster,  // `config get cluster`
  kLegacyGetCluster,  // `get AmazonElastiCache:cluster`
  kForward,           // anything else: from here on, bytes go to a node untouched
};

struct ClientRequest {
  ClientRequestKind kind = ClientRequestKind::kNeedMore;
  // Bytes of the request line, its "\n" included (discovery only; 0 otherwise).
  std::size_t length = 0;
};

// The first request in `buffered`. Lines end with "\n" or "\r\n", as
// memcached reads them. An unfinished line is kNeedMore only while it is a
// prefix of a discovery request (at most 31 bytes), so the endpoint never
// holds more than that waiting for a newline.
ClientRequest parse_client_request(std::string_view buffered);

}  // namespace cachectl::node
