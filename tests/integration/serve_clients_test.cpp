// cachectl serve with the real clients: aws-cli (create, describe, modify,
// reboot, delete, snapshots, parameter groups, events, both waiters, paging),
// boto3 (a paginator, a modeled exception) and redis-cli on the endpoint
// aws-cli prints. Every document aws-cli prints from the server is compared
// with cachectl's for the same request: on the same resource exactly; for a
// request that makes or changes something, on a twin made by cachectl with
// the same request, where only the ids and the times each was made at differ.
#include <ctime>
#include <filesystem>
#include <fstream>

#include "tests/integration/serve_fixture.h"

namespace cachectl::testing {
namespace {

using nlohmann::json;

// A daily snapshot window that does not hold the test's minute (UTC), nor
// touch the maintenance windows below (03:00-04:00): one that held it
// would start an automatic backup in one twin and not the other
// ("snapshotting" vs "available"), as it did at 05:10 UTC.
std::string snapshot_window_away_from_now() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  return utc.tm_hour >= 4 && utc.tm_hour < 7 ? "17:00-18:00" : "05:00-06:00";
}

// The same cluster request for both twins; windows and zone are given, as
// cachectl would otherwise derive them from the id.
std::vector<std::string> create_args(const std::string& id) {
  return {"create-cache-cluster",
          "--cache-cluster-id",
          id,
          "--engine",
          "redis",
          "--cache-node-type",
          "cache.t3.micro",
          "--num-cache-nodes",
          "1",
          "--preferred-availability-zone",
          "us-east-1b",
          "--preferred-maintenance-window",
          "mon:03:00-mon:04:00",
          "--snapshot-window",
          snapshot_window_away_from_now(),
          "--snapshot-retention-limit",
          "1",
          "--tags",
          "Key=team,Value=cache"};
}

json document(const RunResult& r, const std::string& what) {
  EXPECT_EQ(r.exit_code, 0) << what << " failed: " << r.err << r.out;
  if (r.exit_code != 0 || r.out.empty()) return json();
  return json::parse(r.out, nullptr, false);
}

class ServeClients : public ServeTest {
 protected:
  // aws elasticache OP ARGS --output json, and cachectl OP ARGS, both documents.
  std::pair<json, json> both(const std::vector<std::string>& served,
                             const std::vector<std::string>& direct) {
    std::vector<std::string> a = {"elasticache"};
    a.insert(a.end(), served.begin(), served.end());
    a.insert(a.end(), {"--output", "json"});
    json s = document(aws(a), "aws " + served[0]);
    json d = document(cli(direct), "cachectl " + direct[0]);
    return {s, d};
  }
  // The same request to the same resources: the same document.
  void same(const std::vector<std::string>& request) {
    auto [s, d] = both(request, request);
    expect_same_document(request[0], s, d);
  }
};

TEST_F(ServeClients, AwsCliAndCachectlPrintTheSameDocuments) {
  start_server();
  const std::vector<std::pair<std::string, std::string>> twins = {
      {"served1", "direct1"}, {"snap-s", "snap-d"}, {"pg-s", "pg-d"}};

  // create + wait cache-cluster-available, through the server and directly.
  auto [created_s, created_d] = both(create_args("served1"), create_args("direct1"));
  expect_twin_documents("create-cache-cluster", created_s, created_d, twins);
  RunResult w =
      aws({"elasticache", "wait", "cache-cluster-available", "--cache-cluster-id", "served1"});
  ASSERT_EQ(w.exit_code, 0) << w.err;
  ASSERT_EQ(cli({"wait", "cache-cluster-available", "--cache-cluster-id", "direct1"}).exit_code, 0);

  // describe: one cluster with its nodes, then all of them (one page).
  same({"describe-cache-clusters", "--cache-cluster-id", "served1", "--show-cache-node-info"});
  same({"describe-cache-clusters", "--show-cache-node-info"});

  // The endpoint aws-cli prints answers redis-cli; both twins get one key.
  json described = document(aws({"elasticache", "describe-cache-clusters", "--cache-cluster-id",
                                 "served1", "--show-cache-node-info", "--output", "json"}),
                            "describe");
  ASSERT_TRUE(described.is_object());
  const json& endpoint = described["CacheClusters"][0]["CacheNodes"][0]["Endpoint"];
  RunResult set = redis_cli(endpoint["Address"], endpoint["Port"], {"SET", "k", "v"});
  EXPECT_EQ(set.out, "OK\n") << set.err;
  EXPECT_EQ(redis_cli(endpoint["Address"], endpoint["Port"], {"GET", "k"}).out, "v\n");
  json direct_described = document(
      cli({"describe-cache-clusters", "--cache-cluster-id", "direct1", "--show-cache-node-info"}),
      "describe");
  const json& direct_endpoint = direct_described["CacheClusters"][0]["CacheNodes"][0]["Endpoint"];
  redis_cli(direct_endpoint["Address"], direct_endpoint["Port"], {"SET", "k", "v"});

  // modify, reboot (and the waiter again), events.
  auto [modified_s, modified_d] =
      both({"modify-cache-cluster", "--cache-cluster-id", "served1", "--snapshot-retention-limit",
            "3", "--preferred-maintenance-window", "tue:03:00-tue:04:00", "--apply-immediately"},
           {"modify-cache-cluster", "--cache-cluster-id", "direct1", "--snapshot-retention-limit",
            "3", "--preferred-maintenance-window", "tue:03:00-tue:04:00", "--apply-immediately"});
  expect_twin_documents("modify-cache-cluster", modified_s, modified_d, twins);
  auto [rebooted_s, rebooted_d] = both({"reboot-cache-cluster", "--cache-cluster-id", "served1",
                                        "--cache-node-ids-to-reboot", "0001"},
                                       {"reboot-cache-cluster", "--cache-cluster-id", "direct1",
                                        "--cache-node-ids-to-reboot", "0001"});
  expect_twin_documents("reboot-cache-cluster", rebooted_s, rebooted_d, twins);
  w = aws({"elasticache", "wait", "cache-cluster-available", "--cache-cluster-id", "served1"});
  ASSERT_EQ(w.exit_code, 0) << w.err;
  ASSERT_EQ(cli({"wait", "cache-cluster-available", "--cache-cluster-id", "direct1"}).exit_code, 0);
  same({"describe-events", "--source-type", "cache-cluster", "--source-identifier", "served1"});
  same({"describe-events", "--duration", "60"});

  // Snapshots: create, describe, copy, delete.
  auto [snap_s, snap_d] =
      both({"create-snapshot", "--cache-cluster-id", "served1", "--snapshot-name", "snap-s"},
           {"create-snapshot", "--cache-cluster-id", "direct1", "--snapshot-name", "snap-d"});
  expect_twin_documents("create-snapshot", snap_s, snap_d, twins);
  same({"describe-snapshots", "--snapshot-name", "snap-s"});
  same({"describe-snapshots", "--show-node-group-config"});
  auto [copy_s, copy_d] = both({"copy-snapshot", "--source-snapshot-name", "snap-s",
                                "--target-snapshot-name", "snap-s-copy"},
                               {"copy-snapshot", "--source-snapshot-name", "snap-d",
                                "--target-snapshot-name", "snap-d-copy"});
  expect_twin_documents("copy-snapshot", copy_s, copy_d, twins);
  auto [deleted_snap_s, deleted_snap_d] =
      both({"delete-snapshot", "--snapshot-name", "snap-s-copy"},
           {"delete-snapshot", "--snapshot-name", "snap-d-copy"});
  expect_twin_documents("delete-snapshot", deleted_snap_s, deleted_snap_d, twins);

  // Parameter groups: create, modify, describe (paged by aws-cli: 20 a
  // page), reset, delete (no document either way).
  auto [pg_s, pg_d] = both({"create-cache-parameter-group", "--cache-parameter-group-name", "pg-s",
                            "--cache-parameter-group-family", "redis7", "--description", "tests"},
                           {"create-cache-parameter-group", "--cache-parameter-group-name", "pg-d",
                            "--cache-parameter-group-family", "redis7", "--description", "tests"});
  expect_twin_documents("create-cache-parameter-group", pg_s, pg_d, twins);
  auto [pgm_s, pgm_d] =
      both({"modify-cache-parameter-group", "--cache-parameter-group-name", "pg-s",
            "--parameter-name-values", "ParameterName=maxmemory-policy,ParameterValue=allkeys-lru",
            "ParameterName=timeout,ParameterValue=30"},
           {"modify-cache-parameter-group", "--cache-parameter-group-name", "pg-d",
            "--parameter-name-values", "ParameterName=maxmemory-policy,ParameterValue=allkeys-lru",
            "ParameterName=timeout,ParameterValue=30"});
  expect_twin_documents("modify-cache-parameter-group", pgm_s, pgm_d, twins);
  same({"describe-cache-parameters", "--cache-parameter-group-name", "pg-s", "--page-size", "20"});
  same({"describe-cache-parameters", "--cache-parameter-group-name", "pg-s", "--source", "user"});
  same({"describe-cache-parameter-groups", "--cache-parameter-group-name", "pg-s"});
  same({"describe-engine-default-parameters", "--cache-parameter-group-family", "redis7"});
  same({"describe-cache-engine-versions", "--engine", "redis"});
  same({"list-allowed-node-type-modifications", "--cache-cluster-id", "served1"});
  auto [reset_s, reset_d] = both({"reset-cache-parameter-group", "--cache-parameter-group-name",
                                  "pg-s", "--reset-all-parameters"},
                                 {"reset-cache-parameter-group", "--cache-parameter-group-name",
                                  "pg-d", "--reset-all-parameters"});
  expect_twin_documents("reset-cache-parameter-group", reset_s, reset_d, twins);
  RunResult pg_deleted =
      aws({"elasticache", "delete-cache-parameter-group", "--cache-parameter-group-name", "pg-s"});
  RunResult pg_deleted_d =
      cli({"delete-cache-parameter-group", "--cache-parameter-group-name", "pg-d"});
  EXPECT_EQ(pg_deleted.exit_code, 0) << pg_deleted.err;
  EXPECT_EQ(pg_deleted.out, pg_deleted_d.out);
  EXPECT_EQ(pg_deleted.out, "");

  // delete + wait cache-cluster-deleted; then the error both print alike.
  auto [deleted_s, deleted_d] = both({"delete-cache-cluster", "--cache-cluster-id", "served1",
                                      "--final-snapshot-identifier", "snap-s-final"},
                                     {"delete-cache-cluster", "--cache-cluster-id", "direct1",
                                      "--final-snapshot-identifier", "snap-d-final"});
  expect_twin_documents("delete-cache-cluster", deleted_s, deleted_d,
                        {{"served1", "direct1"}, {"snap-s-final", "snap-d-final"}});
  w = aws({"elasticache", "wait", "cache-cluster-deleted", "--cache-cluster-id", "served1"});
  EXPECT_EQ(w.exit_code, 0) << w.err;
  ASSERT_EQ(cli({"wait", "cache-cluster-deleted", "--cache-cluster-id", "direct1"}).exit_code, 0);
  RunResult missing_s =
      aws({"elasticache", "describe-cache-clusters", "--cache-cluster-id", "served1"});
  RunResult missing_d = cli({"describe-cache-clusters", "--cache-cluster-id", "served1"});
  // The same message; aws-cli v1 exits 255 for any service error, cachectl
  // 254 as aws-cli v2 does (DESIGN.md).
  EXPECT_EQ(missing_s.exit_code, 255);
  EXPECT_EQ(missing_d.exit_code, 254);
  EXPECT_EQ(missing_s.err, missing_d.err);
  EXPECT_NE(missing_s.err.find("(CacheClusterNotFound)"), std::string::npos) << missing_s.err;
  same({"describe-snapshots"});
}

// The `aws` program itself (not the runner), and boto3: a paginator over
// pages the server cut at its Marker, and a modeled exception.
TEST_F(ServeClients, TheAwsProgramAndBoto3) {
  start_server();
  ASSERT_EQ(cli(create_args("direct1")).exit_code, 0);
  RunResult w = aws_program(
      {"elasticache", "wait", "cache-cluster-available", "--cache-cluster-id", "direct1"});
  EXPECT_EQ(w.exit_code, 0) << w.err;
  RunResult d = aws_program({"elasticache", "describe-cache-clusters", "--cache-cluster-id",
                             "direct1", "--output", "json"});
  expect_same_document(
      "describe-cache-clusters (aws)", document(d, "aws"),
      document(cli({"describe-cache-clusters", "--cache-cluster-id", "direct1"}), "cachectl"));

  RunResult py = python("serve_boto3_client.py");
  ASSERT_EQ(py.exit_code, 0) << py.out << py.err;
  json result = json::parse(py.out, nullptr, false);
  ASSERT_TRUE(result.is_object()) << py.out;
  // More than one page, and together what cachectl lists.
  EXPECT_GE(result["pages"].get<int>(), 2);
  json all =
      document(cli({"describe-cache-parameters", "--cache-parameter-group-name", "default.redis7"}),
               "cachectl");
  std::vector<std::string> names;
  for (const auto& p : all["Parameters"]) names.push_back(p["ParameterName"]);
  EXPECT_EQ(result["parameter_names"].get<std::vector<std::string>>(), names);
  EXPECT_EQ(result["clusters"].get<std::vector<std::string>>(),
            std::vector<std::string>{"direct1"});
  EXPECT_EQ(result["not_found"], "CacheClusterNotFound");
  EXPECT_EQ(result["http_status"], 404);
}

}  // namespace
}  // namespace cachectl::testing
