// core/create_cluster.h: CreateCacheCluster's rules, request in, record or
// ElastiCache's error out.
#include "core/create_cluster.h"

#include <gtest/gtest.h>

#include <chrono>

#include "core/secret_hash.h"
#include "core/windows.h"

namespace cachectl::core {
namespace {

using json = nlohmann::json;
using namespace std::chrono;

class PlanNewCluster : public ::testing::Test {
 protected:
  const TimePoint now_ = TimePoint(sys_days{2026y / November / 25} + hours{6} + minutes{40});
  const ServiceContext context_{{{"redis", "7.0.15"}, {"memcached", "1.6.18"}},
                                now_,
                                "us-east-1",
                                [](const std::string& name) { return name == "nightly"; },
                                nullptr,
                                nullptr,
                                nullptr,
                                false,
                                nullptr,
                                nullptr};

  static json Redis() {
    return {{"CacheClusterId", "exampleredis"},
            {"Engine", "redis"},
            {"CacheNodeType", "cache.t2.micro"}};
  }
  static json Memcached(int nodes) {
    return {{"CacheClusterId", "examplememcached"},
            {"Engine", "memcached"},
            {"CacheNodeType", "cache.m5.large"},
            {"NumCacheNodes", nodes}};
  }

  // The error code plan_new_cluster gives for `request` ("" when it succeeds).
  std::string ErrorOf(const json& request) const {
    auto r = plan_new_cluster(request, context_);
    if (r.ok()) return "";
    EXPECT_FALSE(r.error().message.empty()) << r.error().code;
    return r.error().code;
  }

