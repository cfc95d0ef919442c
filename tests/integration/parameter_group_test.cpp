// Cache parameter groups against real engines: changes to a group in use
// reach every node (immediate: CONFIG SET at once; requires-reboot: pending
// until the node reboots), the table's parameters are ones the installed
// engines accept, and every refused request changes nothing.
#include <filesystem>
#include <fstream>

#include "tests/integration/harness.h"

namespace cachectl::testing {
namespace {

using json = nlohmann::json;

class ParameterGroupTest : public CachectlTest {
 protected:
  std::string config_get(const std::pair<std::string, int>& ep, const std::string& name) {
    RunResult r = redis_admin_cli(ep.first, ep.second, {"CONFIG", "GET", name});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    // "name\nvalue\n"
    std::string out = r.out;
    auto nl = out.find('\n');
    if (nl == std::string::npos) return "<no reply: " + out + ">";
    std::string value = out.substr(nl + 1);
    if (!value.empty() && value.back() == '\n') value.pop_back();
    return value;
  }
  void create_group(const std::string& name, const std::string& family) {
    json g = ok("create-cache-parameter-group",
                {"--cache-parameter-group-name", name, "--cache-parameter-group-family", family,
                 "--description", "test group " + name});
    EXPECT_EQ(g["CacheParameterGroup"]["CacheParameterGroupName"], name);
    EXPECT_EQ(g["CacheParameterGroup"]["CacheParameterGroupFamily"], family);
  }
  json modify(const std::string& group, const std::string& name, const std::string& value) {
    return ok("modify-cache-parameter-group",
              {"--cache-parameter-group-name", group, "--parameter-name-values",
               "ParameterName=" + name + ",ParameterValue=" + value});
  }
  json cluster(const std::string& id) {
    return ok("describe-cache-clusters",
              {"--cache-cluster-id", id, "--show-cache-node-info"})["CacheClusters"][0];
  }
  // The user-set parameters of a group, as describe-cache-parameters shows them.
  json user_values(const std::string& group) {
    json out = json::object();
    json p = ok("describe-cache-parameters",
                {"--cache-parameter-group-name", group, "--source", "user"});
    for (const auto& x : p["Parameters"])
      out[x["ParameterName"].get<std::string>()] = x["ParameterValue"];
    return out;
  }
  void expect_error(const std::vector<std::string>& args, const std::string& code,
                    const std::string& mention = "") {
    RunResult r = cachectl(args);
    EXPECT_EQ(r.exit_code, 254) << r.out << r.err;
    EXPECT_NE(r.err.find(code), std::string::npos) << r.err;
    if (!mention.empty()) {
      EXPECT_NE(r.err.find(mention), std::string::npos) << r.err;
    }
  }
};

TEST_F(ParameterGroupTest, ImmediateChangeReachesEveryNodeOfEveryClusterUsingTheGroup) {
  create_group("shared", "redis7");
  auto a = create_redis("alpha", {"--cache-parameter-group-name", "shared"});
  auto b = create_redis("beta", {"--cache-parameter-group-name", "Shared"});
  auto other = create_redis("other");
  EXPECT_EQ(config_get(a, "maxmemory-policy"), "volatile-lru");
  EXPECT_EQ(cluster("beta")["CacheParameterGroup"]["CacheParameterGroupName"], "shared");

  json m = modify("shared", "maxmemory-policy", "allkeys-lru");
  EXPECT_EQ(m["CacheParameterGroupName"], "shared");
  // The command returns once every node has the value: no waiting.
  EXPECT_EQ(config_get(a, "maxmemory-policy"), "allkeys-lru");
  EXPECT_EQ(config_get(b, "maxmemory-policy"), "allkeys-lru");
  EXPECT_EQ(config_get(other, "maxmemory-policy"), "volatile-lru");
  EXPECT_EQ(cluster("alpha")["CacheParameterGroup"]["ParameterApplyStatus"], "in-sync");
  EXPECT_EQ(user_values("shared"), (json{{"maxmemory-policy", "allkeys-lru"}}));

  // Reset goes back to the default on the engines too.
  ok("reset-cache-parameter-group", {"--cache-parameter-group-name", "shared",
                                     "--parameter-name-values", "ParameterName=maxmemory-policy"});
  EXPECT_EQ(config_get(a, "maxmemory-policy"), "volatile-lru");
  EXPECT_EQ(config_get(b, "maxmemory-policy"), "volatile-lru");
  EXPECT_EQ(user_values("shared"), json::object());
}

TEST_F(ParameterGroupTest, RequiresRebootParameterIsPendingUntilTheNodeReboots) {
  create_group("dbs", "redis7");
  auto ep = create_redis("r", {"--cache-parameter-group-name", "dbs"});
  modify("dbs", "databases", "32");
  json c = cluster("r");
  EXPECT_EQ(c["CacheParameterGroup"]["ParameterApplyStatus"], "pending-reboot");
  EXPECT_EQ(c["CacheParameterGroup"]["CacheNodeIdsToReboot"], json::array({"0001"}));
  EXPECT_EQ(c["CacheNodes"][0]["ParameterGroupStatus"], "pending-reboot");
  EXPECT_EQ(config_get(ep, "databases"), "16");

  ok("reboot-cache-cluster", {"--cache-cluster-id", "r", "--cache-node-ids-to-reboot", "0001"});
  RunResult w = cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "r"});
  ASSERT_EQ(w.exit_code, 0) << w.err;
  EXPECT_EQ(config_get(ep, "databases"), "32");
  c = cluster("r");
  EXPECT_EQ(c["CacheParameterGroup"]["ParameterApplyStatus"], "in-sync");
  EXPECT_EQ(c["CacheParameterGroup"]["CacheNodeIdsToReboot"], json::array());
  EXPECT_EQ(c["CacheNodes"][0]["ParameterGroupStatus"], "in-sync");
}

