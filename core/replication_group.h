// A replication group as the registry stores it:
// STATE/replication-groups/ID.toml. Its members are ordinary cache clusters
// (ID-001, ID-002, ...; in cluster mode ID-0001-001, ...: node group 0001,
// member 001; each record names the group), one node each; the group record
// holds what is the group's own: the description, the member list, which
// member was last seen primary, the failover settings and the endpoint
// addresses, and in cluster mode its node groups (shards) with the slots
// each should serve. Roles are not stored as truth: describe asks the
// members' daemons (docs/architecture.md, "Replication groups", "Cluster
// mode").
#pragma once

#include <string>
#include <vector>

#include "core/cluster.h"
#include "core/record_store.h"
#include "core/slots.h"
#include "core/state_home.h"

namespace cachectl::core {

// The node ids under which a group's endpoint addresses are claimed
// ("GROUP/rg-primary"): not node ids of any cluster, so a claim of a group
// is never taken for a cluster's leftover.
inline constexpr std::string_view kPrimaryEndpointId = "rg-primary";
inline constexpr std::string_view kReaderEndpointId = "rg-reader";
// Cluster mode: the ConfigurationEndpoint's address (every member's engine
// binds it too; the group daemon's admin socket is named after it).
inline constexpr std::string_view kConfigurationEndpointId = "rg-config";
// Whether an address claim's owner ("GROUP/rg-primary") is a group's
// endpoint rather than a cluster's node.
bool is_group_endpoint_claim(std::string_view owner);
// Redis Sentinel listens on the reader endpoint's address, on this port.
inline constexpr int kSentinelPort = 26379;

// A multi-step group operation in progress (as core/cluster.h's Intent is
// for a cluster), written before its first side effect; the group's
// operation lock covers it while its owner lives.
struct GroupIntent {
  // create | add | remove | delete | reshard ("" = none)
  std::string operation;
  int pid = 0;
  TimePoint started{};
  std::vector<std::string> members;  // the members being added or removed
  bool retain_primary = false;       // delete --retain-primary-cluster
  // reshard: the node groups to remove once their slots have moved away.
  std::vector<std::string> node_groups;
  bool empty() const { return operation.empty(); }
};

// An intent of `operation` for this process, started `now`.
GroupIntent new_group_intent(std::string operation, TimePoint now,
                             std::vector<std::string> members = {}, bool retain_primary = false);

// Cluster mode: one node group (shard), a primary and its replicas.
struct NodeGroupRecord {
  std::string id;                    // "0001"
  SlotRanges slots;                  // the slots it is to serve (none: being removed)
  std::vector<std::string> members;  // member cluster ids
  std::string primary;               // the member last known to be its primary
  bool has_member(std::string_view cluster) const;
};

struct ReplicationGroupRecord {
  std::string id;
  std::string description;
  std::vector<std::string> members;  // cache cluster ids, in order
  std::string primary;               // the member last known to be primary
  bool automatic_failover = false;
  bool multi_az = false;
  std::string primary_address;  // PrimaryEndpoint (bound by the primary's engine)
  std::string reader_address;   // ReaderEndpoint (the group daemon's forwarder)
  int port = 6379;
  std::string snapshotting_cluster;
  std::string node_type;
  std::string engine = "redis";
  std::string engine_version;
  std::string parameter_group;
  std::string snapshot_window;
  int snapshot_retention_limit = 0;
  std::string maintenance_window;
  std::string notification_topic_arn;
  bool auto_minor_version_upgrade = true;
  bool auth_token_enabled = false;
  bool transit_encryption_enabled = false;
  bool at_rest_encryption_enabled = false;
  std::string network_type = "ipv4";
  std::string ip_discovery = "ipv4";
  std::vector<Tag> tags;
  TimePoint create_time;
  Lifecycle lifecycle = Lifecycle::kActive;
  GroupIntent intent;

