// core/cluster.h: a cluster record survives being written and read back, and
// a file broken by hand gives RegistryFileInvalid naming the file and the key,
// never a crash.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "core/cluster.h"
#include "core/secret_hash.h"
#include "core/toml_fields.h"

namespace cachectl::core {
namespace {

using namespace std::chrono;

constexpr std::string_view kOrigin = "/state/clusters/exampleredis.toml";

TimePoint At(year_month_day date, int h, int m, int s, int ms) {
  return TimePoint(sys_days{date} + hours{h} + minutes{m} + seconds{s} + milliseconds{ms});
}

// A record with every field set to something other than its default.
CacheClusterRecord FullRecord() {
  CacheClusterRecord r;
  r.id = "exampleredis";
  r.engine = "memcached";
  r.engine_version = "1.6.18";
  r.node_type = "cache.m5.large";
  r.num_cache_nodes = 2;
  r.az_mode = "cross-az";
  r.preferred_availability_zone = "Multiple";
  r.preferred_availability_zones = {"us-east-1b", "us-east-1c"};
  r.parameter_group = "default.memcached1.6";
  r.subnet_group = "my-subnets";
  r.cache_security_group_names = {"sg-name-1", "sg-name-2"};
  r.security_group_ids = {"sg-0123", "sg-4567"};
  r.tags = {
      {"team", "cache"}, {"it's", "a \"quoted\"\nmulti-line\tvalue \\ ünïcode"}, {"empty", ""}};
  r.snapshot_arns = {"arn:aws:s3:::bucket/dump.rdb", "/tmp/dump.rdb"};
  r.snapshot_name = "nightly";
  r.maintenance_window = "sat:23:00-sun:01:00";
  r.snapshot_window = "05:00-06:00";
  r.snapshot_retention_limit = 35;
  r.port = 11222;
  r.notification_topic_arn = "arn:aws:sns:us-east-1:000000000000:topic";
  r.notification_topic_status = "active";
  r.auto_minor_version_upgrade = false;
  r.auth_token_hashes = {sha256_hex("a-long-enough-secret-token"), sha256_hex("the-older-token-0")};
  r.auth_token_modified = At(2026y / November / 26, 1, 2, 3, 0);
  r.transit_encryption_enabled = true;
  r.transit_encryption_mode = "preferred";
  r.network_type = "ipv4";
  r.ip_discovery = "ipv4";
  r.outpost_mode = "single-outpost";
  r.preferred_outpost_arn = "arn:aws:outposts:us-east-1:000000000000:outpost/op-1";
  r.preferred_outpost_arns = {"arn:aws:outposts:us-east-1:000000000000:outpost/op-2"};
  r.log_deliveries = {{"slow-log", "cloudwatch-logs", "my-group", "json", false},
                      {"engine-log", "kinesis-firehose", "my-stream", "text", true}};
  r.create_time = At(2026y / November / 25, 6, 40, 11, 123);
  r.lifecycle = Lifecycle::kDeleting;
  r.config_address = "127.42.0.9";
  r.config_port = 11222;
  r.config_version = 4;
  r.pending.num_cache_nodes = 1;
  r.pending.cache_node_ids_to_remove = {"0002"};
  r.pending.cache_node_type = "cache.m5.xlarge";
  r.pending.engine_version = "1.6.21";
  r.last_maintenance = At(2026y / November / 21, 23, 0, 0, 0);
  r.nodes = {
      {"0001", "127.42.0.2", 11222, "us-east-1b", At(2026y / November / 25, 6, 40, 12, 7)},
      {"0002", "127.42.1.254", 11222, "us-east-1c", At(2026y / November / 25, 6, 41, 0, 999)}};
  return r;
}

void ExpectSame(const CacheClusterRecord& a, const CacheClusterRecord& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.engine, b.engine);
  EXPECT_EQ(a.engine_version, b.engine_version);
  EXPECT_EQ(a.node_type, b.node_type);
  EXPECT_EQ(a.num_cache_nodes, b.num_cache_nodes);
  EXPECT_EQ(a.az_mode, b.az_mode);
  EXPECT_EQ(a.preferred_availability_zone, b.preferred_availability_zone);
  EXPECT_EQ(a.preferred_availability_zones, b.preferred_availability_zones);
  EXPECT_EQ(a.parameter_group, b.parameter_group);
  EXPECT_EQ(a.subnet_group, b.subnet_group);
  EXPECT_EQ(a.cache_security_group_names, b.cache_security_group_names);
  EXPECT_EQ(a.security_group_ids, b.security_group_ids);
  ASSERT_EQ(a.tags.size(), b.tags.size());
  for (std::size_t i = 0; i < a.tags.size(); ++i) {
    EXPECT_EQ(a.tags[i].key, b.tags[i].key);
    EXPECT_EQ(a.tags[i].value, b.tags[i].value);
  }
  EXPECT_EQ(a.snapshot_arns, b.snapshot_arns);
  EXPECT_EQ(a.snapshot_name, b.snapshot_name);
  EXPECT_EQ(a.maintenance_window, b.maintenance_window);
  EXPECT_EQ(a.snapshot_window, b.snapshot_window);
  EXPECT_EQ(a.snapshot_retention_limit, b.snapshot_retention_limit);
  EXPECT_EQ(a.port, b.port);
  EXPECT_EQ(a.notification_topic_arn, b.notification_topic_arn);
  EXPECT_EQ(a.notification_topic_status, b.notification_topic_status);
  EXPECT_EQ(a.auto_minor_version_upgrade, b.auto_minor_version_upgrade);
  EXPECT_EQ(a.auth_token_hashes, b.auth_token_hashes);
  EXPECT_EQ(a.auth_token_modified, b.auth_token_modified);
  EXPECT_EQ(a.transit_encryption_enabled, b.transit_encryption_enabled);
  EXPECT_EQ(a.transit_encryption_mode, b.transit_encryption_mode);
  EXPECT_EQ(a.network_type, b.network_type);
  EXPECT_EQ(a.ip_discovery, b.ip_discovery);
  EXPECT_EQ(a.outpost_mode, b.outpost_mode);
  EXPECT_EQ(a.preferred_outpost_arn, b.preferred_outpost_arn);
  EXPECT_EQ(a.preferred_outpost_arns, b.preferred_outpost_arns);
  ASSERT_EQ(a.log_deliveries.size(), b.log_deliveries.size());
  for (std::size_t i = 0; i < a.log_deliveries.size(); ++i) {
    EXPECT_EQ(a.log_deliveries[i].log_type, b.log_deliveries[i].log_type);
    EXPECT_EQ(a.log_deliveries[i].destination_type, b.log_deliveries[i].destination_type);
    EXPECT_EQ(a.log_deliveries[i].destination, b.log_deliveries[i].destination);
    EXPECT_EQ(a.log_deliveries[i].log_format, b.log_deliveries[i].log_format);
    EXPECT_EQ(a.log_deliveries[i].enabled, b.log_deliveries[i].enabled);
  }
  EXPECT_EQ(a.create_time, b.create_time);
  EXPECT_EQ(a.pending.cache_node_type, b.pending.cache_node_type);
  EXPECT_EQ(a.pending.engine_version, b.pending.engine_version);
  EXPECT_EQ(a.last_maintenance, b.last_maintenance);
  EXPECT_EQ(a.lifecycle, b.lifecycle);
  ASSERT_EQ(a.nodes.size(), b.nodes.size());
  for (std::size_t i = 0; i < a.nodes.size(); ++i) {
    EXPECT_EQ(a.nodes[i].id, b.nodes[i].id);
    EXPECT_EQ(a.nodes[i].address, b.nodes[i].address);
    EXPECT_EQ(a.nodes[i].port, b.nodes[i].port);
    EXPECT_EQ(a.nodes[i].availability_zone, b.nodes[i].availability_zone);
    EXPECT_EQ(a.nodes[i].create_time, b.nodes[i].create_time);
  }
}

// The cluster's own port line (nodes have port lines too).
constexpr std::string_view kTopPort = "\nport = 11222\npreferred_availability_zone ";

// `text` with its only occurrence of `from` replaced by `to`.
std::string Replace(std::string text, std::string_view from, std::string_view to) {
  auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "'" << from << "' not in:\n" << text;
  if (at == std::string::npos) return text;
  EXPECT_EQ(text.find(from, at + 1), std::string::npos) << "'" << from << "' is not unique";
  return text.replace(at, from.size(), to);
}

// Parses `text`, expecting RegistryFileInvalid with a message naming the
// origin and containing each of `words`.
void ExpectInvalid(const std::string& text, std::initializer_list<std::string_view> words) {
  Result<CacheClusterRecord> r = CacheClusterRecord{};
  ASSERT_NO_THROW(r = cluster_from_toml(text, kOrigin));
  ASSERT_FALSE(r.ok()) << "accepted:\n" << text;
  EXPECT_EQ(r.error().code, kRegistryFileInvalid);
  EXPECT_EQ(r.error().code, "RegistryFileInvalid");
  EXPECT_NE(r.error().message.find(kOrigin), std::string::npos) << r.error().message;
  for (auto w : words) EXPECT_NE(r.error().message.find(w), std::string::npos) << r.error().message;
}

TEST(ClusterToml, FullRecordRoundTrips) {
  CacheClusterRecord original = FullRecord();
  std::string text = to_toml(original);
  auto back = cluster_from_toml(text, kOrigin);
  ASSERT_TRUE(back.ok()) << back.error().message << "\n" << text;
  ExpectSame(original, *back);
  EXPECT_EQ(to_toml(*back), text) << "writing what was read changes nothing";
}

TEST(ClusterToml, DefaultRecordWithOneNodeRoundTrips) {
  CacheClusterRecord r;
  r.id = "c";
  r.engine = "redis";
  r.engine_version = "7.0.15";
  r.node_type = "cache.t1.micro";
  r.parameter_group = "default.redis7";
  r.maintenance_window = "mon:00:00-mon:01:00";
  r.port = 6379;
  r.nodes = {{"0001", "127.0.0.1", 6379, "", TimePoint{}}};
  auto back = cluster_from_toml(to_toml(r), kOrigin);
  ASSERT_TRUE(back.ok()) << back.error().message;
  ExpectSame(r, *back);
}

TEST(ClusterToml, TimesKeepMillisecondsAndDropLess) {
  CacheClusterRecord r = FullRecord();
  r.create_time = At(2026y / November / 25, 6, 40, 11, 123) + microseconds{456};
  auto back = cluster_from_toml(to_toml(r), kOrigin);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->create_time, At(2026y / November / 25, 6, 40, 11, 123));
}

