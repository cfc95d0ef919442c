// How a node runs its engine: the command line and configuration file
// generated from the cluster record (address, port, memory from the node
// type, directory).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/cluster.h"

namespace cachectl::node {

struct EngineLaunch {
  std::vector<std::string> argv;
  std::filesystem::path config_file;  // empty when the engine takes no file
  std::string config_text;
  std::vector<std::string> env;  // extra environment ("NAME=VALUE")
};

// The values a user's parameter group sets (`group_values`, by parameter
// name) go to the engine with the family's defaults for the rest, for the
// parameters that reach the engine (core/parameter_table.cpp).
using GroupValues = std::map<std::string, std::string>;

// A replication group member's place in its group at the engine's start
// (node/replication_role.h watches it from then on).
struct ReplicationSetup {
  bool member = false;
  bool primary = false;
  std::string primary_endpoint;  // the group's PrimaryEndpoint address
  std::string reader_endpoint;   // the group's ReaderEndpoint address
  // Whether this member serves the ReaderEndpoint at start: every replica,
  // and the primary of a group that has none.
  bool serves_reader = false;
  std::string upstream_address;  // a replica: the primary's node address
  int upstream_port = 0;
  // Cluster mode: the engine is a Redis Cluster node. Who replicates whom
  // and which slots it serves are the cluster manager's (CLUSTER REPLICATE,
  // ADDSLOTSRANGE), kept by the engine in `cluster_config_file` across
  // restarts; the ConfigurationEndpoint address is bound beside its own.
  bool cluster = false;
  std::string configuration_endpoint;
  std::filesystem::path cluster_config_file;
  int node_timeout_ms = 15000;
};
// `command_key`: the node's secret for the restricted commands the daemon
// uses (core/restricted_commands.h); every restricted command is renamed,
// to "" when it is unused or no key is given. `notify_socket`: where the
// engine says it is ready (node/ready_notice.h), "" for nowhere.
EngineLaunch redis_launch(const core::CacheClusterRecord& cluster,
                          const core::CacheNodeRecord& node, const std::filesystem::path& dir,
                          const GroupValues& group_values = {}, const std::string& command_key = {},
                          const ReplicationSetup& replication = {},
                          const std::string& notify_socket = {});
EngineLaunch memcached_launch(const core::CacheClusterRecord& cluster,
                              const core::CacheNodeRecord& node,
                              const GroupValues& group_values = {});
EngineLaunch engine_launch(const core::CacheClusterRecord& cluster,
                           const core::CacheNodeRecord& node, const std::filesystem::path& dir,
                           const GroupValues& group_values = {},
                           const std::string& command_key = {},
                           const ReplicationSetup& replication = {},
                           const std::string& notify_socket = {});

// Redis Cluster's cluster-node-timeout for cluster-mode members: Redis's
// own default (15 s), or $CACHECTL_CLUSTER_NODE_TIMEOUT_MS (tests shorten
// how long a failover takes with it).
int cluster_node_timeout_ms();

// `value` as one argument of a redis.conf line: double-quoted, `\` and `"`
// escaped, every other byte outside printable ASCII as \xHH, so Redis's
// parser (sdssplitargs) reads back exactly `value`. Redis keeps string
// settings as C strings: a value holding a NUL byte cannot be represented,
// and callers refuse such values before they get here.
std::string redis_conf_quote(const std::string& value);

// The library every member's redis-server is started with (LD_PRELOAD), so
// that its listening socket on the ReaderEndpoint address shares the port
// with the other members' (SO_REUSEPORT; node/reuseport_shim.cpp):
// $CACHECTL_REUSEPORT_LIB, else libcachectl-reuseport.so beside
// cachectl-node or in ../lib/cachectl/ from it.
std::string reuseport_library();

}  // namespace cachectl::node
