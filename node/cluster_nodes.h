// CLUSTER NODES, read: one engine's view of the Redis Cluster it is in
// (who is there, who is primary of whom, which slots each primary serves
// and which slots are being migrated). Pure, for the cluster manager and
// its tests.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/slots.h"

namespace cachectl::node {

struct ClusterNode {
  std::string id;
  std::string address;
  int port = 0;
  bool myself = false;
  bool master = false;
  bool replica = false;
  bool fail = false;       // fail or fail? (pfail): not answering
  bool handshake = false;  // met, not yet known
  bool noaddr = false;
  std::string master_id;  // a replica's primary ("" for a primary)
  std::int64_t config_epoch = 0;
  bool connected = false;
  core::SlotRanges slots;
  std::map<int, std::string> migrating;  // slot -> the node it is moving to
  std::map<int, std::string> importing;  // slot -> the node it is coming from
};

// Every line of a CLUSTER NODES reply; lines that cannot be read are
// skipped (never a crash on an engine's odd answer).
std::vector<ClusterNode> parse_cluster_nodes(const std::string& text);

// The entry flagged "myself" (nullptr when there is none).
const ClusterNode* myself(const std::vector<ClusterNode>& nodes);
const ClusterNode* find_node(const std::vector<ClusterNode>& nodes, const std::string& id);

// A field of CLUSTER INFO ("cluster_state" -> "ok"); "" when absent.
std::string cluster_info_field(const std::string& info, const std::string& name);

}  // namespace cachectl::node