TEST(ClusterToml, OffsetsInHandWrittenTimesAreHonoured) {
  std::string text = to_toml(FullRecord());
  text = Replace(text, "create_time = 2026-11-25T06:40:11.123Z",
                 "create_time = 2026-11-25T08:40:11.123+02:00");
  auto back = cluster_from_toml(text, kOrigin);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->create_time, At(2026y / November / 25, 6, 40, 11, 123));
}

TEST(ClusterToml, OptionalKeysMayBeLeftOut) {
  std::string text = to_toml(FullRecord());
  text = Replace(text, "snapshot_name = 'nightly'\n", "");
  text = Replace(text, "auto_minor_version_upgrade = false\n", "");
  auto back = cluster_from_toml(text, kOrigin);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->snapshot_name, "");
  EXPECT_TRUE(back->auto_minor_version_upgrade);
}

TEST(ClusterTomlInvalid, SyntaxErrorNamesTheLine) {
  std::string text = to_toml(FullRecord());
  text = Replace(text, kTopPort, "\nport = = 11222\npreferred_availability_zone ");
  ExpectInvalid(text, {"line "});
}

TEST(ClusterTomlInvalid, GarbageIsInvalid) {
  ExpectInvalid("this is not toml at all", {"line 1"});
  ExpectInvalid("[[[", {});
  ExpectInvalid(std::string("engine = 'redis'\0junk", 21), {});
}