  CacheClusterRecord Plan(const json& request) const {
    auto r = plan_new_cluster(request, context_);
    EXPECT_TRUE(r.ok()) << request.dump() << ": "
                        << (r.ok() ? "" : r.error().code + ": " + r.error().message);
    return r.ok() ? *r : CacheClusterRecord{};
  }
};

TEST_F(PlanNewCluster, ValidRedisRequestGivesOneNodeOnTheDefaultPort) {
  json req = Redis();
  req["CacheClusterId"] = "ExampleRedis";
  req["PreferredMaintenanceWindow"] = "MON:00:00-Mon:01:00";
  CacheClusterRecord r = Plan(req);
  EXPECT_EQ(r.id, "exampleredis");
  EXPECT_EQ(r.engine, "redis");
  EXPECT_EQ(r.engine_version, "7.0.15");
  EXPECT_EQ(r.node_type, "cache.t2.micro");
  EXPECT_EQ(r.num_cache_nodes, 1);
  EXPECT_EQ(r.port, 6379);
  EXPECT_EQ(r.parameter_group, "default.redis7");
  EXPECT_EQ(r.az_mode, "single-az");
  EXPECT_EQ(r.preferred_availability_zone, "us-east-1a");
  EXPECT_TRUE(r.auto_minor_version_upgrade);
  EXPECT_EQ(r.snapshot_retention_limit, 0);
  EXPECT_EQ(r.create_time, now_);
  EXPECT_EQ(r.maintenance_window, "mon:00:00-mon:01:00");
  ASSERT_EQ(r.nodes.size(), 1u);
  EXPECT_EQ(r.nodes[0].id, "0001");
  EXPECT_EQ(r.nodes[0].port, 6379);
  EXPECT_EQ(r.nodes[0].availability_zone, "us-east-1a");
  EXPECT_EQ(r.nodes[0].create_time, now_);
  EXPECT_TRUE(r.nodes[0].address.empty()) << "addresses are the registry's to give";
}

TEST_F(PlanNewCluster, RedisGetsASnapshotWindowThatAvoidsMaintenance) {
  CacheClusterRecord r = Plan(Redis());
  ASSERT_FALSE(r.snapshot_window.empty());
  auto snapshot = parse_snapshot_window(r.snapshot_window);
  auto maintenance = parse_maintenance_window(r.maintenance_window);
  ASSERT_TRUE(snapshot.ok()) << r.snapshot_window;
  ASSERT_TRUE(maintenance.ok()) << r.maintenance_window;
  EXPECT_EQ(snapshot->length_minutes(), 60);
  EXPECT_FALSE(overlaps(*maintenance, *snapshot));
}

TEST_F(PlanNewCluster, GivenWindowsAreKept) {
  json req = Redis();
  req["PreferredMaintenanceWindow"] = "sun:23:00-mon:01:30";
  req["SnapshotWindow"] = "05:00-06:00";
  req["SnapshotRetentionLimit"] = 35;
  CacheClusterRecord r = Plan(req);
  EXPECT_EQ(r.maintenance_window, "sun:23:00-mon:01:30");
  EXPECT_EQ(r.snapshot_window, "05:00-06:00");
  EXPECT_EQ(r.snapshot_retention_limit, 35);
}

TEST_F(PlanNewCluster, EngineVersionIsResolvedAgainstWhatIsInstalled) {
  json req = Redis();
  req["EngineVersion"] = "7.0";
  EXPECT_EQ(Plan(req).engine_version, "7.0.15");
  req["EngineVersion"] = "6.2";
  EXPECT_EQ(ErrorOf(req), "InvalidParameterValue");
}

TEST_F(PlanNewCluster, MissingOrInvalidCacheClusterId) {
  json req = Redis();
  req.erase("CacheClusterId");
  EXPECT_EQ(ErrorOf(req), "InvalidParameterValue");
  for (const char* id : {"", "1abc", "a--b", "a-", "a_b"}) {
    req["CacheClusterId"] = id;
    EXPECT_EQ(ErrorOf(req), "InvalidParameterValue") << id;
  }
  req["CacheClusterId"] = std::string(51, 'a');
  EXPECT_EQ(ErrorOf(req), "InvalidParameterValue");
}

TEST_F(PlanNewCluster, UnknownEngine) {
  json req = Redis();
  req["Engine"] = "valkey";
  EXPECT_EQ(ErrorOf(req), "InvalidParameterValue");
}

TEST_F(PlanNewCluster, EngineDefaultsToRedis) {
  json req = Redis();
  req.erase("Engine");
  EXPECT_EQ(Plan(req).engine, "redis");
}

TEST_F(PlanNewCluster, UnknownOrMissingNodeType) {
  json req = Redis();
  req["CacheNodeType"] = "cache.m5.huge";
  EXPECT_EQ(ErrorOf(req), "InvalidParameterValue");
  req.erase("CacheNodeType");
  EXPECT_EQ(ErrorOf(req), "InvalidParameterValue");
}

TEST_F(PlanNewCluster, RedisHasExactlyOneNode) {
  json req = Redis();
  req["NumCacheNodes"] = 2;
  EXPECT_EQ(ErrorOf(req), "InvalidParameterCombination");
  req["NumCacheNodes"] = 0;
  EXPECT_EQ(ErrorOf(req), "InvalidParameterValue");
  req["NumCacheNodes"] = 1;
  EXPECT_EQ(ErrorOf(req), "");
}

TEST_F(PlanNewCluster, MemcachedAllowsUpToFortyNodes) {
  EXPECT_EQ(ErrorOf(Memcached(kMaxMemcachedNodes)), "");
  EXPECT_EQ(ErrorOf(Memcached(kMaxMemcachedNodes + 1)), "NodeQuotaForClusterExceeded");
  EXPECT_EQ(kMaxMemcachedNodes, 40);
}

TEST_F(PlanNewCluster, MemcachedDefaults) {
  CacheClusterRecord r = Plan(Memcached(3));
  EXPECT_EQ(r.port, 11211);
  EXPECT_EQ(r.engine_version, "1.6.18");
  EXPECT_EQ(r.parameter_group, "default.memcached1.6");
  EXPECT_TRUE(r.snapshot_window.empty()) << "Memcached has no backups";
  ASSERT_EQ(r.nodes.size(), 3u);
  for (const auto& n : r.nodes) {
    EXPECT_EQ(n.availability_zone, "us-east-1a");
    EXPECT_EQ(n.port, 11211);
  }
}

TEST_F(PlanNewCluster, AZModeIsForMemcachedOnly) {
  json req = Redis();
  req["AZMode"] = "single-az";
  EXPECT_EQ(ErrorOf(req), "InvalidParameterCombination");
}

TEST_F(PlanNewCluster, CrossAzNeedsAtLeastTwoNodes) {
  json req = Memcached(1);
  req["AZMode"] = "cross-az";
  EXPECT_EQ(ErrorOf(req), "InvalidParameterCombination");
  req["NumCacheNodes"] = 2;
  EXPECT_EQ(ErrorOf(req), "");
}

TEST_F(PlanNewCluster, CrossAzSpreadsNodesOverTheRegionsZones) {
  json req = Memcached(5);
  req["AZMode"] = "cross-az";
  CacheClusterRecord r = Plan(req);
  EXPECT_EQ(r.az_mode, "cross-az");
  EXPECT_EQ(r.preferred_availability_zone, "Multiple");
  ASSERT_EQ(r.nodes.size(), 5u);
  const char* zones[] = {"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1a", "us-east-1b"};
  const char* ids[] = {"0001", "0002", "0003", "0004", "0005"};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(r.nodes[i].id, ids[i]);
    EXPECT_EQ(r.nodes[i].availability_zone, zones[i]);
  }
}

TEST_F(PlanNewCluster, NodeIdsCountFromOne) {
  CacheClusterRecord r = Plan(Memcached(kMaxMemcachedNodes));
  ASSERT_EQ(r.nodes.size(), 40u);
  EXPECT_EQ(r.nodes.front().id, "0001");
  EXPECT_EQ(r.nodes[9].id, "0010");
  EXPECT_EQ(r.nodes.back().id, "0040");
}

TEST_F(PlanNewCluster, PreferredAvailabilityZonesMustMatchNodeCount) {
  json req = Memcached(3);
  req["PreferredAvailabilityZones"] = {"us-east-1a", "us-east-1b"};
  EXPECT_EQ(ErrorOf(req), "InvalidParameterValue");
  req["PreferredAvailabilityZones"] = {"us-east-1c", "us-east-1b", "us-east-1c"};
  CacheClusterRecord r = Plan(req);
  ASSERT_EQ(r.nodes.size(), 3u);
  EXPECT_EQ(r.nodes[0].availability_zone, "us-east-1c");
  EXPECT_EQ(r.nodes[1].availability_zone, "us-east-1b");
  EXPECT_EQ(r.nodes[2].availability_zone, "us-east-1c");
}

TEST_F(PlanNewCluster, PreferredZoneMustBeInTheRegion) {
  json req = Redis();
  req["PreferredAvailabilityZone"] = "us-east-1b";
  EXPECT_EQ(Plan(req).nodes.at(0).availability_zone, "us-east-1b");
  req["PreferredAvailabilityZone"] = "eu-west-1a";
  EXPECT_EQ(ErrorOf(req), "InvalidParameterValue");
}

TEST_F(PlanNewCluster, MaintenanceWindowShorterThanAnHour) {
  json req = Redis();
  req["PreferredMaintenanceWindow"] = "mon:00:00-mon:00:30";
  EXPECT_EQ(ErrorOf(req), "InvalidParameterValue");
}

TEST_F(PlanNewCluster, SnapshotWindowOverlappingMaintenance) {
  json req = Redis();
  req["PreferredMaintenanceWindow"] = "mon:00:00-mon:01:00";
  req["SnapshotWindow"] = "00:30-01:30";
  EXPECT_EQ(ErrorOf(req), "InvalidParameterCombination");
  req["SnapshotWindow"] = "01:00-02:00";
  EXPECT_EQ(ErrorOf(req), "");
}

TEST_F(PlanNewCluster, RedisNeverStoresOverlappingWindows) {
  // Whatever maintenance window is given, the stored snapshot window does not
  // overlap it (or the request is refused).
  for (const char* mw : {"mon:00:00-mon:01:00", "mon:00:00-mon:23:00", "mon:00:00-mon:23:30",
                         "mon:00:00-tue:00:00", "sat:12:00-sun:12:00"}) {
    json req = Redis();
    req["PreferredMaintenanceWindow"] = mw;
    auto r = plan_new_cluster(req, context_);
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, "InvalidParameterCombination") << mw;
      continue;
    }
    auto maintenance = parse_maintenance_window(r->maintenance_window);
    auto snapshot = parse_snapshot_window(r->snapshot_window);
    ASSERT_TRUE(maintenance.ok() && snapshot.ok()) << mw;
    EXPECT_FALSE(overlaps(*maintenance, *snapshot))
        << r->maintenance_window << " and " << r->snapshot_window;
  }
}

