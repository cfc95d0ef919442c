// node/discovery.h: the auto discovery answer, byte for byte.
#include "node/discovery.h"

#include <gtest/gtest.h>

namespace cachectl::node {
namespace {

core::CacheClusterRecord Cluster(std::vector<std::pair<std::string, int>> nodes, int version) {
  core::CacheClusterRecord r;
  r.id = "sessions";
  r.engine = "memcached";
  r.config_version = version;
  int i = 1;
  for (auto& [address, port] : nodes) {
    core::CacheNodeRecord n;
    n.id = "000" + std::to_string(i++);
    n.address = address;
    n.port = port;
    r.nodes.push_back(n);
  }
  return r;
}

TEST(Discovery, ConfigGetClusterIsElastiCachesFormat) {
  auto c = Cluster({{"127.9.0.2", 11211}, {"127.9.0.1", 11211}}, 12);
  std::string payload = "12\n127.9.0.1|127.9.0.1|11211 127.9.0.2|127.9.0.2|11211\n";
  EXPECT_EQ(discovery_payload(c), payload);
  EXPECT_EQ(config_get_cluster_reply(c), "CONFIG cluster 0 " + std::to_string(payload.size()) +
                                             "\r\n" + payload + "\r\nEND\r\n");
  EXPECT_EQ(config_get_cluster_reply(c).substr(0, 20), "CONFIG cluster 0 55\r");
}

TEST(Discovery, NodesAreInAlphabeticalOrderOfHostName) {
  auto c = Cluster({{"127.9.0.10", 11211}, {"127.9.0.9", 11211}, {"127.9.0.1", 11300}}, 1);
  EXPECT_EQ(discovery_payload(c),
            "1\n127.9.0.1|127.9.0.1|11300 127.9.0.10|127.9.0.10|11211 127.9.0.9|127.9.0.9|11211\n");
}

TEST(Discovery, LegacyGetHasTheSamePayloadAsAValue) {
  auto c = Cluster({{"127.9.0.1", 11211}}, 3);
  EXPECT_EQ(legacy_get_cluster_reply(c),
            "VALUE AmazonElastiCache:cluster 0 28\r\n3\n127.9.0.1|127.9.0.1|11211\n\r\nEND\r\n");
}

}  // namespace
}  // namespace cachectl::node
