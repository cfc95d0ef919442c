// The admin API of a node daemon: its routes and the body of every request
// and response, as types. The daemon (node/admin_routes.cpp) and the CLI
// (cli/admin_client.cpp and its callers) both compile against this one
// contract, so a route or member cannot drift on one side only.
//
// Every parse_* takes untrusted bytes and either returns the value or an
// ApiError (code kBadAdminRequest) whose message says what is wrong; it never
// throws. Requests are strict: an unknown member, a wrong type, a missing
// member or one beyond its size limit is an error.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cachectl::core::admin {

inline constexpr const char* kBadAdminRequest = "BadAdminRequest";

// kFailover and kPromote are the replication group daemon's (test-failover:
// Sentinel, or in cluster mode Redis Cluster, promotes a replica;
// modify-replication-group --primary-cluster-id: the daemon promotes the one
// named); a node daemon answers them 404.
enum class Route {
  kStatus,
  kMemory,
  kReboot,
  kModify,
  kSnapshot,
  kConfig,
  kShutdown,
  kFailover,
  kPromote,
  kStatusChange
};

struct RouteSpec {
  Route route;
  std::string_view method;  // "GET" | "POST"
  std::string_view path;    // "/v1/status", ...
};

const RouteSpec& route_spec(Route route);
// nullptr for a path that is no route.
const RouteSpec* find_route(std::string_view path);
// "GET /v1/status", ... (the 404 answer lists them).
std::string route_list();

// Limits of what a request may carry (the HTTP parser caps a body at 1 MiB).
inline constexpr std::size_t kMaxPath = 4096;
inline constexpr std::size_t kMaxParameters = 256;
inline constexpr std::size_t kMaxParameterName = 128;
inline constexpr std::size_t kMaxParameterValue = 4096;

// --- requests -------------------------------------------------------------

// GET /v1/status, GET /v1/memory, POST /v1/reboot, /v1/modify, /v1/shutdown:
// no body (empty, or the empty object {}).
struct NoBody {};
Result<NoBody> parse_no_body(std::string_view body);

// POST /v1/snapshot: where the RDB file goes (an absolute path).
struct SnapshotRequest {
  std::string path;
};
Result<SnapshotRequest> parse_snapshot_request(std::string_view body);
std::string to_json(const SnapshotRequest& request);

// POST /v1/config: immediate parameter changes, by the engine's names.
struct ConfigRequest {
  std::map<std::string, std::string> parameters;
};
Result<ConfigRequest> parse_config_request(std::string_view body);
std::string to_json(const ConfigRequest& request);

// POST /v1/promote: the member cluster to make the group's primary.
struct PromoteRequest {
  std::string cluster;
};
Result<PromoteRequest> parse_promote_request(std::string_view body);
std::string to_json(const PromoteRequest& request);

// POST /v1/failover: the node group to fail over (cluster mode; "" or no
// body: the group's one node group, cluster mode disabled).
struct FailoverRequest {
  std::string node_group;
};
Result<FailoverRequest> parse_failover_request(std::string_view body);
std::string to_json(const FailoverRequest& request);
// POST /v1/status/change: the node's status once it is no longer `from`,
// or after `wait_ms` (a waiter's long poll: it hears of a change at once,
// without asking again and again).
struct StatusChangeRequest {
  std::string from;
  std::int64_t wait_ms = 0;
};
inline constexpr std::int64_t kMaxStatusWaitMs = 60000;
Result<StatusChangeRequest> parse_status_change_request(std::string_view body);
std::string to_json(const StatusChangeRequest& request);

// Checks the body of `route` without keeping it (the fuzz target and the
// daemon's dispatch use it).
Status check_request_body(Route route, std::string_view body);

// --- responses ------------------------------------------------------------

struct EngineStatus {
  std::string name;  // "redis" | "memcached"
  std::int64_t pid = -1;
  std::string address;
  std::int64_t port = 0;
  std::int64_t restarts = 0;
  std::string last_error;
};
struct DaemonStatus {
  std::int64_t pid = 0;
  std::string started;  // ISO 8601
  // How many times the daemon has looked at its schedule (backups,
  // maintenance, catching up with the record): a test waits for it to move
  // past a check instead of sleeping.
  std::int64_t schedule_checks = 0;
};
// A replication group member's view of its engine (INFO replication), as
// last seen by the daemon; empty for a node that is in no group.
struct ReplicationStatus {
  std::string role;                     // "primary" | "replica" | "" (not known yet)
  bool link_up = false;                 // a replica: its link to the primary is up
  std::string upstream;                 // a replica: the primary's address
  bool holds_primary_endpoint = false;  // the group's PrimaryEndpoint is bound here
  std::int64_t offset = 0;              // master_repl_offset / slave_repl_offset
};
// A cluster-mode group's Redis Cluster as its cluster manager last saw it
// (node/cluster_manager.h), in the group daemon's status.
struct ClusterShardStatus {
  std::string node_group;  // "0001"
  std::string slots;       // the slots it serves now ("0-5461,...")
  std::string primary;     // the member cluster that is its primary ("" = none)
  std::vector<std::string> replicas;
};
struct ClusterReport {
  std::int64_t layout_version = 0;  // the record's layout the report is about
  bool converged = false;           // the engines' cluster is that layout
  bool healthy = false;             // every member answers and says cluster_state:ok
  double progress = 100;            // slot migration towards the layout, in percent
  std::string activity;             // what is being done, or why not converged
  std::vector<ClusterShardStatus> shards;
};
std::string to_json(const ClusterReport& report);
Result<ClusterReport> parse_cluster_report(std::string_view body);

// GET /v1/status, and the answer of reboot, modify and shutdown.
struct StatusResponse {
  std::string cluster;
  std::string node;
  std::string status;  // CacheNodeStatus, or "snapshotting" / "modifying"
  EngineStatus engine;
  DaemonStatus daemon;
  std::optional<ReplicationStatus> replication;
  // A cluster-mode group daemon's: its cluster manager's last report
  // (none while the manager has not reported).
  std::optional<ClusterReport> cluster_report;
};
std::string to_json(const StatusResponse& response);
Result<StatusResponse> parse_status_response(std::string_view body);

// GET /v1/memory.
struct MemoryResponse {
  std::int64_t used_memory = 0;
};
std::string to_json(const MemoryResponse& response);
Result<MemoryResponse> parse_memory_response(std::string_view body);

// POST /v1/snapshot.
struct SnapshotResponse {
  std::string path;
  std::int64_t size = 0;
};
std::string to_json(const SnapshotResponse& response);
Result<SnapshotResponse> parse_snapshot_response(std::string_view body);

// POST /v1/config.
struct ConfigResponse {
  std::map<std::string, std::string> applied;
};
std::string to_json(const ConfigResponse& response);
Result<ConfigResponse> parse_config_response(std::string_view body);

// Any 4xx/5xx.
struct ErrorResponse {
  std::string error;
};
std::string to_json(const ErrorResponse& response);
Result<ErrorResponse> parse_error_response(std::string_view body);

}  // namespace cachectl::core::admin