TEST(ClusterTomlInvalid, EmptyFileLacksRequiredKeys) { ExpectInvalid("", {"missing"}); }

TEST(ClusterTomlInvalid, WrongTypeNamesTheKey) {
  std::string text = to_toml(FullRecord());
  ExpectInvalid(Replace(text, kTopPort, "\nport = '11222'\npreferred_availability_zone "),
                {"'port'", "integer"});
  ExpectInvalid(Replace(text, "engine = 'memcached'", "engine = 7"), {"'engine'", "string"});
  ExpectInvalid(
      Replace(text, "auto_minor_version_upgrade = false", "auto_minor_version_upgrade = 'no'"),
      {"'auto_minor_version_upgrade'"});
  ExpectInvalid(
      Replace(text, "create_time = 2026-11-25T06:40:11.123Z", "create_time = 'yesterday'"),
      {"'create_time'"});
  ExpectInvalid(Replace(text, "snapshot_arns = [", "snapshot_arns = [ 1, "), {"'snapshot_arns'"});
  ExpectInvalid(Replace(text, "security_group_ids = [", "security_group_ids = 'sg-1'\nx = ["),
                {"'security_group_ids'"});
}

TEST(ClusterTomlInvalid, PortOutOfRange) {
  std::string text = to_toml(FullRecord());
  ExpectInvalid(Replace(text, kTopPort, "\nport = 70000\npreferred_availability_zone "),
                {"'port'", "70000"});
  ExpectInvalid(Replace(text, kTopPort, "\nport = 0\npreferred_availability_zone "), {"'port'"});
}

