#include "core/admin_api.h"

#include <initializer_list>
#include <nlohmann/json.hpp>

#include "core/json_depth.h"

namespace cachectl::core::admin {
namespace {

using json = nlohmann::json;

constexpr RouteSpec kRoutes[] = {
    {Route::kStatus, "GET", "/v1/status"},      {Route::kMemory, "GET", "/v1/memory"},
    {Route::kReboot, "POST", "/v1/reboot"},     {Route::kModify, "POST", "/v1/modify"},
    {Route::kSnapshot, "POST", "/v1/snapshot"}, {Route::kConfig, "POST", "/v1/config"},
    {Route::kShutdown, "POST", "/v1/shutdown"}, {Route::kFailover, "POST", "/v1/failover"},
    {Route::kPromote, "POST", "/v1/promote"},   {Route::kStatusChange, "POST", "/v1/status/change"},
};

// Bodies are small and flat; a deeper one is not ours. Checked before
// parsing, so that no nesting reaches the parser.
constexpr int kMaxDepth = 8;

ApiError bad(std::string message) { return {kBadAdminRequest, std::move(message)}; }

// Never throws: text that is not UTF-8 (a path, a member name cut short) is
// written with replacement characters.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// The body as a JSON object, or why not. `allowed` lists its members; any
// other is an error (a typo must not be silently ignored).
Result<json> parse_object(std::string_view body, std::initializer_list<std::string_view> allowed,
                          std::string_view expected) {
  auto usage = [&](const std::string& why) { return bad(why + "; send " + std::string(expected)); };
  if (json_nesting_depth(body) > kMaxDepth) return usage("the body is nested too deeply");
  json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded()) return usage("the body is not JSON");
  if (!j.is_object()) return usage("the body is not a JSON object");
  for (const auto& item : j.items()) {
    bool known = false;
    for (auto a : allowed) known = known || item.key() == a;
    if (!known) return usage("unknown member \"" + item.key().substr(0, 64) + "\"");
  }
  return j;
}

// Lenient reading of a response: required members with their types, extra
// members ignored (a newer daemon may say more).
Result<json> parse_response(std::string_view body) {
  if (json_nesting_depth(body) > kMaxDepth) return bad("the daemon's answer is nested too deeply");
  json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("the daemon's answer is not a JSON object");
  return j;
}

template <class T>
bool get(const json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it == j.end()) return false;
  if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string()) return false;
    out = it->template get<std::string>();
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!it->is_boolean()) return false;
    out = it->template get<bool>();
  } else {
    if (!it->is_number_integer()) return false;
    out = it->template get<std::int64_t>();
  }
  return true;
}

ApiError missing(const char* what) {
  return bad(std::string("the daemon's answer has no valid \"") + what + "\"");
}

}  // namespace

const RouteSpec& route_spec(Route route) {
  for (const auto& r : kRoutes)
    if (r.route == route) return r;
  return kRoutes[0];
}

const RouteSpec* find_route(std::string_view path) {
  for (const auto& r : kRoutes)
    if (r.path == path) return &r;
  return nullptr;
}

std::string route_list() {
  std::string out;
  for (const auto& r : kRoutes) {
    if (!out.empty()) out += ", ";
    out += std::string(r.method) + " " + std::string(r.path);
  }
  return out;
}

Result<NoBody> parse_no_body(std::string_view body) {
  if (body.empty()) return NoBody{};
  auto j = parse_object(body, {}, "no body (or {})");
  if (!j) return j.error();
  return NoBody{};
}

Result<SnapshotRequest> parse_snapshot_request(std::string_view body) {
  constexpr std::string_view kUsage = "{\"path\": \"/absolute/path/of/the/rdb\"}";
  auto j = parse_object(body, {"path"}, kUsage);
  if (!j) return j.error();
  auto it = j->find("path");
  if (it == j->end()) return bad("\"path\" is missing; send " + std::string(kUsage));
  if (!it->is_string()) return bad("\"path\" must be a string; send " + std::string(kUsage));
  SnapshotRequest r{it->get<std::string>()};
  if (r.path.empty() || r.path.front() != '/')
    return bad("\"path\" must be an absolute path; send " + std::string(kUsage));
  if (r.path.size() > kMaxPath)
    return bad("\"path\" is longer than " + std::to_string(kMaxPath) + " bytes");
  if (r.path.find('\0') != std::string::npos) return bad("\"path\" holds a NUL byte");
  return r;
}