TEST_F(PlanNewCluster, SnapshotRetentionIsAtMostThirtyFiveDays) {
  json req = Redis();
  req["SnapshotRetentionLimit"] = 36;
  EXPECT_EQ(ErrorOf(req), "InvalidParameterValue");
  req["SnapshotRetentionLimit"] = -1;
  EXPECT_EQ(ErrorOf(req), "InvalidParameterValue");
}

TEST_F(PlanNewCluster, T1MicroHasNoAutomaticBackups) {
  json req = Redis();
  req["CacheNodeType"] = "cache.t1.micro";
  req["SnapshotRetentionLimit"] = 1;
  EXPECT_EQ(ErrorOf(req), "InvalidParameterCombination");
  req["SnapshotRetentionLimit"] = 0;
  EXPECT_EQ(ErrorOf(req), "");
}

TEST_F(PlanNewCluster, MemcachedHasNoSnapshots) {
  json req = Memcached(1);
  req["SnapshotRetentionLimit"] = 1;
  EXPECT_EQ(ErrorOf(req), "InvalidParameterCombination");
  req = Memcached(1);
  req["SnapshotWindow"] = "05:00-06:00";
  EXPECT_EQ(ErrorOf(req), "InvalidParameterCombination");
  req = Memcached(1);
  req["SnapshotArns"] = {"arn:aws:s3:::bucket/dump.rdb"};
  EXPECT_EQ(ErrorOf(req), "InvalidParameterCombination");
}

