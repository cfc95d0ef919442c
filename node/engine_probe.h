// Is the engine answering? A RESP PING for Redis, "version" for Memcached,
// over a fresh loopback TCP connection with a short deadline.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace cachectl::node {

bool engine_answers(const std::string& engine, const std::string& address, int port,
                    const std::string& auth_token, std::chrono::milliseconds timeout);

}  // namespace cachectl::node

namespace cachectl::node {

// One Redis command over a fresh connection (AUTH first when a token is
// set). The reply's text: the line of a simple reply ("+OK", "-ERR ..."),
// or the body of a bulk reply. nullopt when the engine does not answer.
std::optional<std::string> redis_command(const std::string& address, int port,
                                         const std::string& auth_token,
                                         const std::vector<std::string>& args,
                                         std::chrono::milliseconds timeout);

}  // namespace cachectl::node