std::string to_json(const SnapshotRequest& request) { return dump(json{{"path", request.path}}); }

Result<PromoteRequest> parse_promote_request(std::string_view body) {
  constexpr std::string_view kUsage = "{\"cluster\": \"MEMBER-CLUSTER-ID\"}";
  auto j = parse_object(body, {"cluster"}, kUsage);
  if (!j) return j.error();
  auto it = j->find("cluster");
  if (it == j->end()) return bad("\"cluster\" is missing; send " + std::string(kUsage));
  if (!it->is_string()) return bad("\"cluster\" must be a string; send " + std::string(kUsage));
  PromoteRequest r{it->get<std::string>()};
  // A cluster id: at most 50 of [a-z0-9-] (checked fully against the group's members).
  if (r.cluster.empty() || r.cluster.size() > 50 ||
      r.cluster.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos)
    return bad("\"cluster\" must be a cache cluster id; send " + std::string(kUsage));
  return r;
}

std::string to_json(const PromoteRequest& request) {
  return dump(json{{"cluster", request.cluster}});
}

Result<FailoverRequest> parse_failover_request(std::string_view body) {
  if (body.empty()) return FailoverRequest{};
  constexpr std::string_view kUsage = "no body, or {\"node_group\": \"0001\"}";
  auto j = parse_object(body, {"node_group"}, kUsage);
  if (!j) return j.error();
  FailoverRequest r;
  auto it = j->find("node_group");
  if (it == j->end()) return r;
  if (!it->is_string()) return bad("\"node_group\" must be a string; send " + std::string(kUsage));
  r.node_group = it->get<std::string>();
  if (r.node_group.size() != 4 || r.node_group.find_first_not_of("0123456789") != std::string::npos)
    return bad("\"node_group\" must be 4 digits; send " + std::string(kUsage));
  return r;
}

std::string to_json(const FailoverRequest& request) {
  return dump(json{{"node_group", request.node_group}});
}

Result<ConfigRequest> parse_config_request(std::string_view body) {
  constexpr std::string_view kUsage = "{\"parameters\": {\"name\": \"value\", ...}}";
  auto j = parse_object(body, {"parameters"}, kUsage);
  if (!j) return j.error();
  auto it = j->find("parameters");
  if (it == j->end()) return bad("\"parameters\" is missing; send " + std::string(kUsage));
  if (!it->is_object()) return bad("\"parameters\" must be an object; send " + std::string(kUsage));
  if (it->empty()) return bad("\"parameters\" is empty");
  if (it->size() > kMaxParameters)
    return bad("more than " + std::to_string(kMaxParameters) + " parameters");
  ConfigRequest r;
  for (const auto& item : it->items()) {
    const std::string& name = item.key();
    if (name.empty() || name.size() > kMaxParameterName)
      return bad("a parameter name must have 1 to " + std::to_string(kMaxParameterName) +
                 " characters");
    for (char c : name) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
        return bad("parameter name \"" + name.substr(0, 64) +
                   "\" may only hold a-z, 0-9, '-' and '_'");
    }
    if (!item.value().is_string())
      return bad("the value of " + name + " must be a string; send " + std::string(kUsage));
    std::string value = item.value().get<std::string>();
    if (value.size() > kMaxParameterValue)
      return bad("the value of " + name + " is longer than " + std::to_string(kMaxParameterValue) +
                 " bytes");
    if (value.find('\0') != std::string::npos)
      return bad("the value of " + name + " holds a NUL byte");
    r.parameters[name] = std::move(value);
  }
  return r;
}

std::string to_json(const ConfigRequest& request) {
  return dump(json{{"parameters", request.parameters}});
}

