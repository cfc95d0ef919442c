// The admin socket's routes (core/admin_api.h is the contract): each
// request's body is parsed and checked there before anything happens, then
// the route acts on the node's parts. Answers that need the engine are
// deferred and sent when its reply comes, to the request that asked.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/admin_api.h"
#include "node/admin_server.h"
#include "node/engine_client.h"
#include "node/modify_restart.h"
#include "node/node_context.h"
#include "node/snapshot_job.h"
#include "node/supervisor.h"

namespace cachectl::node {

// The parts the routes act on, owned by the daemon.
struct NodeParts {
  Supervisor& supervisor;
  EngineClient& client;
  SnapshotJob& snapshot;
  ModifyRestart& modify;
  std::function<core::admin::StatusResponse()> status;
  std::function<bool()> shutting_down;
  std::function<void(RequestId)> shut_down;  // answered once the engine has stopped
  std::function<void()> record_changed;      // the schedule looks at the record now
  // Answer `id` with the status once it is no longer `from`, or after `wait`.
  std::function<void(RequestId id, std::string from, std::chrono::milliseconds wait)> watch_status;
};

class AdminRoutes {
 public:
  AdminRoutes(const NodeContext& ctx, NodeParts parts);
  void set_server(AdminServer& server) { server_ = &server; }

  // AdminServer::Handler.
  bool handle(RequestId id, const HttpRequest& request, int& status, std::string& body);

 private:
  bool memory(RequestId id, int& status, std::string& body);
  bool snapshot(RequestId id, const core::admin::SnapshotRequest& r, int& status,
                std::string& body);
  bool config(RequestId id, const core::admin::ConfigRequest& r, int& status, std::string& body);

  const NodeContext& ctx_;
  NodeParts parts_;
  AdminServer* server_ = nullptr;
};

}  // namespace cachectl::node