TEST(ClusterTomlInvalid, NodePortOutOfRange) {
  std::string text = to_toml(FullRecord());
  std::string broken = Replace(text, "id = '0002'\nport = 11222", "id = '0002'\nport = 70000");
  ExpectInvalid(broken, {"[[nodes]]", "'port'", "70000"});
}

TEST(ClusterTomlInvalid, UnknownEngine) {
  std::string text = to_toml(FullRecord());
  ExpectInvalid(Replace(text, "engine = 'memcached'", "engine = 'valkey'"), {"'engine'", "valkey"});
}

TEST(ClusterTomlInvalid, UnknownNodeType) {
  std::string text = to_toml(FullRecord());
  ExpectInvalid(
      Replace(text, "cache_node_type = 'cache.m5.large'", "cache_node_type = 'cache.m5.huge'"),
      {"'cache_node_type'"});
}

TEST(ClusterTomlInvalid, BadNodeId) {
  std::string text = to_toml(FullRecord());
  for (std::string_view bad :
       {"id = '1'", "id = 'abcd'", "id = '0000'", "id = '00001'", "id = ''"}) {
    ExpectInvalid(Replace(text, "id = '0002'", bad), {"[[nodes]]", "'id'"});
  }
}

TEST(ClusterTomlInvalid, NonLoopbackAddress) {
  std::string text = to_toml(FullRecord());
  for (std::string_view bad :
       {"10.0.0.1", "0.0.0.0", "::1", "localhost", "127.0.0", "128.0.0.1", ""}) {
    ExpectInvalid(Replace(text, "address = '127.42.1.254'", "address = '" + std::string(bad) + "'"),
                  {"[[nodes]]", "'address'"});
  }
}

TEST(ClusterTomlInvalid, DuplicateNodeId) {
  std::string text = to_toml(FullRecord());
  ExpectInvalid(Replace(text, "id = '0002'", "id = '0001'"), {"0001", "twice"});
}

TEST(ClusterTomlInvalid, NumCacheNodesMustMatchTheNodes) {
  std::string text = to_toml(FullRecord());
  ExpectInvalid(Replace(text, "num_cache_nodes = 2", "num_cache_nodes = 3"), {"num_cache_nodes"});
  ExpectInvalid(Replace(text, "num_cache_nodes = 2", "num_cache_nodes = 1"), {"num_cache_nodes"});
}

TEST(ClusterTomlInvalid, MissingRequiredKeys) {
  std::string text = to_toml(FullRecord());
  for (std::string_view line :
       {"cache_cluster_id = 'exampleredis'\n", "engine = 'memcached'\n",
        "engine_version = '1.6.18'\n", "cache_node_type = 'cache.m5.large'\n",
        "num_cache_nodes = 2\n", "preferred_maintenance_window = 'sat:23:00-sun:01:00'\n",
        "cache_parameter_group_name = 'default.memcached1.6'\n",
        "create_time = 2026-11-25T06:40:11.123Z\n"}) {
    std::string key(line.substr(0, line.find(' ')));
    ExpectInvalid(Replace(text, line, ""), {"'" + key + "'", "missing"});
  }
  ExpectInvalid(Replace(text, kTopPort, "\npreferred_availability_zone "), {"'port'", "missing"});
}

TEST(ClusterTomlInvalid, MissingNodeAddress) {
  std::string text = to_toml(FullRecord());
  ExpectInvalid(Replace(text, "address = '127.42.0.2'\n", ""),
                {"[[nodes]]", "'address'", "missing"});
}

TEST(ClusterTomlInvalid, PendingNodeTypeMustExist) {
  std::string text = to_toml(FullRecord());
  auto at = text.find("cache.m5.xlarge");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 15, "cache.m5.zzzzzz");
  ExpectInvalid(text, {"cache_node_type"});
}

TEST(ClusterTomlInvalid, BadLifecycle) {
  std::string text = to_toml(FullRecord());
  ExpectInvalid(Replace(text, "lifecycle = 'deleting'", "lifecycle = 'zombie'"), {"'lifecycle'"});
}

TEST(ClusterTomlInvalid, NodesMustBeTables) {
  std::string text = to_toml(FullRecord());
  // Drop the [[nodes]] tables and give a plain array instead.
  std::string head = text.substr(0, text.find("[[log_delivery]]"));
  ExpectInvalid(Replace(head, "num_cache_nodes = 2", "nodes = [1, 2]\nnum_cache_nodes = 2"),
                {"'nodes'"});
}

