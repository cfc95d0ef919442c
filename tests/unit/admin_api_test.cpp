// The admin API contract (core/admin_api.h): every request body is checked
// strictly and every bad one is an error value with a clear message, never
// an exception.
#include "core/admin_api.h"

#include <gtest/gtest.h>

#include <string>

namespace cachectl::core::admin {
namespace {

std::string why(const Status& s) { return s ? s->message : std::string("accepted"); }

TEST(AdminApi, EveryRouteHasOneSpec) {
  for (auto r : {Route::kStatus, Route::kMemory, Route::kReboot, Route::kModify, Route::kSnapshot,
                 Route::kConfig, Route::kShutdown}) {
    const RouteSpec& s = route_spec(r);
    EXPECT_EQ(s.route, r);
    ASSERT_NE(find_route(s.path), nullptr);
    EXPECT_EQ(find_route(s.path)->route, r);
  }
  EXPECT_EQ(find_route("/v1/nothing"), nullptr);
  EXPECT_EQ(route_spec(Route::kStatus).method, "GET");
  EXPECT_EQ(route_spec(Route::kSnapshot).method, "POST");
}

TEST(AdminApi, SnapshotRequestRoundTrips) {
  auto r = parse_snapshot_request(to_json(SnapshotRequest{"/state/snapshots/.x/0001.rdb"}));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->path, "/state/snapshots/.x/0001.rdb");
}

TEST(AdminApi, AWrongTypedPathIsAnErrorNotACrash) {
  // The issue's example: it ended the daemon with nlohmann::json::type_error.
  auto r = parse_snapshot_request(R"({"path": 1})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, kBadAdminRequest);
  EXPECT_EQ(r.error().message,
            "\"path\" must be a string; send {\"path\": \"/absolute/path/of/the/rdb\"}");
  for (const char* body : {R"({"path": null})", R"({"path": ["/x"]})", R"({"path": {"a": 1}})",
                           R"({"path": true})", R"({"path": 1.5})"})
    EXPECT_FALSE(parse_snapshot_request(body)) << body;
}

TEST(AdminApi, MissingExtraAndHugeMembersAreErrors) {
  EXPECT_EQ(why(check_request_body(Route::kSnapshot, "{}")),
            "\"path\" is missing; send {\"path\": \"/absolute/path/of/the/rdb\"}");
  EXPECT_EQ(why(check_request_body(Route::kSnapshot, R"({"path": "/x", "mode": "fast"})")),
            "unknown member \"mode\"; send {\"path\": \"/absolute/path/of/the/rdb\"}");
  EXPECT_EQ(why(check_request_body(Route::kSnapshot, R"({"path": "relative"})")),
            "\"path\" must be an absolute path; send {\"path\": \"/absolute/path/of/the/rdb\"}");
  std::string huge = "{\"path\": \"/" + std::string(100000, 'a') + "\"}";
  EXPECT_EQ(why(check_request_body(Route::kSnapshot, huge)), "\"path\" is longer than 4096 bytes");
  EXPECT_EQ(why(check_request_body(Route::kSnapshot, "")),
            "the body is not JSON; send {\"path\": \"/absolute/path/of/the/rdb\"}");
  EXPECT_EQ(why(check_request_body(Route::kSnapshot, "[1]")),
            "the body is not a JSON object; send {\"path\": \"/absolute/path/of/the/rdb\"}");
}

TEST(AdminApi, ConfigRequestIsChecked) {
  auto ok = parse_config_request(R"({"parameters": {"maxmemory-policy": "allkeys-lru"}})");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->parameters.at("maxmemory-policy"), "allkeys-lru");
  EXPECT_EQ(
      parse_config_request(to_json(ConfigRequest{{{"timeout", "5"}}}))->parameters.at("timeout"),
      "5");
  EXPECT_EQ(why(check_request_body(Route::kConfig, R"({"parameters": {"timeout": 5}})")),
            "the value of timeout must be a string; send {\"parameters\": {\"name\": \"value\", "
            "...}}");
  EXPECT_EQ(why(check_request_body(Route::kConfig, R"({"parameters": []})")),
            "\"parameters\" must be an object; send {\"parameters\": {\"name\": \"value\", ...}}");
  EXPECT_EQ(why(check_request_body(Route::kConfig, R"({"parameters": {}})")),
            "\"parameters\" is empty");
  EXPECT_EQ(why(check_request_body(Route::kConfig, R"({"parameters": {"DIR x": "/"}})")),
            "parameter name \"DIR x\" may only hold a-z, 0-9, '-' and '_'");
  EXPECT_EQ(why(check_request_body(Route::kConfig, R"({"parameters": {"a": "b"}, "x": 1})")),
            "unknown member \"x\"; send {\"parameters\": {\"name\": \"value\", ...}}");
  std::string many = "{\"parameters\": {";
  for (int i = 0; i < 300; ++i)
    many += (i ? "," : "") + std::string("\"p") + std::to_string(i) + "\": \"v\"";
  many += "}}";
  EXPECT_EQ(why(check_request_body(Route::kConfig, many)), "more than 256 parameters");
  std::string long_value = "{\"parameters\": {\"timeout\": \"" + std::string(5000, '1') + "\"}}";
  EXPECT_EQ(why(check_request_body(Route::kConfig, long_value)),
            "the value of timeout is longer than 4096 bytes");
}

TEST(AdminApi, RoutesWithoutABodyTakeNothingOrAnEmptyObject) {
  for (auto r :
       {Route::kStatus, Route::kMemory, Route::kReboot, Route::kModify, Route::kShutdown}) {
    EXPECT_EQ(why(check_request_body(r, "")), "accepted");
    EXPECT_EQ(why(check_request_body(r, "{}")), "accepted");
    EXPECT_EQ(why(check_request_body(r, R"({"force": true})")),
              "unknown member \"force\"; send no body (or {})");
    EXPECT_EQ(why(check_request_body(r, "nonsense")), "the body is not JSON; send no body (or {})");
  }
}

TEST(AdminApi, StatusChangeRequestIsChecked) {
  auto r = parse_status_change_request(to_json(StatusChangeRequest{"creating", 500}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->from, "creating");
  EXPECT_EQ(r->wait_ms, 500);
  EXPECT_EQ(
      why(check_request_body(Route::kStatusChange, R"({"from": "creating"})")),
      "\"from\" and \"wait_ms\" are needed; send {\"from\": \"creating\", \"wait_ms\": 1000}");
  EXPECT_EQ(why(check_request_body(Route::kStatusChange, R"({"from": 1, "wait_ms": 5})")),
            "\"from\" must be a string; send {\"from\": \"creating\", \"wait_ms\": 1000}");
  EXPECT_EQ(why(check_request_body(Route::kStatusChange, R"({"from": "x", "wait_ms": 1.5})")),
            "\"wait_ms\" must be an integer; send {\"from\": \"creating\", \"wait_ms\": 1000}");
  EXPECT_EQ(why(check_request_body(Route::kStatusChange, R"({"from": "x", "wait_ms": 60001})")),
            "\"wait_ms\" must be 0 to 60000");
  EXPECT_EQ(why(check_request_body(Route::kStatusChange, R"({"from": "x", "wait_ms": -1})")),
            "\"wait_ms\" must be 0 to 60000");
  EXPECT_EQ(why(check_request_body(Route::kStatusChange, R"({"from": "", "wait_ms": 1})")),
            "\"from\" must have 1 to 64 characters");
}

TEST(AdminApi, DeepNestingIsRefusedBeforeParsing) {
  std::string deep = "{\"path\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_EQ(why(check_request_body(Route::kSnapshot, deep)),
            "the body is nested too deeply; send {\"path\": \"/absolute/path/of/the/rdb\"}");
  // Brackets inside strings do not count.
  EXPECT_TRUE(parse_snapshot_request("{\"path\": \"/" + std::string(100, '[') + "\"}"));
}

TEST(AdminApi, TextThatIsNotUtf8NeverThrowsWhenWritten) {
  // A member name cut inside a multi-byte character, echoed in the message.
  std::string name = std::string(63, 'a') + "\xc3\xa9";
  auto r = parse_snapshot_request("{\"" + name + "\": 1}");
  ASSERT_FALSE(r);
  EXPECT_NO_THROW(to_json(ErrorResponse{r.error().message}));
  EXPECT_NO_THROW(to_json(ErrorResponse{"\xff\xfe bad"}));
  EXPECT_NO_THROW(to_json(SnapshotResponse{"/\xff", 1}));
}

TEST(AdminApi, ResponsesRoundTripAndBadOnesAreErrors) {
  StatusResponse s;
  s.cluster = "c";
  s.node = "0001";
  s.status = "available";
  s.engine.pid = 42;
  s.daemon.schedule_checks = 7;
  auto back = parse_status_response(to_json(s));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->status, "available");
  EXPECT_EQ(back->engine.pid, 42);
  EXPECT_EQ(back->daemon.schedule_checks, 7);
  EXPECT_FALSE(parse_status_response(R"({"status": 3})"));
  EXPECT_FALSE(parse_status_response("not json"));
  EXPECT_EQ(parse_memory_response(to_json(MemoryResponse{123}))->used_memory, 123);
  EXPECT_FALSE(parse_memory_response(R"({"used_memory": "lots"})"));
  EXPECT_EQ(parse_snapshot_response(to_json(SnapshotResponse{"/p", 9}))->size, 9);
  EXPECT_FALSE(parse_snapshot_response(R"({"path": "/p", "size": "9"})"));
  EXPECT_EQ(parse_config_response(to_json(ConfigResponse{{{"a", "b"}}}))->applied.at("a"), "b");
  EXPECT_EQ(parse_error_response(to_json(ErrorResponse{"no"}))->error, "no");
  EXPECT_FALSE(parse_error_response("{}"));
}

