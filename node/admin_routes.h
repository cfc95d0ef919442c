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

// An error answer: `status` = code, `body` = {"error": message}; true (the
// request is answered), for AdminServer::Handler.
bool error_answer(int& status, std::string& body, int code, const std::string& message);

// A replication group daemon's first look at a request: the route it
// names, or nullptr when it is answered already (`status` and `body`): GET
// /v1/status with `status_now()`, and the errors (404 listing `served`, 405
// for the wrong method, 400 for a bad body).
const core::admin::RouteSpec* group_daemon_route(
    const HttpRequest& request, std::string_view served,
    const std::function<core::admin::StatusResponse()>& status_now, int& status, std::string& body);

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