TEST_F(ParameterGroupTest, RefusedRequestsChangeNothing) {
  create_group("g", "redis7");
  create_group("mc", "memcached1.6");
  auto ep = create_redis("r", {"--cache-parameter-group-name", "g"});
  modify("g", "timeout", "300");
  const std::string g = "--cache-parameter-group-name";
  expect_error({"modify-cache-parameter-group", g, "g", "--parameter-name-values",
                "ParameterName=maxmemory-policy,ParameterValue=sometimes"},
               "InvalidParameterValue", "maxmemory-policy");
  // One bad value among good ones: none is applied.
  expect_error({"modify-cache-parameter-group", g, "g", "--parameter-name-values",
                "ParameterName=maxmemory-policy,ParameterValue=allkeys-lru",
                "ParameterName=timeout,ParameterValue=5"},
               "InvalidParameterValue", "timeout");
  expect_error({"modify-cache-parameter-group", g, "g", "--parameter-name-values",
                "ParameterName=no-such-thing,ParameterValue=1"},
               "InvalidParameterValue", "no-such-thing");
  expect_error({"modify-cache-parameter-group", g, "g", "--parameter-name-values",
                "ParameterName=lua-time-limit,ParameterValue=5000"},
               "InvalidParameterValue", "lua-time-limit");
  expect_error({"modify-cache-parameter-group", g, "default.redis7", "--parameter-name-values",
                "ParameterName=timeout,ParameterValue=60"},
               "InvalidCacheParameterGroupState");
  expect_error({"reset-cache-parameter-group", g, "default.redis7", "--reset-all-parameters"},
               "InvalidCacheParameterGroupState");
  expect_error({"modify-cache-parameter-group", g, "nope", "--parameter-name-values",
                "ParameterName=timeout,ParameterValue=60"},
               "CacheParameterGroupNotFound");
  expect_error({"delete-cache-parameter-group", g, "default.redis7"},
               "InvalidCacheParameterGroupState");
  expect_error({"delete-cache-parameter-group", g, "g"}, "InvalidCacheParameterGroupState", "r");
  expect_error({"create-cache-parameter-group", g, "G", "--cache-parameter-group-family", "redis7",
                "--description", "again"},
               "CacheParameterGroupAlreadyExists");
  expect_error({"create-cache-parameter-group", g, "x", "--cache-parameter-group-family", "redis9",
                "--description", "d"},
               "InvalidParameterValue", "redis9");
  expect_error({"create-cache-parameter-group", g, "bad--name", "--cache-parameter-group-family",
                "redis7", "--description", "d"},
               "InvalidParameterValue");
  expect_error({"describe-cache-parameters", g, "g", "--source", "mine"}, "InvalidParameterValue");
  expect_error({"describe-engine-default-parameters", "--cache-parameter-group-family", "redis2.6"},
               "InvalidParameterValue");
  expect_error({"create-cache-cluster", "--cache-cluster-id", "wrong", "--engine", "redis",
                "--cache-node-type", "cache.t3.micro", g, "mc"},
               "InvalidParameterCombination");
  expect_error({"create-cache-cluster", "--cache-cluster-id", "wrong", "--engine", "redis",
                "--cache-node-type", "cache.t3.micro", g, "none"},
               "CacheParameterGroupNotFound");

  EXPECT_EQ(user_values("g"), (json{{"timeout", "300"}}));
  EXPECT_EQ(user_values("default.redis7"), json::object());
  EXPECT_EQ(config_get(ep, "maxmemory-policy"), "volatile-lru");
  EXPECT_EQ(config_get(ep, "timeout"), "300");
  json groups = ok("describe-cache-parameter-groups", {});
  std::vector<std::string> names;
  for (const auto& x : groups["CacheParameterGroups"])
    names.push_back(x["CacheParameterGroupName"].get<std::string>());
  EXPECT_EQ(names, (std::vector<std::string>{"default.memcached1.6", "default.redis7",
                                             "default.redis7.cluster.on", "g", "mc"}));
  EXPECT_EQ(cachectl({"describe-cache-clusters", "--cache-cluster-id", "wrong"}).exit_code, 254);

  // A hand-edited group file with a bad value is reported, not used.
  std::ofstream(home_ + "/parameter-groups/mc.toml")
      << "cache_parameter_group_name = 'mc'\ncache_parameter_group_family = 'memcached1.6'\n"
         "[parameters]\nchunk_size = 'big'\n";
  RunResult bad = cachectl({"describe-cache-parameters", g, "mc"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("chunk_size"), std::string::npos) << bad.err;
}

TEST_F(ParameterGroupTest, AValuePastRedissOwnBoundIsRefusedBeforeAnythingIsWritten) {
  create_group("big", "redis7");
  auto ep = create_redis("r", {"--cache-parameter-group-name", "big"});
  const std::string file = home_ + "/parameter-groups/big.toml";
  std::ifstream before_in(file);
  const std::string before((std::istreambuf_iterator<char>(before_in)), {});
  // ElastiCache allows "0-"; Redis's tcp-keepalive is an int.
  expect_error({"modify-cache-parameter-group", "--cache-parameter-group-name", "big",
                "--parameter-name-values", "ParameterName=tcp-keepalive,ParameterValue=2147483648"},
               "InvalidParameterValue", "2147483647");
  std::ifstream after_in(file);
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(after_in)), {}), before);
  EXPECT_EQ(user_values("big"), json::object());
  EXPECT_EQ(config_get(ep, "tcp-keepalive"), "300");
  EXPECT_EQ(cluster("r")["CacheParameterGroup"]["ParameterApplyStatus"], "in-sync");
  // The bound itself is Redis's too: it reaches the engine.
  modify("big", "tcp-keepalive", "2147483647");
  EXPECT_EQ(config_get(ep, "tcp-keepalive"), "2147483647");
}

