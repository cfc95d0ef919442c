#include "node/discovery.h"

#include <algorithm>
#include <vector>

namespace cachectl::node {

std::string discovery_payload(const core::CacheClusterRecord& c) {
  std::vector<const core::CacheNodeRecord*> nodes;
  for (const auto& n : c.nodes) nodes.push_back(&n);
  std::sort(nodes.begin(), nodes.end(), [](auto* a, auto* b) { return a->address < b->address; });
  std::string line;
  for (const auto* n : nodes) {
    line +=
        (line.empty() ? "" : " ") + n->address + "|" + n->address + "|" + std::to_string(n->port);
  }
  return std::to_string(c.config_version) + "\n" + line + "\n";
}

std::string config_get_cluster_reply(const core::CacheClusterRecord& c) {
  std::string payload = discovery_payload(c);
  return "CONFIG cluster 0 " + std::to_string(payload.size()) + "\r\n" + payload + "\r\nEND\r\n";
}

std::string legacy_get_cluster_reply(const core::CacheClusterRecord& c) {
  std::string payload = discovery_payload(c);
  return "VALUE AmazonElastiCache:cluster 0 " + std::to_string(payload.size()) + "\r\n" + payload +
         "\r\nEND\r\n";
}

}  // namespace cachectl::node
