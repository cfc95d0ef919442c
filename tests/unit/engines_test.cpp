// core/engines.h: engine families, default ports and version resolution.
#include "core/engines.h"

#include <gtest/gtest.h>

namespace cachectl::core {
namespace {

const std::vector<InstalledEngine> kInstalled = {
    {"redis", "6.0.16"}, {"redis", "7.0.15"}, {"memcached", "1.6.18"}};

TEST(Engines, OnlyRedisAndMemcachedAreKnown) {
  EXPECT_TRUE(is_known_engine("redis"));
  EXPECT_TRUE(is_known_engine("memcached"));
  EXPECT_FALSE(is_known_engine("valkey"));
  EXPECT_FALSE(is_known_engine("Redis"));
  EXPECT_FALSE(is_known_engine(""));
}

TEST(Engines, DefaultPortsAreTheEnginesStandardOnes) {
  EXPECT_EQ(default_port("redis"), 6379);
  EXPECT_EQ(default_port("memcached"), 11211);
}

TEST(ParameterGroupFamily, RedisSevenAndLaterIsMajorOnly) {
  EXPECT_EQ(parameter_group_family("redis", "7.0.15"), "redis7");
  EXPECT_EQ(parameter_group_family("redis", "7.1.0"), "redis7");
}

TEST(ParameterGroupFamily, RedisSixIsSixX) {
  EXPECT_EQ(parameter_group_family("redis", "6.2.6"), "redis6.x");
  EXPECT_EQ(parameter_group_family("redis", "6.0.16"), "redis6.x");
}

TEST(ParameterGroupFamily, OlderRedisIsMajorDotMinor) {
  EXPECT_EQ(parameter_group_family("redis", "5.0.6"), "redis5.0");
  EXPECT_EQ(parameter_group_family("redis", "4.0.10"), "redis4.0");
  EXPECT_EQ(parameter_group_family("redis", "3.2.6"), "redis3.2");
  EXPECT_EQ(parameter_group_family("redis", "2.8.24"), "redis2.8");
}

TEST(ParameterGroupFamily, MemcachedIsMajorDotMinor) {
  EXPECT_EQ(parameter_group_family("memcached", "1.6.18"), "memcached1.6");
  EXPECT_EQ(parameter_group_family("memcached", "1.5.16"), "memcached1.5");
}

TEST(ParameterGroupFamily, DefaultGroupIsDefaultDotFamily) {
  EXPECT_EQ(default_parameter_group("redis", "7.0.15"), "default.redis7");
  EXPECT_EQ(default_parameter_group("redis", "6.2.6"), "default.redis6.x");
  EXPECT_EQ(default_parameter_group("memcached", "1.6.18"), "default.memcached1.6");
}

TEST(ResolveEngineVersion, MajorMinorPrefixMatches) {
  auto e = resolve_engine_version(kInstalled, "redis", "7.0");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->engine, "redis");
  EXPECT_EQ(e->version, "7.0.15");
}

TEST(ResolveEngineVersion, MajorAndMajorDotXMatch) {
  auto a = resolve_engine_version(kInstalled, "redis", "7");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->version, "7.0.15");
  auto b = resolve_engine_version(kInstalled, "redis", "7.x");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->version, "7.0.15");
  auto c = resolve_engine_version(kInstalled, "redis", "6.x");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->version, "6.0.16");
}

TEST(ResolveEngineVersion, ExactVersionMatches) {
  auto e = resolve_engine_version(kInstalled, "redis", "7.0.15");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->version, "7.0.15");
}

TEST(ResolveEngineVersion, OtherVersionsDoNotMatch) {
  EXPECT_FALSE(resolve_engine_version(kInstalled, "redis", "6.2").has_value());
  EXPECT_FALSE(resolve_engine_version(kInstalled, "redis", "7.0.1").has_value());
  EXPECT_FALSE(resolve_engine_version(kInstalled, "redis", "7.1").has_value());
  EXPECT_FALSE(resolve_engine_version(kInstalled, "redis", "8").has_value());
  EXPECT_FALSE(resolve_engine_version(kInstalled, "redis", "7.0.").has_value());
  EXPECT_FALSE(resolve_engine_version(kInstalled, "redis", "latest").has_value());
}

TEST(ResolveEngineVersion, EmptyPicksTheNewestInstalled) {
  auto e = resolve_engine_version(kInstalled, "redis", "");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->version, "7.0.15");
  // Numeric, not textual, order: 10.0.0 is newer than 9.9.9.
  std::vector<InstalledEngine> many = {{"redis", "10.0.0"}, {"redis", "9.9.9"}};
  EXPECT_EQ(resolve_engine_version(many, "redis", "")->version, "10.0.0");
}

TEST(ResolveEngineVersion, OnlyTheRequestedEngineCounts) {
  auto m = resolve_engine_version(kInstalled, "memcached", "");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->engine, "memcached");
  EXPECT_EQ(m->version, "1.6.18");
  EXPECT_FALSE(resolve_engine_version(kInstalled, "memcached", "7.0").has_value());
  EXPECT_FALSE(resolve_engine_version({}, "redis", "").has_value());
  EXPECT_FALSE(resolve_engine_version({{"memcached", "1.6.18"}}, "redis", "").has_value());
}

}  // namespace
}  // namespace cachectl::core
