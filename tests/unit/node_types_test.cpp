// core/node_types.h: the ElastiCache node type catalog and the memory each
// type gives its engine.
#include "core/node_types.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace cachectl::core {
namespace {

TEST(NodeTypeCatalog, IsSortedByNameWithoutDuplicates) {
  auto all = node_type_catalog();
  ASSERT_GT(all.size(), 100u);
  for (std::size_t i = 1; i < all.size(); ++i) {
    EXPECT_LT(all[i - 1].name, all[i].name) << "at index " << i;
  }
}

TEST(NodeTypeCatalog, NamesAreCacheFamilySize) {
  for (const NodeType& t : node_type_catalog()) {
    std::string name(t.name);
    ASSERT_EQ(name.rfind("cache.", 0), 0u) << name;
    auto dot = name.find('.', 6);
    ASSERT_NE(dot, std::string::npos) << name;
    EXPECT_EQ(name.substr(6, dot - 6), t.family) << name;
    EXPECT_LT(dot + 1, name.size()) << name;
  }
}

TEST(NodeTypeCatalog, EveryTypeHasMemoryOrADocumentedMaxmemory) {
  for (const NodeType& t : node_type_catalog()) {
    EXPECT_TRUE(t.memory_gib > 0 || t.redis_maxmemory_bytes > 0) << t.name;
    EXPECT_GE(t.memory_gib, 0) << t.name;
    EXPECT_GE(t.redis_maxmemory_bytes, 0) << t.name;
    EXPECT_GE(t.memcached_max_cache_memory_mib, 0) << t.name;
    EXPECT_GT(redis_maxmemory(t), 0) << t.name;
  }
}

TEST(NodeTypeCatalog, EveryTypeHasVcpus) {
  for (const NodeType& t : node_type_catalog()) EXPECT_GT(t.vcpus, 0) << t.name;
}

TEST(NodeTypeCatalog, OnlyT1MicroLacksSnapshots) {
  for (const NodeType& t : node_type_catalog()) {
    EXPECT_EQ(t.supports_snapshots, t.name != "cache.t1.micro") << t.name;
  }
}

TEST(FindNodeType, FindsEveryCatalogEntry) {
  for (const NodeType& t : node_type_catalog()) {
    const NodeType* found = find_node_type(t.name);
    ASSERT_NE(found, nullptr) << t.name;
    EXPECT_EQ(found, &t);
  }
}

TEST(FindNodeType, KnownNames) {
  const NodeType* m5 = find_node_type("cache.m5.large");
  ASSERT_NE(m5, nullptr);
  EXPECT_EQ(m5->name, "cache.m5.large");
  EXPECT_EQ(m5->family, "m5");
  EXPECT_TRUE(m5->current_generation);
  EXPECT_DOUBLE_EQ(m5->memory_gib, 6.38);
  ASSERT_NE(find_node_type("cache.r6gd.xlarge"), nullptr);
  ASSERT_NE(find_node_type("cache.t4g.micro"), nullptr);
}

TEST(FindNodeType, UnknownNamesAreNull) {
  for (std::string_view name : {"", "cache.m5.huge", "m5.large", "CACHE.M5.LARGE", "cache.m5.larg",
                                "cache.m5.large ", "cache.r6gd.large", "cache.", "zzz"}) {
    EXPECT_EQ(find_node_type(name), nullptr) << name;
  }
}

TEST(T1Micro, IsPreviousGenerationWithoutSnapshots) {
  const NodeType* t = find_node_type("cache.t1.micro");
  ASSERT_NE(t, nullptr);
  EXPECT_FALSE(t->current_generation);
  EXPECT_FALSE(t->supports_snapshots);
  EXPECT_EQ(t->redis_maxmemory_bytes, 142606336);
  EXPECT_DOUBLE_EQ(t->memory_gib, 0.213);
}

TEST(RedisMaxmemory, TakesTheReservedPercentOffTheDocumentedValue) {
  ASSERT_EQ(kReservedMemoryPercent, 25);
  const NodeType* t = find_node_type("cache.t1.micro");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(redis_maxmemory(*t), 142606336LL * 75 / 100);
  EXPECT_EQ(redis_maxmemory(*t), 106954752);
}

TEST(RedisMaxmemory, WithoutADocumentedValueUsesTheNodesMemory) {
  NodeType t{"cache.x9.test", "x9", true, 4.0, 0, 0, 2, true};
  EXPECT_EQ(redis_maxmemory(t), 3LL << 30);  // 75% of 4 GiB
}

TEST(RedisMaxmemory, IsLessThanTheDocumentedValueForEveryType) {
  for (const NodeType& t : node_type_catalog()) {
    if (t.redis_maxmemory_bytes == 0) continue;
    double expected =
        static_cast<double>(t.redis_maxmemory_bytes) * (100 - kReservedMemoryPercent) / 100.0;
    EXPECT_LE(std::abs(static_cast<double>(redis_maxmemory(t)) - expected), 1.0) << t.name;
  }
}

TEST(MemcachedMemory, IsTheDocumentedMaxCacheMemoryLessTheConnectionsOverhead) {
  const NodeType* t = find_node_type("cache.t1.micro");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(memcached_memory_mib(*t), 213 - kMemcachedConnectionsOverheadMib);
  NodeType undocumented{"cache.x9.test", "x9", true, 4.0, 0, 0, 2, true};
  EXPECT_EQ(memcached_memory_mib(undocumented), 4096 - kMemcachedConnectionsOverheadMib);
}

}  // namespace
}  // namespace cachectl::core