Result<StatusChangeRequest> parse_status_change_request(std::string_view body) {
  constexpr std::string_view kUsage = "{\"from\": \"creating\", \"wait_ms\": 1000}";
  auto j = parse_object(body, {"from", "wait_ms"}, kUsage);
  if (!j) return j.error();
  auto from = j->find("from");
  auto wait = j->find("wait_ms");
  if (from == j->end() || wait == j->end())
    return bad("\"from\" and \"wait_ms\" are needed; send " + std::string(kUsage));
  if (!from->is_string()) return bad("\"from\" must be a string; send " + std::string(kUsage));
  if (!wait->is_number_integer())
    return bad("\"wait_ms\" must be an integer; send " + std::string(kUsage));
  StatusChangeRequest r{from->get<std::string>(), wait->get<std::int64_t>()};
  if (r.from.empty() || r.from.size() > 64) return bad("\"from\" must have 1 to 64 characters");
  if (r.wait_ms < 0 || r.wait_ms > kMaxStatusWaitMs)
    return bad("\"wait_ms\" must be 0 to " + std::to_string(kMaxStatusWaitMs));
  return r;
}

std::string to_json(const StatusChangeRequest& request) {
  return dump(json{{"from", request.from}, {"wait_ms", request.wait_ms}});
}

Status check_request_body(Route route, std::string_view body) {
  switch (route) {
    case Route::kStatusChange:
      if (auto r = parse_status_change_request(body); !r) return r.error();
      return std::nullopt;
    case Route::kSnapshot:
      if (auto r = parse_snapshot_request(body); !r) return r.error();
      return std::nullopt;
    case Route::kConfig:
      if (auto r = parse_config_request(body); !r) return r.error();
      return std::nullopt;
    case Route::kPromote:
      if (auto r = parse_promote_request(body); !r) return r.error();
      return std::nullopt;
    case Route::kFailover:
      if (auto r = parse_failover_request(body); !r) return r.error();
      return std::nullopt;
    default:
      if (auto r = parse_no_body(body); !r) return r.error();
      return std::nullopt;
  }
}

namespace {

json report_json(const ClusterReport& r) {
  json shards = json::array();
  for (const auto& s : r.shards)
    shards.push_back({{"node_group", s.node_group},
                      {"slots", s.slots},
                      {"primary", s.primary},
                      {"replicas", s.replicas}});
  return {{"layout_version", r.layout_version},
          {"converged", r.converged},
          {"healthy", r.healthy},
          {"progress", r.progress},
          {"activity", r.activity},
          {"shards", shards}};
}

Result<ClusterReport> report_from(const json& j) {
  ClusterReport r;
  if (!get(j, "layout_version", r.layout_version)) return missing("layout_version");
  if (!get(j, "converged", r.converged)) return missing("converged");
  if (!get(j, "healthy", r.healthy)) return missing("healthy");
  if (auto p = j.find("progress"); p != j.end() && p->is_number()) r.progress = p->get<double>();
  get(j, "activity", r.activity);
  if (auto s = j.find("shards"); s != j.end() && s->is_array()) {
    for (const auto& item : *s) {
      if (!item.is_object()) return missing("shards");
      ClusterShardStatus shard;
      if (!get(item, "node_group", shard.node_group)) return missing("shards");
      get(item, "slots", shard.slots);
      get(item, "primary", shard.primary);
      if (auto rep = item.find("replicas"); rep != item.end() && rep->is_array())
        for (const auto& x : *rep)
          if (x.is_string()) shard.replicas.push_back(x.get<std::string>());
      r.shards.push_back(std::move(shard));
    }
  }
  return r;
}

}  // namespace

std::string to_json(const ClusterReport& report) { return dump(report_json(report)); }

Result<ClusterReport> parse_cluster_report(std::string_view body) {
  auto j = parse_response(body);
  if (!j) return j.error();
  return report_from(*j);
}

