#include "node/admin_routes.h"

#include <cstdlib>
#include <memory>

#include "core/engines.h"
#include "core/parameter_table.h"
#include "node/background_save.h"

namespace cachectl::node {
namespace {

namespace admin = core::admin;
using namespace std::chrono_literals;

constexpr auto kEngineTimeout = 5s;

}  // namespace

bool error_answer(int& status, std::string& body, int code, const std::string& message) {
  status = code;
  body = admin::to_json(admin::ErrorResponse{message});
  return true;
}

const admin::RouteSpec* group_daemon_route(const HttpRequest& req, std::string_view served,
                                           const std::function<admin::StatusResponse()>& status_now,
                                           int& status, std::string& body) {
  const admin::RouteSpec* route = admin::find_route(req.path);
  if (!route) {
    error_answer(status, body, 404, "no such resource (routes: " + std::string(served) + ")");
  } else if (req.method != route->method) {
    error_answer(status, body, 405, "use " + std::string(route->method));
  } else if (auto r = admin::check_request_body(route->route, req.body); r) {
    error_answer(status, body, 400, r->message);
  } else if (route->route == admin::Route::kStatus) {
    body = admin::to_json(status_now());
  } else {
    return route;
  }
  return nullptr;
}

AdminRoutes::AdminRoutes(const NodeContext& ctx, NodeParts parts)
    : ctx_(ctx), parts_(std::move(parts)) {}

bool AdminRoutes::handle(RequestId id, const HttpRequest& req, int& status, std::string& body) {
  const admin::RouteSpec* route = admin::find_route(req.path);
  if (!route)
    return error_answer(
        status, body, 404,
        "no such resource: " + req.path.substr(0, 256) + " (routes: " + admin::route_list() + ")");
  if (req.method != route->method)
    return error_answer(status, body, 405,
                        "use " + std::string(route->method) + " for " + std::string(route->path));
  auto now = std::chrono::steady_clock::now();
  auto busy = [&](int code) {
    return error_answer(status, body, code,
                        "the node is " + (parts_.shutting_down() ? std::string("shutting down")
                                                                 : parts_.status().status));
  };
  switch (route->route) {
    case admin::Route::kSnapshot: {
      auto r = admin::parse_snapshot_request(req.body);
      if (!r) return error_answer(status, body, 400, r.error().message);
      return snapshot(id, *r, status, body);
    }
    case admin::Route::kConfig: {
      auto r = admin::parse_config_request(req.body);
      if (!r) return error_answer(status, body, 400, r.error().message);
      return config(id, *r, status, body);
    }
    case admin::Route::kStatusChange: {
      auto r = admin::parse_status_change_request(req.body);
      if (!r) return error_answer(status, body, 400, r.error().message);
      auto now_status = parts_.status();
      if (now_status.status != r->from || r->wait_ms == 0 || !parts_.watch_status) {
        body = admin::to_json(now_status);
        return true;
      }
      parts_.watch_status(id, r->from, std::chrono::milliseconds(r->wait_ms));
      return false;
    }
    default:
      if (auto r = admin::parse_no_body(req.body); !r)
        return error_answer(status, body, 400, r.error().message);
      break;
  }
  switch (route->route) {
    case admin::Route::kStatus:
      body = admin::to_json(parts_.status());
      return true;
    case admin::Route::kMemory:
      return memory(id, status, body);
    case admin::Route::kReboot:
      if (parts_.shutting_down()) return busy(409);
      parts_.supervisor.reboot(now);
      status = 202;
      body = admin::to_json(parts_.status());
      return true;
    case admin::Route::kModify:
      // The record changed: apply it now instead of at the next check.
      if (parts_.shutting_down()) return busy(409);
      parts_.modify.retry_now();
      if (auto fresh = ctx_.registry.get(ctx_.options.cluster))
        (void)parts_.modify.catch_up(*fresh, !parts_.snapshot.running(), now);
      if (parts_.record_changed) parts_.record_changed();
      status = 202;
      body = admin::to_json(parts_.status());
      return true;
    case admin::Route::kShutdown:
      parts_.shut_down(id);
      return false;
    case admin::Route::kFailover:
    case admin::Route::kPromote:
      return error_answer(status, body, 404,
                          "failover and promotion are asked of the replication group's daemon");
    default:
      return error_answer(status, body, 500, "unrouted " + std::string(route->path));
  }
}

bool AdminRoutes::memory(RequestId id, int& status, std::string& body) {
  if (ctx_.engine != "redis") {
    body = admin::to_json(admin::MemoryResponse{0});
    return true;
  }
  AdminServer* server = server_;
  parts_.client.send(
      {"INFO", "memory"},
      [server, id](const EngineClient::Reply& r) {
        if (!r) {
          server->respond(id, 503,
                          admin::to_json(admin::ErrorResponse{"the engine does not answer"}));
          return;
        }
        server->respond(id, 200,
                        admin::to_json(admin::MemoryResponse{
                            std::atoll(info_field(*r, "used_memory").c_str())}));
      },
      kEngineTimeout, std::chrono::steady_clock::now());
  (void)status;
  (void)body;
  return false;
}

bool AdminRoutes::snapshot(RequestId id, const admin::SnapshotRequest& r, int& status,
                           std::string& body) {
  if (ctx_.engine != "redis")
    return error_answer(status, body, 409, "only Redis nodes can be snapshotted");
  if (parts_.shutting_down() || parts_.snapshot.running() || parts_.modify.running() ||
      parts_.supervisor.node_status() != "available")
    return error_answer(status, body, 409, "the node is " + parts_.status().status);
  AdminServer* server = server_;
  parts_.snapshot.start_requested(
      std::chrono::steady_clock::now(), r.path,
      [server, id](int code, const std::string& text) { server->respond(id, code, text); });
  return false;  // answered when the RDB is written
}

bool AdminRoutes::config(RequestId id, const admin::ConfigRequest& r, int& status,
                         std::string& body) {
  if (ctx_.engine != "redis")
    return error_answer(status, body, 409, "memcached reads its parameters when it starts");
  // Only the parameters a parameter group may change at run time reach the
  // engine through here: not `dir`, not `requirepass`.
  auto fresh = ctx_.registry.get(ctx_.options.cluster);
  std::string family =
      fresh ? core::parameter_group_family(fresh->engine, fresh->engine_version) : std::string();
  const auto* table = core::family_parameters(family);
  for (const auto& [name, value] : r.parameters) {
    bool allowed = false;
    if (table) {
      for (const auto& p : *table)
        allowed =
            allowed || (p.engine_name == name && p.change_type == core::ChangeType::kImmediate);
    }
    if (!allowed)
      return error_answer(
          status, body, 400,
          "parameter " + name + " cannot be changed on a running " + family + " node");
  }
  if (parts_.shutting_down() || parts_.supervisor.node_status() != "available")
    return error_answer(status, body, 409, "the node is " + parts_.status().status);
  // CONFIG SET each, in order; the answer goes out after the last reply, or
  // at the first failure.
  struct Progress {
    admin::ConfigResponse applied;
    std::size_t left;
    bool failed = false;
  };
  auto progress = std::make_shared<Progress>(Progress{{}, r.parameters.size()});
  AdminServer* server = server_;
  for (const auto& [name, value] : r.parameters) {
    parts_.client.send(
        {ctx_.command("CONFIG"), "SET", name, value},
        [server, id, progress, name = name, value = value](const EngineClient::Reply& reply) {
          if (progress->failed) return;
          if (!reply || reply->rfind("+OK", 0) != 0) {
            progress->failed = true;
            server->respond(id, 500,
                            admin::to_json(admin::ErrorResponse{
                                "CONFIG SET " + name + " failed: " + reply.value_or("no answer")}));
            return;
          }
          progress->applied.applied[name] = value;
          if (--progress->left == 0) server->respond(id, 200, admin::to_json(progress->applied));
        },
        kEngineTimeout, std::chrono::steady_clock::now());
  }
  return false;
}

}  // namespace cachectl::node