TEST_F(PlanNewCluster, SnapshotArnsAndSnapshotNameTogether) {
  json req = Redis();
  req["SnapshotArns"] = {"arn:aws:s3:::bucket/dump.rdb"};
  req["SnapshotName"] = "nightly";
  EXPECT_EQ(ErrorOf(req), "InvalidParameterCombination");
}

TEST_F(PlanNewCluster, SnapshotNameMustNameAStoredSnapshot) {
  json req = Redis();
  req["SnapshotName"] = "nightly";
  EXPECT_EQ(Plan(req).snapshot_name, "nightly");
  req["SnapshotName"] = "weekly";
  EXPECT_EQ(ErrorOf(req), "SnapshotNotFoundFault");
}

TEST_F(PlanNewCluster, SnapshotArnsNameAnRdbSource) {
  json req = Redis();
  req["SnapshotArns"] = {"arn:aws:s3:::bucket/dump.rdb", "/tmp/dump.rdb"};
  EXPECT_EQ(Plan(req).snapshot_arns.size(), 2u);
  req["SnapshotArns"] = json::array({"bucket/dump.rdb"});
  EXPECT_EQ(ErrorOf(req), "InvalidParameterValue");
  req["SnapshotArns"] = {"file:///my%20dumps/dump.rdb", "http://127.0.0.1:8000/dump.rdb"};
  EXPECT_EQ(Plan(req).snapshot_arns.front(), "file:///my%20dumps/dump.rdb");  // kept as given
  req["SnapshotArns"] = json::array({"file:///bad%zzescape.rdb"});
  EXPECT_EQ(ErrorOf(req), "InvalidParameterValue");
}

TEST_F(PlanNewCluster, UnknownParameterGroup) {
  json req = Redis();
  req["CacheParameterGroupName"] = "my-params";
  EXPECT_EQ(ErrorOf(req), "CacheParameterGroupNotFound");
  req["CacheParameterGroupName"] = "default.redis7";
  EXPECT_EQ(ErrorOf(req), "");
}

