// A blocking connection to a Redis engine, for the cluster manager
// (node/cluster_manager.h), a process of its own whose work is a sequence
// of commands that each depend on the last (migrate a slot: mark it, move
// its keys batch by batch, hand it over). Every call is bounded by the
// connection's timeout; nothing here runs on a daemon's poll loop (those use
// the non-blocking EngineClient).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "node/engine_client.h"

namespace cachectl::node {

class RedisConnection {
 public:
  // A TCP address and port, or a Unix socket path (port 0).
  RedisConnection(std::string address, int port, std::chrono::milliseconds timeout);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Sends AUTH with these after every (re)connection; "" user = AUTH password.
  void set_auth(std::string user, std::string password);
  void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }

  // One command and its reply; connects first when needed. An error when
  // the engine cannot be reached or does not answer in time (the connection
  // is then dropped); a Redis error reply is a value (is_error()).
  core::Result<RespValue> command(const std::vector<std::string>& args);
  // Several commands written at once, their replies in order.
  core::Result<std::vector<RespValue>> pipeline(const std::vector<std::vector<std::string>>& batch);

  bool connected() const { return fd_ >= 0; }
  void close();
  const std::string& address() const { return address_; }
  int port() const { return port_; }

 private:
  core::Status connect_now();
  core::Status write_all(const std::string& data);
  core::Result<RespValue> read_reply();

  std::string address_;
  int port_;
  std::chrono::milliseconds timeout_;
  std::string user_, password_;
  int fd_ = -1;
  std::string in_;
  std::size_t in_pos_ = 0;
};

}  // namespace cachectl::node
