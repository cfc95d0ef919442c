// The CLI's side of the admin socket: HTTP/1.1 + JSON over a node daemon's
// Unix socket.
#pragma once

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace cachectl::cli {

struct AdminReply {
  bool reached = false;  // false: no daemon answered on the socket
  long status = 0;
  nlohmann::json body;
  std::string error;  // why it was not reached
};

class AdminClient {
 public:
  AdminClient();
  ~AdminClient();
  AdminClient(const AdminClient&) = delete;
  AdminClient& operator=(const AdminClient&) = delete;

  AdminReply get(const std::filesystem::path& socket, const std::string& path,
                 std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));
  AdminReply post(const std::filesystem::path& socket, const std::string& path,
                  std::chrono::milliseconds timeout = std::chrono::milliseconds(2000),
                  const std::string& json_body = "");

 private:
  AdminReply request(const std::filesystem::path& socket, const std::string& method,
                     const std::string& path, std::chrono::milliseconds timeout,
                     const std::string& body = "");
};

}  // namespace cachectl::cli