std::string to_json(const StatusResponse& r) {
  json j{{"cluster", r.cluster},
         {"node", r.node},
         {"status", r.status},
         {"engine",
          {{"name", r.engine.name},
           {"pid", r.engine.pid},
           {"address", r.engine.address},
           {"port", r.engine.port},
           {"restarts", r.engine.restarts},
           {"last_error", r.engine.last_error}}},
         {"daemon",
          {{"pid", r.daemon.pid},
           {"started", r.daemon.started},
           {"schedule_checks", r.daemon.schedule_checks}}}};
  if (r.replication) {
    j["replication"] = {{"role", r.replication->role},
                        {"link_up", r.replication->link_up},
                        {"upstream", r.replication->upstream},
                        {"holds_primary_endpoint", r.replication->holds_primary_endpoint},
                        {"offset", r.replication->offset}};
  }
  if (r.cluster_report) j["cluster_report"] = report_json(*r.cluster_report);
  return dump(j);
}

Result<StatusResponse> parse_status_response(std::string_view body) {
  auto j = parse_response(body);
  if (!j) return j.error();
  StatusResponse r;
  if (!get(*j, "status", r.status)) return missing("status");
  get(*j, "cluster", r.cluster);
  get(*j, "node", r.node);
  if (auto e = j->find("engine"); e != j->end() && e->is_object()) {
    get(*e, "name", r.engine.name);
    get(*e, "pid", r.engine.pid);
    get(*e, "address", r.engine.address);
    get(*e, "port", r.engine.port);
    get(*e, "restarts", r.engine.restarts);
    get(*e, "last_error", r.engine.last_error);
  }
  if (auto d = j->find("daemon"); d != j->end() && d->is_object()) {
    get(*d, "pid", r.daemon.pid);
    get(*d, "started", r.daemon.started);
    get(*d, "schedule_checks", r.daemon.schedule_checks);
  }
  if (auto p = j->find("replication"); p != j->end() && p->is_object()) {
    ReplicationStatus rs;
    get(*p, "role", rs.role);
    get(*p, "link_up", rs.link_up);
    get(*p, "upstream", rs.upstream);
    get(*p, "holds_primary_endpoint", rs.holds_primary_endpoint);
    get(*p, "offset", rs.offset);
    r.replication = rs;
  }
  if (auto c = j->find("cluster_report"); c != j->end() && c->is_object()) {
    auto report = report_from(*c);
    if (!report) return report.error();
    r.cluster_report = *report;
  }
  return r;
}

std::string to_json(const MemoryResponse& r) { return dump(json{{"used_memory", r.used_memory}}); }

Result<MemoryResponse> parse_memory_response(std::string_view body) {
  auto j = parse_response(body);
  if (!j) return j.error();
  MemoryResponse r;
  if (!get(*j, "used_memory", r.used_memory)) return missing("used_memory");
  return r;
}

std::string to_json(const SnapshotResponse& r) {
  return dump(json{{"path", r.path}, {"size", r.size}});
}

Result<SnapshotResponse> parse_snapshot_response(std::string_view body) {
  auto j = parse_response(body);
  if (!j) return j.error();
  SnapshotResponse r;
  if (!get(*j, "path", r.path)) return missing("path");
  if (!get(*j, "size", r.size)) return missing("size");
  return r;
}

std::string to_json(const ConfigResponse& r) { return dump(json{{"applied", r.applied}}); }

Result<ConfigResponse> parse_config_response(std::string_view body) {
  auto j = parse_response(body);
  if (!j) return j.error();
  auto it = j->find("applied");
  if (it == j->end() || !it->is_object()) return missing("applied");
  ConfigResponse r;
  for (const auto& item : it->items()) {
    if (!item.value().is_string()) return missing("applied");
    r.applied[item.key()] = item.value().get<std::string>();
  }
  return r;
}

std::string to_json(const ErrorResponse& r) { return dump(json{{"error", r.error}}); }

Result<ErrorResponse> parse_error_response(std::string_view body) {
  auto j = parse_response(body);
  if (!j) return j.error();
  ErrorResponse r;
  if (!get(*j, "error", r.error)) return missing("error");
  return r;
}

}  // namespace cachectl::core::admin