TEST_F(PlanNewCluster, UserParameterGroupOfTheEngineFamily) {
  ServiceContext with_groups = context_;
  with_groups.parameter_group_family = [](const std::string& name) -> Result<std::string> {
    if (name == "web") return std::string("redis7");
    if (name == "mc") return std::string("memcached1.6");
    if (name == "default.redis7") return std::string("redis7");
    if (name == "default.memcached1.6") return std::string("memcached1.6");
    return ApiError{"CacheParameterGroupNotFound", "CacheParameterGroup " + name + " not found."};
  };
  auto error_of = [&](const json& req) {
    auto r = plan_new_cluster(req, with_groups);
    return r.ok() ? std::string() : r.error().code;
  };
  json req = Redis();
  req["CacheParameterGroupName"] = "Web";
  EXPECT_EQ(error_of(req), "");
  EXPECT_EQ(plan_new_cluster(req, with_groups)->parameter_group, "web");
  req["CacheParameterGroupName"] = "mc";
  EXPECT_EQ(error_of(req), "InvalidParameterCombination");
  req["CacheParameterGroupName"] = "default.memcached1.6";
  EXPECT_EQ(error_of(req), "InvalidParameterCombination");
  req["CacheParameterGroupName"] = "default.redis6.x";
  EXPECT_EQ(error_of(req), "InvalidParameterCombination");
  req["CacheParameterGroupName"] = "other";
  EXPECT_EQ(error_of(req), "CacheParameterGroupNotFound");
  json mc = Memcached(2);
  mc["CacheParameterGroupName"] = "mc";
  EXPECT_EQ(error_of(mc), "");
}

TEST_F(PlanNewCluster, AuthTokenNeedsTransitEncryption) {
  json req = Redis();
  req["AuthToken"] = "a-long-enough-secret-token";
  EXPECT_EQ(ErrorOf(req), "InvalidParameterCombination");
  req["TransitEncryptionEnabled"] = true;
  CacheClusterRecord r = Plan(req);
  // Kept as its digest only.
  EXPECT_EQ(r.auth_token_hashes,
            std::vector<std::string>{sha256_hex("a-long-enough-secret-token")});
  EXPECT_EQ(r.auth_token_modified, now_);
  EXPECT_TRUE(r.transit_encryption_enabled);
  EXPECT_EQ(r.transit_encryption_mode, "required");
  EXPECT_EQ(to_toml(r).find("a-long-enough-secret-token"), std::string::npos);
  req["AuthToken"] = "short";
  EXPECT_EQ(ErrorOf(req), "InvalidParameterValue");
}

// ElastiCache's rule: 16-128 characters, letters, digits and ! & # $ ^ < > -
// only. Anything else (a backslash Redis would read as an escape, a quote,
// a space, a control character) is refused before anything is written.
TEST_F(PlanNewCluster, AuthTokenCharactersAreElastiCaches) {
  json req = Redis();
  req["TransitEncryptionEnabled"] = true;
  for (std::string ok : {std::string("abcdefghijklmnop"), std::string(128, 'x'),
                         std::string("Ab1!&#$^<>-Ab1!&#$^<>-")}) {
    req["AuthToken"] = ok;
    EXPECT_EQ(ErrorOf(req), "") << ok;
  }
  std::vector<std::string> refused = {
      "abcdefghijklmno",       std::string(129, 'x'),
      "abcdefghijklmnop\\x41", "abcdefghijklmnop\\",
      "abcdefghijklmnop\"",    "abcdefghijklmnop'",
      "abcdefghijklmnop@",     "abcdefghijklmnop/",
      "abcdefghijklmnop ",     "abcdefghijklmnop%",
      "abcdefghijklmnop\n",    "abcdefghijklmnop\t",
      "abcdefghijklmnop\x7f",  "abcdefghijklmnop\xc3\xa9",
      "abcdefghijklmnop*",     std::string("abcdefghijklmnop\0q", 18)};
  for (const std::string& bad : refused) {
    req["AuthToken"] = bad;
    EXPECT_EQ(ErrorOf(req), "InvalidParameterValue") << bad;
  }
}

