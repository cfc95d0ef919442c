// The command line's input boundary against the real binary: values the
// model does not allow exit 252 before anything is written or started;
// hostile JSON and tokens get errors, never a crash; --debug prints the
// request as parsed, on one JSON line.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/integration/harness.h"

namespace cachectl::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class InputBoundary : public CachectlTest {
 protected:
  // Nothing of a cluster anywhere: no record, no process, no address claim.
  void expect_nothing_written() {
    std::vector<std::string> entries;
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(home_, ec))
      if (e.is_regular_file(ec) && e.path().string().find("clusters") != std::string::npos)
        entries.push_back(e.path().string());
    EXPECT_TRUE(entries.empty()) << entries.front();
    EXPECT_TRUE(running_pids().empty());
    EXPECT_TRUE(processes_mentioning(home_).empty());
    RunResult described = cachectl({"describe-cache-clusters"});
    if (described.exit_code == 0) {
      EXPECT_TRUE(described.json()["CacheClusters"].empty()) << described.out;
    }
  }

  // The --debug line of a run's stderr, parsed.
  static json debug_line(const RunResult& r) {
    std::istringstream lines(r.err);
    for (std::string line; std::getline(lines, line);)
      if (line.rfind("{\"debug\":\"request\"", 0) == 0) return json::parse(line);
    ADD_FAILURE() << "no --debug request line in:\n" << r.err;
    return json();
  }
};

TEST_F(InputBoundary, IntegersThatWrapAroundAreRefusedAndNothingIsCreated) {
  // The issue's example: this created 1 node on port 6380 with a limit of 5.
  RunResult r =
      cachectl({"create-cache-cluster", "--cache-cluster-id", "wrapped", "--engine", "redis",
                "--cache-node-type", "cache.t3.small", "--num-cache-nodes", "4294967297", "--port",
                "4294973676", "--snapshot-retention-limit", "4294967301"});
  EXPECT_EQ(r.exit_code, 252) << r.out << r.err;
  EXPECT_NE(r.err.find("Parameter validation failed:"), std::string::npos) << r.err;
  for (const char* member : {"NumCacheNodes, value: 4294967297", "Port, value: 4294973676",
                             "SnapshotRetentionLimit, value: 4294967301"})
    EXPECT_NE(r.err.find(member), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  expect_nothing_written();
}

TEST_F(InputBoundary, OutOfRangeValuesFromJsonAndShorthandToo) {
  RunResult json_input = cachectl(
      {"create-cache-cluster", "--cli-input-json",
       R"({"CacheClusterId": "wrapped", "Engine": "redis", "NumCacheNodes": 4294967297})"});
  EXPECT_EQ(json_input.exit_code, 252) << json_input.err;
  EXPECT_NE(json_input.err.find("NumCacheNodes, value: 4294967297"), std::string::npos);
  RunResult paging = cachectl({"describe-cache-clusters", "--max-items", "4294967297"});
  EXPECT_EQ(paging.exit_code, 252) << paging.err;
  EXPECT_NE(paging.err.find("argument --max-items: invalid int value"), std::string::npos);
  expect_nothing_written();
}

TEST_F(InputBoundary, DeeplyNestedCliInputJsonIsAnErrorNotACrash) {
  // It ended with SIGSEGV (exit 139).
  std::string file = home_ + "/deep.json";
  {
    std::ofstream out(file);
    out << R"({"CacheClusterId": "deep", "Tags": )" << std::string(100000, '[')
        << std::string(100000, ']') << "}";
  }
  RunResult r = cachectl({"create-cache-cluster", "--cli-input-json", "file://" + file});
  EXPECT_EQ(r.exit_code, 252) << r.err.substr(0, 2000);
  EXPECT_NE(r.err.find("nested deeper than 64 levels"), std::string::npos) << r.err.substr(0, 2000);
  expect_nothing_written();
}

TEST_F(InputBoundary, DebugPrintsTheParsedRequestOnOneJsonLine) {
  RunResult r = cachectl({"--debug", "modify-cache-parameter-group", "--cache-parameter-group-name",
                          "no-such-group", "--parameter-name-values",
                          "ParameterName = 'maxmemory-policy', ParameterValue=\"allkeys-lru\"",
                          "ParameterName=timeout,ParameterValue="});
  EXPECT_EQ(r.exit_code, 254) << r.err;  // the group does not exist: the call was made
  json line = debug_line(r);
  EXPECT_EQ(line, json::parse(R"({"debug": "request", "operation": "ModifyCacheParameterGroup",
      "parameters": {"CacheParameterGroupName": "no-such-group", "ParameterNameValues": [
        {"ParameterName": "maxmemory-policy", "ParameterValue": "allkeys-lru"},
        {"ParameterName": "timeout", "ParameterValue": ""}]}})"));

  // The last of --x / --no-x wins, as in aws-cli; paging options go beside the request.
  RunResult flags = cachectl({"modify-cache-cluster", "--cache-cluster-id", "no-such-cluster",
                              "--apply-immediately", "--no-apply-immediately", "--debug"});
  EXPECT_EQ(debug_line(flags)["parameters"],
            json::parse(R"({"CacheClusterId": "no-such-cluster", "ApplyImmediately": false})"));
  RunResult paged = cachectl({"--debug", "describe-cache-clusters", "--max-items", "3"});
  EXPECT_EQ(paged.exit_code, 0) << paged.err;
  EXPECT_EQ(debug_line(paged)["paging"], json::parse(R"({"MaxItems": 3})"));
  // Without --debug, nothing of it.
  RunResult quiet = cachectl({"describe-cache-clusters"});
  EXPECT_EQ(quiet.err.find("\"debug\""), std::string::npos) << quiet.err;
}

TEST_F(InputBoundary, AShorthandNameCannotSwallowTheNextKey) {
  RunResult r =
      cachectl({"modify-cache-parameter-group", "--cache-parameter-group-name", "default.redis7",
                "--parameter-name-values", "ParameterName=timeout,ParameterValue"});
  EXPECT_EQ(r.exit_code, 252) << r.err;
  EXPECT_NE(r.err.find("Invalid type for parameter ParameterNameValues[0].ParameterName, value: "
                       "[\"timeout\",\"ParameterValue\"]"),
            std::string::npos)
      << r.err;
}

TEST_F(InputBoundary, GarbageStartingTokensAreCleanErrors) {
  // base64 of {"Marker": {"x": 1}} and of 1,000 nested arrays, then plain garbage.
  std::string nested_json = "{\"Marker\": " + std::string(1000, '[') + std::string(1000, ']') + "}";
  RunResult b64 = run_program({"base64", "-w0"}, nested_json);
  ASSERT_EQ(b64.exit_code, 0);
  for (const std::string& token : {std::string("eyJNYXJrZXIiOiB7IngiOiAxfX0="), b64.out,
                                   std::string("a___b___c"), std::string("\xff\xfe___")}) {
    RunResult r = cachectl({"describe-cache-clusters", "--starting-token", token});
    // A service marker it may be (0, or the API's error); never a crash.
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 254 || r.exit_code == 255)
        << r.exit_code << r.err;
    if (r.exit_code == 255) {
      EXPECT_NE(r.err.find("Error during pagination: Bad starting token"), std::string::npos)
          << r.err;
    }
    EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
  }
  RunResult object =
      cachectl({"describe-cache-clusters", "--starting-token", "eyJNYXJrZXIiOiB7IngiOiAxfX0="});
  EXPECT_EQ(object.exit_code, 255) << object.err;
}

}  // namespace
}  // namespace cachectl::testing
