// The HTTP side of `cachectl serve`: one thread, one epoll set over the
// listening socket, the clients' connections (HTTP/1.1 keep-alive), the
// workers' sockets and a signalfd. It reads requests whole, under limits and
// deadlines, and hands each complete one to an idle worker process
// (serve/worker.h), never to two and never twice: a worker that dies while
// answering makes its request's answer a 500 InternalFailure, not a retry.
// A slow, malformed, oversized or never-finished request costs only its own
// connection. SIGINT or SIGTERM: no new connections; the requests being run
// are answered, then the workers are told to stop (they finish what they
// do) and run() returns.
#pragma once

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

#include "core/result.h"
#include "node/http.h"

namespace cachectl::serve {

struct ServerOptions {
  std::string host = "127.0.0.1";  // an IPv4 or IPv6 address
  int port = 9736;                 // 0: any free port (the first line printed says which)
  int workers = 4;
  // The program and arguments of a worker; its socket is descriptor 3.
  std::vector<std::string> worker_argv;
  node::HttpLimits limits;  // 16 KiB of head, 1 MiB of body
  // From a request's first byte to its last.
  std::chrono::milliseconds request_timeout{10000};
  // A keep-alive connection with no request; also the time a client has to
  // read its answer.
  std::chrono::milliseconds idle_timeout{60000};
  // At most this many connections at once (less if the descriptor limit is lower).
  std::size_t max_connections = 1024;
  // Only connections from sockets of this process's user are served
  // (serve/peer_user.h); others get AccessDenied. Off with --credentials.
  bool own_user_only = true;
};

// Binds, prints "Listening on http://HOST:PORT" to `out`, serves until
// SIGINT or SIGTERM. An error when the address cannot be bound or no worker
// can be started.
core::Status run_server(const ServerOptions& options, std::ostream& out, std::ostream& log);

}  // namespace cachectl::serve
