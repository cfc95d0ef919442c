// A replication group member's daemon watches its engine's role (INFO
// replication, every 100 ms on the daemon's engine connection) and makes
// the group's endpoints follow it, with no proxy in the data path:
// - the PrimaryEndpoint address is bound by the primary beside its own
//   (CONFIG SET bind, retried while the old primary still holds it); a node
//   that is no longer primary lets it go and closes the connections that
//   came through it (CLIENT KILL LADDR), so clients reconnect to the new
//   primary;
// - the ReaderEndpoint address is bound by every replica, and by the
//   primary while the group has no replica; the members' sockets share it
//   (SO_REUSEPORT, node/reuseport_shim.cpp), so the kernel spreads new
//   connections over them.
// - in cluster mode, the ConfigurationEndpoint address is bound by every
//   member that has joined the cluster (SO_REUSEPORT again).
// Who is primary is decided elsewhere (Sentinel, Redis Cluster, or at start
// the group's record); this only follows.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "core/admin_api.h"
#include "node/engine_client.h"
#include "node/node_context.h"

namespace cachectl::node {

class ReplicationRole {
 public:
  // `replicas` tells how many replicas the group has now (asked at most
  // once a second).
  ReplicationRole(const NodeContext& ctx, EngineClient& client, std::function<int()> replicas);

  // A new engine process, in a group with these endpoints ("" = in no
  // group): nothing is known of it yet. In cluster mode, the
  // ConfigurationEndpoint is bound once the engine has joined its cluster
  // (CLUSTER INFO says cluster_state:ok once), so that a client arriving
  // there never meets a node that does not know the slots yet.
  void engine_started(std::string primary_endpoint, std::string reader_endpoint,
                      std::string configuration_endpoint = {});
  // `available`: the engine answers (the supervisor says so).
  void tick(SteadyTime now, bool available);
  SteadyTime next_deadline(SteadyTime now) const;
  core::admin::ReplicationStatus status() const { return status_; }

 private:
  void on_info(const EngineClient::Reply& reply, SteadyTime now);
  void on_cluster_info(const EngineClient::Reply& reply);
  void bind(const std::string& addresses, bool with_reader, bool dropping_primary);

  const NodeContext& ctx_;
  EngineClient& client_;
  std::function<int()> replicas_;
  std::string primary_endpoint_;
  std::string reader_endpoint_;
  std::string configuration_endpoint_;
  bool joined_ = false;  // cluster mode: the engine has said cluster_state:ok
  core::admin::ReplicationStatus status_;
  std::string bound_;  // the bind list last set ("" = not known)
  bool asking_ = false;
  bool changing_ = false;
  SteadyTime next_{};
  int replica_count_ = 0;
  SteadyTime replicas_asked_{};
  std::string last_error_;
};

// INFO replication's text into the status's role, link and upstream (pure,
// for tests).
void parse_replication_info(const std::string& info, core::admin::ReplicationStatus& out);

// The addresses a member binds (its own first): pure, for tests.
std::string member_bind_list(const std::string& own, const std::string& role,
                             const std::string& primary_endpoint,
                             const std::string& reader_endpoint, int replicas);

}  // namespace cachectl::node
