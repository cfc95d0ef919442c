// core/parameter_table.h and core/parameter_groups.h: the families' tables,
// value checks, group names, group files, and what reaches the engines.
#include "core/parameter_table.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <set>

#include "core/cluster.h"
#include "core/engines.h"
#include "core/parameter_groups.h"
#include "node/engine_config.h"

namespace cachectl::core {
namespace {

std::string ErrorOf(std::string_view family, std::string_view name, const std::string& value) {
  const ParameterSpec* spec = find_parameter(family, name);
  if (!spec) return "no such parameter";
  auto err = check_parameter_value(*spec, value);
  return err ? err->code + ": " + err->message : "";
}

TEST(ParameterTable, EveryDefaultIsAllowedAndNamesAreUnique) {
  for (const auto& family : known_parameter_families()) {
    std::set<std::string_view> names;
    for (const auto& p : *family_parameters(family)) {
      EXPECT_TRUE(names.insert(p.name).second) << family << " " << p.name;
      EXPECT_EQ(check_parameter_value(p, std::string(p.default_value)), std::nullopt)
          << family << " " << p.name;
      EXPECT_FALSE(p.description.empty()) << p.name;
    }
  }
  EXPECT_EQ(family_parameters("redis6.x"), nullptr);
}

TEST(ParameterTable, ValuesOutsideTheAllowedSetNameTheParameter) {
  EXPECT_EQ(ErrorOf("redis7", "maxmemory-policy", "allkeys-lru"), "");
  EXPECT_NE(ErrorOf("redis7", "maxmemory-policy", "sometimes").find("InvalidParameterValue"),
            std::string::npos);
  EXPECT_NE(ErrorOf("redis7", "maxmemory-policy", "sometimes").find("maxmemory-policy"),
            std::string::npos);
  EXPECT_EQ(ErrorOf("redis7", "timeout", "0"), "");
  EXPECT_EQ(ErrorOf("redis7", "timeout", "20"), "");
  EXPECT_NE(ErrorOf("redis7", "timeout", "5"), "");
  EXPECT_NE(ErrorOf("redis7", "timeout", "3x"), "");
  EXPECT_NE(ErrorOf("redis7", "timeout", ""), "");
  EXPECT_EQ(ErrorOf("redis7", "list-max-listpack-size", "-5"), "");
  EXPECT_NE(ErrorOf("redis7", "list-max-listpack-size", "-6"), "");
  EXPECT_EQ(ErrorOf("redis7", "active-defrag-cycle-max", "75"), "");
  EXPECT_NE(ErrorOf("redis7", "active-defrag-cycle-max", "76"), "");
  EXPECT_EQ(ErrorOf("redis7", "notify-keyspace-events", "KEA"), "");
  EXPECT_EQ(ErrorOf("redis7", "notify-keyspace-events", ""), "");
  EXPECT_NE(ErrorOf("redis7", "notify-keyspace-events", "KQ"), "");
  EXPECT_NE(ErrorOf("redis7", "activedefrag", "true"), "");
  EXPECT_EQ(ErrorOf("memcached1.6", "chunk_size_growth_factor", "1.5"), "");
  EXPECT_NE(ErrorOf("memcached1.6", "chunk_size_growth_factor", "2.5"), "");
  EXPECT_NE(ErrorOf("memcached1.6", "chunk_size_growth_factor", "abc"), "");
  EXPECT_NE(ErrorOf("memcached1.6", "cas_disabled", "2"), "");
  EXPECT_NE(ErrorOf("memcached1.6", "max_item_size", "1024"), "");
}

TEST(ParameterTable, OpenEndedRangesStopAtRedissOwnBounds) {
  // "0-" in ElastiCache's list; Redis's int configs stop at INT_MAX.
  for (std::string name : {"lfu-decay-time", "tcp-keepalive", "timeout", "maxmemory-samples",
                           "list-max-listpack-size", "min-replicas-to-write"}) {
    EXPECT_EQ(ErrorOf("redis7", name, "2147483647"), "") << name;
    std::string err = ErrorOf("redis7", name, "2147483648");
    EXPECT_NE(err.find("InvalidParameterValue"), std::string::npos) << name << ": " << err;
    EXPECT_NE(err.find(name), std::string::npos) << err;
    EXPECT_NE(err.find("2147483647"), std::string::npos) << err;
    EXPECT_NE(ErrorOf("redis7", name, "9223372036854775807"), "") << name;
  }
  // Its long long and size_t configs take whatever a long long holds, no more.
  EXPECT_EQ(ErrorOf("redis7", "repl-backlog-size", "9223372036854775807"), "");
  EXPECT_EQ(ErrorOf("redis7", "slowlog-max-len", "9223372036854775807"), "");
  EXPECT_NE(ErrorOf("redis7", "slowlog-max-len", "9223372036854775808"), "");
}

// The integers the table accepts for a parameter at its edges: each range's
// lower end and its upper end (or the engine's bound when it has none).
std::vector<long long> accepted_edges(const ParameterSpec& p) {
  std::vector<long long> out;
  std::string ranges(p.allowed);
  std::size_t start = 0;
  while (start <= ranges.size()) {
    std::size_t comma = ranges.find(',', start);
    std::string r = ranges.substr(start, comma == std::string::npos ? ranges.npos : comma - start);
    std::size_t dash = r.find('-', 1);
    out.push_back(std::stoll(r.substr(0, dash)));
    if (dash != std::string::npos) {
      std::string upper = r.substr(dash + 1);
      out.push_back(upper.empty() ? engine_integer_max(p) : std::stoll(upper));
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// redis-server's verdict on `--name value` pairs, without running a
// server: a made-up directive after them stops it at once, so when Redis's
// error names that directive, every pair before it was accepted.
std::string redis_verdict(const std::vector<std::pair<std::string, long long>>& settings) {
  std::string cmd = engine_binary("redis") + " --port 0";
  for (const auto& [name, value] : settings) cmd += " --" + name + " " + std::to_string(value);
  cmd += " --cachectl-test-end 1 2>&1";
  std::string out;
  if (FILE* f = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    ::pclose(f);
  }
  return out;
}

// Every integer the table lets through for a Redis parameter is one the
// installed redis-server reads, and one past an engine bound is refused by
// both (so the bounds are Redis's, not guesses).
TEST(ParameterTable, RedisReadsEveryIntegerTheTableAllows) {
  std::vector<std::pair<std::string, long long>> edges;
  int bounded = 0;
  for (const auto& p : *family_parameters("redis7")) {
    if (p.data_type != "integer" || p.check != Allowed::kRange || !p.reaches_engine()) continue;
    for (long long v : accepted_edges(p)) {
      EXPECT_EQ(check_parameter_value(p, std::to_string(v)), std::nullopt) << p.name << " " << v;
      edges.emplace_back(std::string(p.engine_name), v);
    }
    long long max = engine_integer_max(p);
    if (max == std::numeric_limits<long long>::max()) continue;
    ++bounded;
    EXPECT_NE(check_parameter_value(p, std::to_string(max + 1)), std::nullopt) << p.name;
    std::string refused = redis_verdict({{std::string(p.engine_name), max + 1}});
    EXPECT_NE(refused.find("'" + std::string(p.engine_name) + " "), std::string::npos)
        << p.name << " " << max + 1 << " was read by redis-server:\n"
        << refused;
  }
  EXPECT_GE(bounded, 9);
  std::string verdict = redis_verdict(edges);
  EXPECT_NE(verdict.find("'cachectl-test-end \"1\"'"), std::string::npos) << verdict;
}

TEST(ParameterTable, ChangeTypesFollowWhatTheEngineCanChangeLive) {
  EXPECT_EQ(find_parameter("redis7", "databases")->change_type, ChangeType::kRequiresReboot);
  EXPECT_EQ(find_parameter("redis7", "maxmemory-policy")->change_type, ChangeType::kImmediate);
  EXPECT_FALSE(find_parameter("redis7", "lua-time-limit")->modifiable);
  EXPECT_FALSE(find_parameter("redis7", "reserved-memory-percent")->reaches_engine());
  EXPECT_FALSE(find_parameter("redis7", "cluster-enabled")->reaches_engine());
  for (const auto& p : *family_parameters("memcached1.6"))
    EXPECT_EQ(p.change_type, ChangeType::kRequiresReboot) << p.name;
  EXPECT_EQ(change_type_name(ChangeType::kRequiresReboot), "requires-reboot");
}

TEST(ParameterTable, EffectiveValuesAreDefaultsOverriddenByTheGroup) {
  auto v = effective_values("redis7", {{"timeout", "300"}, {"unknown", "x"}});
  EXPECT_EQ(v["timeout"], "300");
  EXPECT_EQ(v["maxmemory-policy"], "volatile-lru");
  EXPECT_EQ(v.count("unknown"), 0u);
}

bool Contains(const std::vector<std::string>& args, const std::vector<std::string>& seq) {
  return std::search(args.begin(), args.end(), seq.begin(), seq.end()) != args.end();
}

TEST(ParameterTable, MemcachedArgumentsFollowTheValues) {
  auto defaults = memcached_arguments("memcached1.6", effective_values("memcached1.6", {}));
  EXPECT_TRUE(Contains(defaults, {"-I", "1048576"}));
  EXPECT_TRUE(Contains(defaults, {"-f", "1.25"}));
  EXPECT_TRUE(Contains(defaults, {"-o", "no_maxconns_fast"}));
  EXPECT_FALSE(Contains(defaults, {"-C"}));
  EXPECT_FALSE(Contains(defaults, {"-o", "no_lru_crawler"}));
  auto changed = memcached_arguments("memcached1.6",
                                     effective_values("memcached1.6", {{"cas_disabled", "1"},
                                                                       {"lru_crawler", "0"},
                                                                       {"slab_reassign", "1"},
                                                                       {"idle_timeout", "30"}}));
  EXPECT_TRUE(Contains(changed, {"-C"}));
  EXPECT_TRUE(Contains(changed, {"-o", "no_lru_crawler"}));
  EXPECT_TRUE(Contains(changed, {"-o", "slab_reassign"}));
  EXPECT_TRUE(Contains(changed, {"-o", "idle_timeout=30"}));
}

// Values reach the engines as Redis and memcached read them: an integer in
// any form the engine would refuse ("+5", "05": Redis's string2ll) or
// cannot hold is refused up front, not found out by an engine that will not
// start.
TEST(ParameterTable, IntegersAreInTheFormTheEnginesRead) {
  EXPECT_EQ(ErrorOf("redis7", "timeout", "300"), "");
  EXPECT_EQ(ErrorOf("redis7", "list-max-listpack-size", "-2"), "");
  for (const std::string& bad :
       std::vector<std::string>{"+300", "0300", "00", "-0", "- 2", "300 ", " 300", "3e2", "0x12c",
                                "99999999999999999999", "300\n", std::string("300\0", 4)}) {
    EXPECT_NE(ErrorOf("redis7", "timeout", bad), "") << bad;
    EXPECT_NE(ErrorOf("memcached1.6", "idle_timeout", bad), "") << bad;
  }
  EXPECT_NE(ErrorOf("redis7", "list-max-listpack-size", "-02"), "");
  // memcached -f 1: "Factor must be greater than 1".
  EXPECT_NE(ErrorOf("memcached1.6", "chunk_size_growth_factor", "1"), "");
  EXPECT_NE(ErrorOf("memcached1.6", "chunk_size_growth_factor", "1.0"), "");
  EXPECT_EQ(ErrorOf("memcached1.6", "chunk_size_growth_factor", "1.01"), "");
  EXPECT_EQ(ErrorOf("memcached1.6", "chunk_size_growth_factor", "2"), "");
}

// memcached gets its values as argv: each value is one argument, so it
// cannot add options, and no value that could be read as more than a
// number or a listed word ("-o key=5,other", "1 -d") passes the checks.
TEST(ParameterTable, MemcachedValuesCannotSmuggleOptions) {
  const std::vector<std::string> hostile = {"1,lru_crawler",
                                            "5,idle_timeout=1",
                                            "-d",
                                            "1 -d",
                                            "1\n-d",
                                            "--daemon",
                                            "0,1",
                                            "1;-d",
                                            "-o",
                                            "auto,ascii",
                                            "$(id)",
                                            std::string("1\0-d", 4)};
  for (const auto& p : *family_parameters("memcached1.6")) {
    for (const auto& v : hostile)
      EXPECT_NE(ErrorOf("memcached1.6", p.name, v), "") << p.name << "=" << v;
  }
  // And what is allowed stays one argument per value.
  auto args = memcached_arguments(
      "memcached1.6",
      effective_values("memcached1.6", {{"idle_timeout", "30"}, {"chunk_size", "96"}}));
  EXPECT_TRUE(Contains(args, {"-o", "idle_timeout=30"}));
  EXPECT_TRUE(Contains(args, {"-n", "96"}));
  for (const auto& a : args) EXPECT_EQ(a.find_first_of(" ,\n"), std::string::npos) << a;
}

// A string parameter that takes any value still cannot hold a NUL byte:
// Redis keeps settings as C strings.
TEST(ParameterTable, NoValueHoldsANulByte) {
  EXPECT_EQ(ErrorOf("redis7", "rename-commands", "flushall blah"), "");
  EXPECT_NE(ErrorOf("redis7", "rename-commands", std::string("flushall\0blah", 13)), "");
}

// Every memcached option the table uses is one the installed memcached
// documents in `memcached -h` (extended options: accepted in a dry start
// by the integration tests).
TEST(ParameterTable, MemcachedOptionsExistInTheInstalledMemcached) {
  std::string help;
  if (FILE* f = ::popen((engine_binary("memcached") + " -h 2>&1").c_str(), "r")) {
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) help.append(buf, n);
    ::pclose(f);
  }
  ASSERT_NE(help.find("-I, --max-item-size"), std::string::npos) << help;
  for (const auto& p : *family_parameters("memcached1.6")) {
    if (!p.reaches_engine()) continue;
    std::string opt(p.engine_name);
    if (opt.rfind("-o ", 0) == 0) continue;
    if (opt.back() == '!') opt.pop_back();
    EXPECT_NE(help.find("\n" + opt + ", "), std::string::npos) << p.name << " -> " << opt;
  }
}

TEST(ParameterGroupNames, FollowTheApiRules) {
  EXPECT_EQ(*normalize_parameter_group_name("My-Group1"), "my-group1");
  for (const std::string& bad :
       std::vector<std::string>{"", "1abc", "a--b", "a-", "a.b", "a_b", std::string(256, 'a')})
    EXPECT_FALSE(normalize_parameter_group_name(bad).ok()) << bad;
  EXPECT_TRUE(normalize_parameter_group_name(std::string(255, 'a')).ok());
}

TEST(ParameterGroupFiles, RoundTripAndRejectBadContent) {
  ParameterGroupRecord g{
      "web", "redis7", "for the web tier", {{"timeout", "300"}}, {{"team", "web"}}, false};
  auto back = parameter_group_from_toml(to_toml(g), "web.toml");
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back->tags.size(), 1u);
  EXPECT_EQ(back->tags[0].value, "web");
  EXPECT_EQ(back->name, "web");
  EXPECT_EQ(back->family, "redis7");
  EXPECT_EQ(back->description, "for the web tier");
  EXPECT_EQ(back->values, g.values);
  auto error = [](const std::string& text) {
    auto r = parameter_group_from_toml(text, "x.toml");
    return r.ok() ? std::string("accepted") : r.error().code + ": " + r.error().message;
  };
  const std::string head =
      "cache_parameter_group_name = 'x'\ncache_parameter_group_family = 'redis7'\n";
  EXPECT_NE(error(head + "[parameters]\nnope = '1'\n").find("nope"), std::string::npos);
  EXPECT_NE(error(head + "[parameters]\ntimeout = '7'\n").find("timeout"), std::string::npos);
  EXPECT_NE(error(head + "[parameters]\ntimeout = 300\n").find("expected a string"),
            std::string::npos);
  EXPECT_NE(error("cache_parameter_group_name = 'x'\ncache_parameter_group_family = 'redis1'\n")
                .find("redis1"),
            std::string::npos);
  EXPECT_NE(error("cache_parameter_group_name = \n").find("RegistryFileInvalid"),
            std::string::npos);
}

class ParameterGroupStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/cachectl-pg-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    fs::create_directories(dir_ / "locks");
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(ParameterGroupStoreTest, CreateGetUpdateRemove) {
  ParameterGroupStore store{StateHome(dir_)};
  EXPECT_TRUE(store.get("default.redis7").ok());
  EXPECT_TRUE(store.get("default.redis7")->is_default);
  EXPECT_EQ(store.get("default.redis6.x").error().code, "CacheParameterGroupNotFound");
  EXPECT_EQ(store.get("mine").error().code, "CacheParameterGroupNotFound");
  ParameterGroupRecord g{"mine", "memcached1.6", "d", {}, {}, false};
  EXPECT_EQ(store.create(g), std::nullopt);
  EXPECT_EQ(store.create(g)->code, "CacheParameterGroupAlreadyExists");
  EXPECT_EQ(store.list_user_names(), std::vector<std::string>{"mine"});
  auto refused = store.update("mine", [](ParameterGroupRecord& r) -> Status {
    r.values["chunk_size"] = "96";
    return invalid_value("no");
  });
  EXPECT_TRUE(refused.has_value());
  EXPECT_TRUE(store.get("mine")->values.empty());
  EXPECT_EQ(store.update("mine",
                         [](ParameterGroupRecord& r) -> Status {
                           r.values["chunk_size"] = "96";
                           return std::nullopt;
                         }),
            std::nullopt);
  EXPECT_EQ(store.get("mine")->values.at("chunk_size"), "96");
  // A file renamed by hand does not pass for another group.
  fs::copy_file(store.file("mine"), store.file("other"));
  EXPECT_EQ(store.get("other").error().code, kRegistryFileInvalid);
  EXPECT_EQ(store.remove("mine"), std::nullopt);
  EXPECT_EQ(store.remove("mine")->code, "CacheParameterGroupNotFound");
}

TEST(ClusterRecordReboot, NodesToRebootRoundTripAndMustExist) {
  CacheClusterRecord r;
  r.id = "c";
  r.engine = "redis";
  r.engine_version = "7.0.15";
  r.node_type = "cache.t3.micro";
  r.parameter_group = "default.redis7";
  r.maintenance_window = "sun:05:00-sun:06:00";
  r.port = 6379;
  r.nodes.push_back({"0001", "127.1.0.1", 6379, "us-east-1a", {}});
  r.nodes_to_reboot = {"0001"};
  std::string text = to_toml(r);
  auto back = cluster_from_toml(text, "c.toml");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->nodes_to_reboot, r.nodes_to_reboot);
  r.nodes_to_reboot = {"0002"};
  auto bad = cluster_from_toml(to_toml(r), "c.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("0002"), std::string::npos);
}

TEST(EngineLaunchParameters, GroupValuesReachRedisConfAndMemcachedArgs) {
  CacheClusterRecord r;
  r.id = "c";
  r.engine = "redis";
  r.engine_version = "7.0.15";
  r.node_type = "cache.t3.micro";
  CacheNodeRecord n{"0001", "127.1.0.1", 6379, "", {}};
  auto l = node::redis_launch(r, n, "/tmp/x",
                              {{"maxmemory-policy", "allkeys-lru"}, {"databases", "32"}});
  EXPECT_NE(l.config_text.find("\nmaxmemory-policy \"allkeys-lru\"\n"), std::string::npos)
      << l.config_text;
  EXPECT_NE(l.config_text.find("\ndatabases \"32\"\n"), std::string::npos);
  EXPECT_NE(l.config_text.find("\nnotify-keyspace-events \"\"\n"), std::string::npos);
  EXPECT_EQ(l.config_text.find("reserved-memory-percent"), std::string::npos);
  EXPECT_EQ(node::redis_conf_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  r.engine = "memcached";
  r.engine_version = "1.6.18";
  auto m = node::memcached_launch(r, n, {{"max_item_size", "2097152"}});
  EXPECT_TRUE(Contains(m.argv, {"-I", "2097152"}));
}

}  // namespace
}  // namespace cachectl::core