TEST_F(ParameterGroupTest, EveryOperationPrintsTheModelShape) {
  create_group("shape", "redis7");
  create_group("shape-mc", "memcached1.6");
  ok("describe-cache-parameter-groups", {});
  ok("describe-cache-parameter-groups", {"--cache-parameter-group-name", "default.redis7"});
  // aws-cli's NextToken is not part of the model's shape: no shapecheck here.
  RunResult first = cachectl({"describe-cache-parameter-groups", "--max-items", "1"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  json page = first.json();
  EXPECT_EQ(page["CacheParameterGroups"].size(), 1u);
  EXPECT_TRUE(page.contains("NextToken"));
  for (std::string source : {"user", "system", "engine-default"})
    ok("describe-cache-parameters", {"--cache-parameter-group-name", "shape", "--source", source});
  json all = ok("describe-cache-parameters", {"--cache-parameter-group-name", "shape-mc"});
  EXPECT_GT(all["Parameters"].size(), 20u);
  json paged = ok("describe-cache-parameters", {"--cache-parameter-group-name", "shape",
                                                "--no-paginate", "--max-records", "20"});
  EXPECT_EQ(paged["Parameters"].size(), 20u);
  EXPECT_TRUE(paged.contains("Marker"));
  json next = ok("describe-cache-parameters",
                 {"--cache-parameter-group-name", "shape", "--no-paginate", "--max-records", "20",
                  "--marker", paged["Marker"].get<std::string>()});
  EXPECT_NE(next["Parameters"][0]["ParameterName"], paged["Parameters"][0]["ParameterName"]);
  for (std::string family : {"redis7", "memcached1.6"}) {
    // Paged as aws-cli pages it: only the result key (EngineDefaults.Parameters)
    // is kept; one call (--no-paginate) shows the whole EngineDefaults.
    json d = ok("describe-engine-default-parameters", {"--cache-parameter-group-family", family});
    EXPECT_GT(d["EngineDefaults"]["Parameters"].size(), 20u);
    json one = ok("describe-engine-default-parameters",
                  {"--cache-parameter-group-family", family, "--no-paginate"});
    EXPECT_EQ(one["EngineDefaults"]["CacheParameterGroupFamily"], family);
    EXPECT_EQ(one["EngineDefaults"]["Parameters"], d["EngineDefaults"]["Parameters"]);
  }
  ok("modify-cache-parameter-group",
     {"--cache-parameter-group-name", "shape-mc", "--parameter-name-values",
      "ParameterName=max_item_size,ParameterValue=2097152"});
  ok("reset-cache-parameter-group",
     {"--cache-parameter-group-name", "shape-mc", "--reset-all-parameters"});
  RunResult del =
      cachectl({"delete-cache-parameter-group", "--cache-parameter-group-name", "shape-mc"});
  EXPECT_EQ(del.exit_code, 0) << del.err;
  EXPECT_EQ(del.out, "");
  EXPECT_EQ(
      cachectl({"describe-cache-parameter-groups", "--cache-parameter-group-name", "shape-mc"})
          .exit_code,
      254);
}

// Every redis7 parameter that reaches the engine is one redis-server knows,
// starts with the table's default, and (immediate ones) can be set live.
TEST_F(ParameterGroupTest, RedisAcceptsEveryEngineParameterOfTheTable) {
  auto ep = create_redis("t");
  json d = ok("describe-engine-default-parameters", {"--cache-parameter-group-family", "redis7"});
  int engine_facing = 0;
  for (const auto& p : d["EngineDefaults"]["Parameters"]) {
    if (p["Source"] != "engine-default") continue;
    ++engine_facing;
    std::string name = p["ParameterName"].get<std::string>();
    EXPECT_EQ(config_get(ep, name), p["ParameterValue"].get<std::string>()) << name;
    if (p["ChangeType"] == "immediate" && p["IsModifiable"] == true) {
      RunResult r = redis_admin_cli(
          ep.first, ep.second, {"CONFIG", "SET", name, p["ParameterValue"].get<std::string>()});
      EXPECT_EQ(r.out, "OK\n") << name << ": " << r.out << r.err;
    }
  }
  EXPECT_GT(engine_facing, 40);
}

// The function modify-cache-cluster --cache-parameter-group-name calls.
TEST_F(ParameterGroupTest, MovingAClusterToAnotherGroupAppliesTheDifference) {
  auto ep = create_redis("mover");
  create_group("target", "redis7");
  create_group("mc", "memcached1.6");
  modify("target", "maxmemory-policy", "allkeys-lfu");
  modify("target", "databases", "8");

  // A bad group refuses the whole request: the other member is not applied.
  expect_error({"modify-cache-cluster", "--cache-cluster-id", "mover",
                "--cache-parameter-group-name", "nope", "--snapshot-retention-limit", "3"},
               "CacheParameterGroupNotFound");
  expect_error(
      {"modify-cache-cluster", "--cache-cluster-id", "mover", "--cache-parameter-group-name", "mc"},
      "InvalidParameterCombination");
  json c = cluster("mover");
  EXPECT_EQ(c["CacheParameterGroup"]["CacheParameterGroupName"], "default.redis7");
  EXPECT_EQ(c["SnapshotRetentionLimit"], 0);
  EXPECT_EQ(config_get(ep, "maxmemory-policy"), "volatile-lru");

  RunResult r = cachectl({"modify-cache-cluster", "--cache-cluster-id", "mover",
                          "--cache-parameter-group-name", "target"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_shape("modify-cache-cluster", r.out);
  EXPECT_EQ(config_get(ep, "maxmemory-policy"), "allkeys-lfu");
  c = cluster("mover");
  EXPECT_EQ(c["CacheParameterGroup"]["CacheParameterGroupName"], "target");
  EXPECT_EQ(c["CacheParameterGroup"]["ParameterApplyStatus"], "pending-reboot");
  EXPECT_EQ(config_get(ep, "databases"), "16") << "requires-reboot: not before the reboot";
  expect_error({"delete-cache-parameter-group", "--cache-parameter-group-name", "target"},
               "InvalidCacheParameterGroupState");

  ok("reboot-cache-cluster", {"--cache-cluster-id", "mover", "--cache-node-ids-to-reboot", "0001"});
  ASSERT_EQ(cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "mover"}).exit_code,
            0);
  EXPECT_EQ(config_get(ep, "databases"), "8");
  EXPECT_EQ(cluster("mover")["CacheParameterGroup"]["ParameterApplyStatus"], "in-sync");
}

// Memcached reads its options only at start: a group's values reach the
// command line of every node, and a change waits for each node's reboot.
TEST_F(ParameterGroupTest, MemcachedNodesStartWithTheGroupAndChangeAtTheirReboot) {
  create_group("mcgroup", "memcached1.6");
  modify("mcgroup", "chunk_size", "96");
  ok("create-cache-cluster",
     {"--cache-cluster-id", "mcp", "--engine", "memcached", "--cache-node-type", "cache.t3.micro",
      "--num-cache-nodes", "2", "--cache-parameter-group-name", "mcgroup"});
  ASSERT_EQ(cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "mcp"}).exit_code,
            0);
  auto settings = [&](const json& node) {
    RunResult r =
        run_program({"python3", "-c",
                     "import socket,sys\n"
                     "s=socket.create_connection((sys.argv[1],int(sys.argv[2])),timeout=5)\n"
                     "s.sendall(b'stats settings\\r\\n');d=b''\n"
                     "while not d.endswith(b'END\\r\\n'):\n"
                     "  c=s.recv(65536)\n"
                     "  if not c: break\n"
                     "  d+=c\n"
                     "print(d.decode())",
                     node["Endpoint"]["Address"].get<std::string>(),
                     std::to_string(node["Endpoint"]["Port"].get<int>())});
    return r.out;
  };
  json c = cluster("mcp");
  ASSERT_EQ(c["CacheNodes"].size(), 2u);
  for (const auto& n : c["CacheNodes"]) {
    std::string s = settings(n);
    EXPECT_NE(s.find("STAT chunk_size 96\r\n"), std::string::npos) << s;
    EXPECT_NE(s.find("STAT item_size_max 1048576\r\n"), std::string::npos) << s;
  }

  modify("mcgroup", "max_item_size", "2097152");
  c = cluster("mcp");
  EXPECT_EQ(c["CacheParameterGroup"]["ParameterApplyStatus"], "pending-reboot");
  EXPECT_EQ(c["CacheParameterGroup"]["CacheNodeIdsToReboot"], json({"0001", "0002"}));
  ok("reboot-cache-cluster", {"--cache-cluster-id", "mcp", "--cache-node-ids-to-reboot", "0002"});
  ASSERT_EQ(cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "mcp"}).exit_code,
            0);
  c = cluster("mcp");
  EXPECT_EQ(c["CacheParameterGroup"]["CacheNodeIdsToReboot"], json({"0001"}));
  for (const auto& n : c["CacheNodes"]) {
    std::string want = n["CacheNodeId"] == "0002" ? "2097152" : "1048576";
    std::string s = settings(n);
    EXPECT_NE(s.find("STAT item_size_max " + want + "\r\n"), std::string::npos)
        << n["CacheNodeId"] << "\n"
        << s;
  }
}

}  // namespace
}  // namespace cachectl::testing
