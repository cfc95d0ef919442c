// The CLI's side of the admin socket: HTTP/1.1 + JSON over a node daemon's
// Unix socket. Routes and bodies are core/admin_api.h's, the contract the
// daemon compiles against too.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "core/admin_api.h"

namespace cachectl::cli {

struct AdminReply {
  bool reached = false;  // false: no daemon answered on the socket
  long status = 0;
  std::string body;   // the answer's JSON text; read it with core::admin::parse_*
  std::string error;  // why it was not reached

  bool ok(long expected = 200) const { return reached && status == expected; }
  // Why the request failed, for a message: the daemon's error, or why it
  // could not be reached.
  std::string why() const;
};

class AdminClient {
 public:
  AdminClient();
  ~AdminClient();
  AdminClient(const AdminClient&) = delete;
  AdminClient& operator=(const AdminClient&) = delete;

  // `body`: the request's JSON (core::admin::to_json of its request type),
  // empty for routes that take none.
  AdminReply call(const std::filesystem::path& socket, core::admin::Route route,
                  std::chrono::milliseconds timeout = std::chrono::milliseconds(2000),
                  const std::string& body = "");

  // The same bodiless request to many daemons at once (a describe of every
  // cluster): all asked before any answer is waited for, each given
  // `timeout` from when it was asked. One reply per socket, in order.
  std::vector<AdminReply> call_all(const std::vector<std::filesystem::path>& sockets,
                                   core::admin::Route route, std::chrono::milliseconds timeout);
  // The same with a request of its own for each daemon.
  struct Ask {
    std::filesystem::path socket;
    core::admin::Route route;
    std::string body;
  };
  std::vector<AdminReply> call_all(const std::vector<Ask>& asks, std::chrono::milliseconds timeout);

 private:
  AdminReply request(const std::filesystem::path& socket, const std::string& method,
                     const std::string& path, std::chrono::milliseconds timeout,
                     const std::string& body = "");
};

}  // namespace cachectl::cli