  // Cluster mode (ClusterEnabled). Redis Cluster shards the keys over the
  // node groups; the group daemon's cluster manager makes the engines'
  // cluster match `node_groups` (node/cluster_manager.h).
  bool cluster_enabled = false;
  std::string cluster_mode = "disabled";  // the API's ClusterMode: enabled | compatible | disabled
  std::string configuration_address;      // ConfigurationEndpoint (cluster mode)
  std::vector<NodeGroupRecord> node_groups;
  // Goes up at every change of `node_groups`; the cluster manager reports
  // which version it has made true, so a layout not yet reached never
  // shows as available.
  int layout_version = 1;
  bool formed = false;   // the cluster has been complete once (creating until then)
  bool seeding = false;  // keys of a snapshot still to be loaded (groups/ID/seed/)

  bool has_member(std::string_view cluster) const;
  NodeGroupRecord* find_node_group(std::string_view id);
  const NodeGroupRecord* find_node_group(std::string_view id) const;
  // The node group a member belongs to (nullptr: none).
  const NodeGroupRecord* node_group_of(std::string_view cluster) const;
  // The address whose admin socket the group daemon serves.
  const std::string& daemon_address() const {
    return cluster_enabled ? configuration_address : reader_address;
  }
  // The endpoint addresses the group claimed.
  std::vector<std::string> endpoint_addresses() const;
};

// Whether a member whose engine or daemon died waits for a failover before
// it starts again: it is the primary (of its node group, in cluster mode)
// and a replica can take over (automatic failover on; always in cluster
// mode, where it is Redis Cluster's). Restarted at once, it would come back
// an empty primary whose replicas copy its emptiness; after the promotion
// it rejoins as a replica.
bool restart_waits_for_failover(const ReplicationGroupRecord& group, std::string_view member);

std::string to_toml(const ReplicationGroupRecord& record);
Result<ReplicationGroupRecord> replication_group_from_toml(std::string_view text,
                                                           std::string_view origin);

// "group-001" for (group, 1): ElastiCache's member names.
std::string member_cluster_id(std::string_view group, int n);
// Cluster mode: "group-0002-001" for (group, "0002", 1).
std::string shard_member_id(std::string_view group, std::string_view node_group, int n);
// "0002" for 2.
std::string node_group_id(int n);
// The next free member number of a node group (its members' suffixes + 1).
int next_shard_member_number(const NodeGroupRecord& node_group);
// The next free node group number of a group.
int next_node_group_number(const ReplicationGroupRecord& group);
// Every node group's slots, by node group id.
SlotLayout layout_of(const ReplicationGroupRecord& group);

// The next free member number of a group (its members' suffixes + 1).
int next_member_number(const ReplicationGroupRecord& group);

// Where a group's daemon keeps its files (sentinel.conf, logs, lock) and the
// secret that names the members' restricted commands (shared by every
// member, since Sentinel reaches them all under one name).
fs::path group_dir(const StateHome& home, std::string_view group);

class ReplicationGroupStore {
 public:
  explicit ReplicationGroupStore(StateHome home);
  const StateHome& home() const { return home_; }
  fs::path file(std::string_view id) const;

  // ReplicationGroupNotFoundFault, or RegistryFileInvalid naming the file.
  [[nodiscard]] Result<ReplicationGroupRecord> get(std::string_view id) const;
  std::vector<std::string> list_ids() const;
  // ReplicationGroupAlreadyExists when the id is taken.
  [[nodiscard]] Status create(const ReplicationGroupRecord& group) const;
  [[nodiscard]] Status update(std::string_view id,
                              const std::function<Status(ReplicationGroupRecord&)>& change) const;
  [[nodiscard]] Status remove(std::string_view id) const;
  // The stored form of an id (lower-cased), or nullopt when none can be stored.
  std::optional<std::string> key(std::string_view id) const;

 private:
  StateHome home_;
  RecordStore<ReplicationGroupRecord> store_;
};

}  // namespace cachectl::core
