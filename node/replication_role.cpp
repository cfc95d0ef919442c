#include "node/replication_role.h"

#include <cstdio>
#include <sstream>

namespace cachectl::node {
namespace {

using namespace std::chrono_literals;

constexpr auto kInterval = 100ms;
constexpr auto kTimeout = 1000ms;
constexpr auto kReplicaCountAge = 1s;

}  // namespace

void parse_replication_info(const std::string& info, core::admin::ReplicationStatus& out) {
  std::istringstream in(info);
  std::string line;
  std::string role;
  out.link_up = false;
  out.upstream.clear();
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    std::string value = line.substr(colon + 1);
    if (key == "role") role = value;
    if (key == "master_host") out.upstream = value;
    if (key == "master_link_status") out.link_up = value == "up";
    if (key == "master_repl_offset" || key == "slave_repl_offset") {
      try {
        out.offset = std::stoll(value);
      } catch (...) {
      }
    }
  }
  out.role = role == "master" ? "primary" : role == "slave" ? "replica" : "";
}

std::string member_bind_list(const std::string& own, const std::string& role,
                             const std::string& primary_endpoint,
                             const std::string& reader_endpoint, int replicas) {
  std::string list = own;
  if (role == "primary" && !primary_endpoint.empty()) list += " " + primary_endpoint;
  bool reader = role == "replica" || (role == "primary" && replicas == 0);
  if (reader && !reader_endpoint.empty()) list += " " + reader_endpoint;
  return list;
}

ReplicationRole::ReplicationRole(const NodeContext& ctx, EngineClient& client,
                                 std::function<int()> replicas)
    : ctx_(ctx), client_(client), replicas_(std::move(replicas)) {}

void ReplicationRole::engine_started(std::string primary_endpoint, std::string reader_endpoint,
                                     std::string configuration_endpoint) {
  primary_endpoint_ = std::move(primary_endpoint);
  reader_endpoint_ = std::move(reader_endpoint);
  configuration_endpoint_ = std::move(configuration_endpoint);
  joined_ = false;
  status_ = {};
  bound_.clear();
  asking_ = false;
  changing_ = false;
}

SteadyTime ReplicationRole::next_deadline(SteadyTime now) const {
  return asking_ ? now + kTimeout : next_;
}

void ReplicationRole::tick(SteadyTime now, bool available) {
  if (!available || asking_ || now < next_) return;
  next_ = now + kInterval;
  asking_ = true;
  client_.send(
      {"INFO", "replication"},
      [this](const EngineClient::Reply& r) { on_info(r, std::chrono::steady_clock::now()); },
      kTimeout, now);
  if (!configuration_endpoint_.empty() && !joined_) {
    asking_ = true;
    client_.send(
        {"CLUSTER", "INFO"}, [this](const EngineClient::Reply& r) { on_cluster_info(r); }, kTimeout,
        now);
  }
}

void ReplicationRole::on_cluster_info(const EngineClient::Reply& reply) {
  asking_ = false;
  if (!reply || reply->find("cluster_state:ok") == std::string::npos || changing_) return;
  // Joined: from now on a client at the ConfigurationEndpoint may land here.
  std::string want = ctx_.node.address + " " + configuration_endpoint_;
  changing_ = true;
  client_.send(
      {ctx_.command("CONFIG"), "SET", "bind", want},
      [this](const EngineClient::Reply& r) {
        changing_ = false;
        if (r && *r == "+OK") joined_ = true;
      },
      kTimeout, std::chrono::steady_clock::now());
}

void ReplicationRole::on_info(const EngineClient::Reply& reply, SteadyTime now) {
  // In cluster mode a CLUSTER INFO follows this on the connection.
  asking_ = !configuration_endpoint_.empty() && !joined_;
  if (!reply || reply->rfind("-", 0) == 0) return;
  parse_replication_info(*reply, status_);
  if (primary_endpoint_.empty() || changing_ || status_.role.empty()) return;
  if (status_.role == "primary" && now - replicas_asked_ >= kReplicaCountAge) {
    replica_count_ = replicas_ ? replicas_() : 0;
    replicas_asked_ = now;
  }
  std::string want = member_bind_list(ctx_.node.address, status_.role, primary_endpoint_,
                                      reader_endpoint_, replica_count_);
  if (want == bound_) return;
  bool dropping_primary =
      status_.role != "primary" && (bound_.empty() || status_.holds_primary_endpoint);
  bind(want, true, dropping_primary);
}

void ReplicationRole::bind(const std::string& addresses, bool with_reader, bool dropping_primary) {
  changing_ = true;
  std::string list = addresses;
  if (!with_reader && !reader_endpoint_.empty()) {
    auto at = list.find(" " + reader_endpoint_);
    if (at != std::string::npos) list.erase(at, reader_endpoint_.size() + 1);
  }
  client_.send(
      {ctx_.command("CONFIG"), "SET", "bind", list},
      [this, addresses, list, with_reader, dropping_primary](const EngineClient::Reply& r) {
        if (!r || *r != "+OK") {
          changing_ = false;
          std::string why = r ? *r : "no answer";
          if (why != last_error_)
            std::fprintf(stderr, "cannot bind %s yet: %s\n", list.c_str(), why.c_str());
          last_error_ = why;
          // The PrimaryEndpoint must not wait for the ReaderEndpoint: try
          // without it (the next look tries the whole list again).
          if (with_reader && list.find(reader_endpoint_) != std::string::npos)
            bind(addresses, false, dropping_primary);
          return;
        }
        last_error_.clear();
        bound_ = list == addresses ? addresses : std::string();
        status_.holds_primary_endpoint = list.find(" " + primary_endpoint_) != std::string::npos;
        if (!dropping_primary) {
          changing_ = false;
          return;
        }
        // Connections made to the endpoint would otherwise keep writing to
        // a replica (and be refused): close them, so clients reconnect and
        // reach the new primary.
        client_.send(
            {"CLIENT", "KILL", "LADDR", primary_endpoint_ + ":" + std::to_string(ctx_.node.port)},
            [this](const EngineClient::Reply&) { changing_ = false; }, kTimeout,
            std::chrono::steady_clock::now());
      },
      kTimeout, std::chrono::steady_clock::now());
}

}  // namespace cachectl::node