TEST_F(PlanNewCluster, ReplicationGroupsDoNotExist) {
  json req = Redis();
  req["ReplicationGroupId"] = "my-group";
  EXPECT_EQ(ErrorOf(req), "ReplicationGroupNotFoundFault");
}

// A subnet group must exist; its subnets' zones are where nodes go unless
// the request says otherwise.
TEST_F(PlanNewCluster, SubnetGroupZonesPlaceTheNodes) {
  ServiceContext with_group = context_;
  with_group.subnet_group_zones = [](const std::string& name) -> Result<std::vector<std::string>> {
    if (name != "apps") return ApiError{"CacheSubnetGroupNotFoundFault", "not found"};
    return std::vector<std::string>{"us-east-1b", "us-east-1c", "us-east-1b"};
  };
  json req = {
      {"CacheClusterId", "mc"}, {"Engine", "memcached"}, {"CacheNodeType", "cache.t3.micro"},
      {"NumCacheNodes", 3},     {"AZMode", "cross-az"},  {"CacheSubnetGroupName", "Apps"}};
  auto r = plan_new_cluster(req, with_group);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->subnet_group, "apps");
  ASSERT_EQ(r->nodes.size(), 3u);
  EXPECT_EQ(r->nodes[0].availability_zone, "us-east-1b");
  EXPECT_EQ(r->nodes[1].availability_zone, "us-east-1c");
  EXPECT_EQ(r->nodes[2].availability_zone, "us-east-1b");
  req.erase("AZMode");
  req["NumCacheNodes"] = 1;
  auto single = plan_new_cluster(req, with_group);
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(single->preferred_availability_zone, "us-east-1b");
  req["PreferredAvailabilityZone"] = "us-east-1a";  // a zone the group has no subnet in
  auto told = plan_new_cluster(req, with_group);
  ASSERT_TRUE(told.ok());
  EXPECT_EQ(told->nodes[0].availability_zone, "us-east-1a");
  req["CacheSubnetGroupName"] = "nosuch";
  EXPECT_EQ(plan_new_cluster(req, with_group).error().code, "CacheSubnetGroupNotFoundFault");
  req["CacheSubnetGroupName"] = "default";
  auto by_default = plan_new_cluster(req, with_group);
  ASSERT_TRUE(by_default.ok());
  EXPECT_EQ(by_default->subnet_group, "");
}

TEST_F(PlanNewCluster, EngineVersionNotInstalled) {
  json req = Redis();
  req["EngineVersion"] = "5.0.6";
  EXPECT_EQ(ErrorOf(req), "InvalidParameterValue");
  ServiceContext nothing{{},      now_,    "us-east-1", nullptr, nullptr,
                         nullptr, nullptr, false,       nullptr, nullptr};
  auto r = plan_new_cluster(Redis(), nothing);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "InvalidParameterValue");
}

TEST_F(PlanNewCluster, AtMostFiftyTags) {
  json req = Redis();
  json tags = json::array();
  for (int i = 0; i < 50; ++i) tags.push_back({{"Key", "k" + std::to_string(i)}, {"Value", "v"}});
  req["Tags"] = tags;
  CacheClusterRecord r = Plan(req);
  ASSERT_EQ(r.tags.size(), 50u);
  EXPECT_EQ(r.tags[7].key, "k7");
  EXPECT_EQ(r.tags[7].value, "v");
  tags.push_back({{"Key", "k50"}, {"Value", "v"}});
  req["Tags"] = tags;
  EXPECT_EQ(ErrorOf(req), "TagQuotaPerResourceExceeded");
}

TEST_F(PlanNewCluster, ExplicitPortIsKept) {
  json req = Redis();
  req["Port"] = 7000;
  CacheClusterRecord r = Plan(req);
  EXPECT_EQ(r.port, 7000);
  EXPECT_EQ(r.nodes.at(0).port, 7000);
  req["Port"] = 70000;
  EXPECT_EQ(ErrorOf(req), "InvalidParameterValue");
}

}  // namespace
}  // namespace cachectl::core
