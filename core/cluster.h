// A cache cluster as the registry stores it: what the user asked for and
// what was allocated (addresses). Live status is never stored here; it comes
// from the node daemons.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace cachectl::core {

struct Tag {
  std::string key;
  std::string value;
};

struct LogDelivery {
  std::string log_type;          // slow-log | engine-log
  std::string destination_type;  // cloudwatch-logs | kinesis-firehose
  std::string destination;       // log group or delivery stream
  std::string log_format;        // text | json
  bool enabled = true;
};

struct CacheNodeRecord {
  std::string id;  // "0001"
  std::string address;
  int port = 0;
  std::string availability_zone;
  TimePoint create_time;
};

enum class Lifecycle { kActive, kDeleting };

// Changes accepted without --apply-immediately, applied in the maintenance
// window (PendingModifiedValues).
struct PendingChanges {
  int num_cache_nodes = 0;  // 0 = no change pending
  std::vector<std::string> cache_node_ids_to_remove;
  std::string cache_node_type;  // "" = no change pending
  std::string engine_version;   // "" = no change pending
  bool empty() const {
    return num_cache_nodes == 0 && cache_node_ids_to_remove.empty() && cache_node_type.empty() &&
           engine_version.empty();
  }
};

// A multi-step operation in progress, written into the record before its
// first side effect and cleared after its last (docs/architecture.md,
// "Intents and resume"). The process doing it holds the cluster's operation
// lock (core/intent.h) meanwhile; an intent nobody's lock covers was left by
// a killed process, and the next command on the cluster finishes or undoes it.
struct Intent {
  // create | modify | snapshot | delete ("" = none)
  std::string operation;
  // delete: "final-snapshot" (undone: the cluster stays) or "teardown".
  std::string step;
  int pid = 0;
  TimePoint started{};
  // modify: nodes added (their daemons are started) and whether the engines
  // restart for a new node type or engine version. Removed nodes are the
  // record's `removing`.
  std::vector<std::string> added;
  bool restart = false;
  // snapshot, delete with a final snapshot: the snapshot being taken.
  std::string snapshot;
  bool empty() const { return operation.empty(); }
};

// The node id under which a Memcached cluster's configuration endpoint runs
// (its own daemon and address; it is not a cache node).
inline constexpr std::string_view kConfigEndpointId = "cfg";

struct CacheClusterRecord {
  std::string id;
  std::string engine;
  std::string engine_version;
  std::string node_type;
  int num_cache_nodes = 1;
  std::string az_mode = "single-az";
  std::string preferred_availability_zone;
  std::vector<std::string> preferred_availability_zones;
  std::string parameter_group;
  std::string subnet_group;
  std::vector<std::string> cache_security_group_names;
  std::vector<std::string> security_group_ids;
  std::vector<Tag> tags;
  std::vector<std::string> snapshot_arns;
  std::string snapshot_name;
  std::string maintenance_window;
  std::string snapshot_window;
  int snapshot_retention_limit = 0;
  int port = 0;
  std::string notification_topic_arn;
  std::string notification_topic_status;
  bool auto_minor_version_upgrade = true;
  // The AuthToken as SHA-256 digests (core/secret_hash.h), never the token
  // itself: the current one first and, after a ROTATE, the previous one,
  // both accepted until the next SET. Empty: no AuthToken. The engine's
  // `default` user takes them as its passwords (core/access_control.h).
  std::vector<std::string> auth_token_hashes;
  TimePoint auth_token_modified{};
  bool transit_encryption_enabled = false;
  // "required" (the port speaks TLS only) or "preferred" (TLS and plain
  // text); "" when transit encryption is off.
  std::string transit_encryption_mode;
  std::string network_type = "ipv4";
  std::string ip_discovery = "ipv4";
  std::string outpost_mode;
  std::string preferred_outpost_arn;
  std::vector<std::string> preferred_outpost_arns;
  std::vector<LogDelivery> log_deliveries;
  TimePoint create_time;
  Lifecycle lifecycle = Lifecycle::kActive;
  std::vector<CacheNodeRecord> nodes;
  // Memcached: the cluster-level endpoint that answers auto discovery, and
  // the version of the node list it serves (+1 at every node added/removed).
  std::string config_address;
  int config_port = 0;
  int config_version = 1;
  PendingChanges pending;
  // The start of the last maintenance window whose work was done (epoch when
  // none yet): the scheduler acts once per window.
  TimePoint last_maintenance{};
  // Nodes taken out of the cluster whose daemons are still being stopped: the
  // cluster shows "modifying" until they are gone.
  std::vector<CacheNodeRecord> removing;
  // Nodes that must be rebooted for requires-reboot parameter changes of
  // the cluster's parameter group to take effect (ParameterApplyStatus
  // pending-reboot); rebooting a node takes it off.
  std::vector<std::string> nodes_to_reboot;
  Intent intent;
  // The replication group this cluster is a member of ("" = none): its role
  // (primary or replica) and the group's primary endpoint come from the
  // group's record (core/replication_group.h).
  std::string replication_group_id;

  bool has_config_endpoint() const { return engine == "memcached"; }
  bool auth_token_enabled() const { return !auth_token_hashes.empty(); }
  // The topic the cluster's events are delivered to ("" when none or inactive).
  std::string active_topic() const {
    return notification_topic_status == "active" ? notification_topic_arn : "";
  }

  const CacheNodeRecord* find_node(std::string_view node_id) const;
  // Whether its nodes start from data given at creation (a snapshot, or RDB
  // files by SnapshotArns).
  bool restores_data() const { return !snapshot_name.empty() || !snapshot_arns.empty(); }
};

// TOML text of a record; parsing names `origin` (the file) in every error and
// checks every field, so that a file edited by hand cannot crash anything.
std::string to_toml(const CacheClusterRecord& record);
Result<CacheClusterRecord> cluster_from_toml(std::string_view text, std::string_view origin);

}  // namespace cachectl::core