TEST(AdminApi, FailoverNamesANodeGroupOrNothing) {
  EXPECT_EQ(parse_failover_request("")->node_group, "");
  EXPECT_EQ(parse_failover_request("{}")->node_group, "");
  EXPECT_EQ(parse_failover_request(to_json(FailoverRequest{"0002"}))->node_group, "0002");
  for (const char* bad : {R"({"node_group": 2})", R"({"node_group": "2"})",
                          R"({"node_group": "0002", "x": 1})", R"({"node_group": "00a2"})"})
    EXPECT_TRUE(check_request_body(Route::kFailover, bad).has_value()) << bad;
}

TEST(AdminApi, AClusterReportRidesInTheGroupDaemonsStatus) {
  StatusResponse s;
  s.status = "available";
  ClusterReport r;
  r.layout_version = 7;
  r.converged = true;
  r.healthy = false;
  r.progress = 62.5;
  r.activity = "12 slots to migrate";
  r.shards = {{"0001", "0-8191", "g-0001-001", {"g-0001-002"}}, {"0002", "", "", {}}};
  s.cluster_report = r;
  auto back = parse_status_response(to_json(s));
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_TRUE(back->cluster_report);
  EXPECT_EQ(back->cluster_report->layout_version, 7);
  EXPECT_TRUE(back->cluster_report->converged);
  EXPECT_FALSE(back->cluster_report->healthy);
  EXPECT_EQ(back->cluster_report->progress, 62.5);
  EXPECT_EQ(back->cluster_report->activity, "12 slots to migrate");
  ASSERT_EQ(back->cluster_report->shards.size(), 2u);
  EXPECT_EQ(back->cluster_report->shards[0].replicas, std::vector<std::string>{"g-0001-002"});
  EXPECT_FALSE(parse_status_response(R"({"status": "available"})")->cluster_report);
  EXPECT_FALSE(parse_cluster_report(R"({"converged": true})").ok());
  EXPECT_FALSE(parse_cluster_report(
                   R"({"layout_version": 1, "converged": true, "healthy": true, "shards": [3]})")
                   .ok());
}

}  // namespace
}  // namespace cachectl::core::admin