TEST(ClusterTomlInvalid, EveryTruncationIsAnErrorOrARecordNeverACrash) {
  // A file cut anywhere (a writer killed mid-write without atomic rename)
  // must never crash the reader.
  std::string text = to_toml(FullRecord());
  int accepted = 0;
  for (std::size_t n = 0; n < text.size(); ++n) {
    Result<CacheClusterRecord> r = CacheClusterRecord{};
    ASSERT_NO_THROW(r = cluster_from_toml(std::string_view(text).substr(0, n), kOrigin)) << n;
    if (r.ok()) {
      ++accepted;
    } else {
      EXPECT_EQ(r.error().code, kRegistryFileInvalid) << n;
    }
  }
  // Cut inside the last [[tags]] table, some prefixes still parse; most do not.
  EXPECT_LT(accepted, static_cast<int>(text.size()) / 4);
}

TEST(ClusterTomlInvalid, EveryByteFlipNeverCrashes) {
  std::string text = to_toml(FullRecord());
  for (std::size_t i = 0; i < text.size(); i += 3) {
    std::string mutated = text;
    mutated[i] = static_cast<char>(mutated[i] ^ 0x5a);
    Result<CacheClusterRecord> r = CacheClusterRecord{};
    ASSERT_NO_THROW(r = cluster_from_toml(mutated, kOrigin)) << i;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, kRegistryFileInvalid) << i;
    }
  }
}

}  // namespace
}  // namespace cachectl::core

namespace cachectl::core {
namespace {

// Found by fuzz_toml_records: toml++ assumes a digit after a date-time's 'T'.
TEST(StateFileToml, ADateTimeWithoutATimeAfterItsTIsRefusedNamingTheLine) {
  for (std::string text :
       {"a = 1\nt = 2026-11-29T!9:25:28Z\n", "t = 2026-11-29T", "t = 2026-11-29tx"}) {
    auto parsed = parse_state_file(text, "f.toml");
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().code, kRegistryFileInvalid);
    EXPECT_NE(parsed.error().message.find("f.toml: line"), std::string::npos)
        << parsed.error().message;
  }
  EXPECT_TRUE(parse_state_file("t = 2026-11-29T19:25:28Z\nd = 2026-11-29\n", "f.toml").ok());
}

// A state file edited to nest 200,000 key levels deep crashed every command
// that read it (toml++ recurses per level); now it is an error naming it.
TEST(StateFileToml, DeepNestingIsRefusedNamingTheFileNotACrash) {
  std::string key = "a";
  for (int i = 0; i < 200000; ++i) key += ".a";
  for (std::string text : {key + " = 1\n", "[" + key + "]\n"}) {
    auto parsed = parse_state_file(text, "f.toml");
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().code, kRegistryFileInvalid);
    EXPECT_NE(parsed.error().message.find("f.toml: line 1: nested too deeply"), std::string::npos)
        << parsed.error().message;
  }
  EXPECT_TRUE(parse_state_file("[a.b.c]\nd = 1\n", "f.toml").ok());
}

// Found by fuzz_toml_records: a year past 2261 overflowed the nanosecond clock.
TEST(StateFileToml, ADateTimeOutOfTheClocksRangeIsAnErrorNotOverflow) {
  for (std::string when : {"9999-01-01T00:00:00Z", "1066-10-14T09:00:00Z"}) {
    auto parsed = parse_state_file("t = " + when + "\n", "f.toml");
    ASSERT_TRUE(parsed.ok()) << when;
    TomlFields f(*parsed, "f.toml");
    (void)f.time("t");
    EXPECT_NE(f.error().find("out of range"), std::string::npos) << when << ": " << f.error();
  }
  auto parsed = parse_state_file("t = 2026-11-29T19:25:28Z\n", "f.toml");
  ASSERT_TRUE(parsed.ok());
  TomlFields f(*parsed, "f.toml");
  (void)f.time("t");
  EXPECT_EQ(f.error(), "");
}

// Found by fuzz_toml_records: toml++ reaches an unreachable point on some
// non-ASCII characters outside strings; they are refused before it parses.
TEST(StateFileToml, NonAsciiOutsideStringsIsRefusedNonAsciiInsideIsKept) {
  auto bad = parse_state_file(
      "t = 2026-11-29T1\xc7\xbb"
      "25:28Z\n",
      "f.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("f.toml: line 1: a non-ASCII character outside a string"),
            std::string::npos)
      << bad.error().message;
  auto good = parse_state_file("d = \"caf\xc3\xa9\" # \xc3\xa9\n", "f.toml");
  ASSERT_TRUE(good.ok()) << good.error().message;
}

}  // namespace
}  // namespace cachectl::core
