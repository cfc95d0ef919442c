// Is the engine answering? A RESP PING for Redis, "version" for Memcached,
// over a fresh loopback TCP connection with a short deadline.
#pragma once

#include <chrono>
#include <string>

namespace cachectl::node {

bool engine_answers(const std::string& engine, const std::string& address, int port,
                    const std::string& auth_token, std::chrono::milliseconds timeout);

}  // namespace cachectl::node
