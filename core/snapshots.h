// The snapshot store: STATE/snapshots/NAME/ holds snapshot.toml (what the
// API's Snapshot shape shows) and one RDB file per node (0001.rdb). A
// snapshot is published by renaming a complete temporary directory into
// place (RecordFolder::publish), so it is either complete and listed or not
// there at all. Names are lower-cased by the store; a snapshot whose record
// cannot be read is listed and reported (RegistryFileInvalid naming the
// file) wherever it is read, and can still be deleted.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/cluster.h"
#include "core/record_store.h"
#include "core/state_home.h"

namespace cachectl::core {

struct NodeSnapshotRecord {
  NodeSnapshotRecord() = default;
  NodeSnapshotRecord(std::string node, std::int64_t size, TimePoint node_created, TimePoint taken)
      : cache_node_id(std::move(node)),
        size_bytes(size),
        cache_node_create_time(node_created),
        snapshot_create_time(taken) {}

  std::string cache_node_id;
  std::int64_t size_bytes = 0;
  TimePoint cache_node_create_time;
  TimePoint snapshot_create_time;
  // A cluster-mode group's snapshot has one node snapshot per node group
  // (shard): the member it was taken from and its node group's
  // configuration then.
  std::string cache_cluster_id;
  std::string node_group_id;
  std::string slots;
  int replica_count = 0;
  std::string primary_zone;
  std::vector<std::string> replica_zones;
  // The RDB's name in the snapshot's directory (without ".rdb"): the node
  // group id for a cluster-mode snapshot, else the node id.
  const std::string& file_key() const {
    return node_group_id.empty() ? cache_node_id : node_group_id;
  }
};

struct SnapshotRecord {
  std::string name;
  std::string source = "manual";  // manual | system
  CacheClusterRecord cluster;     // the cluster as it was (nodes unused)
  std::vector<NodeSnapshotRecord> nodes;
  std::vector<Tag> tags;  // the snapshot's own (the cluster's are in `cluster`)
  // A cluster-mode replication group's snapshot ("" = a cluster's).
  std::string replication_group_id;
  std::string replication_group_description;
  bool cluster_mode() const { return !replication_group_id.empty(); }
};

// The API's Snapshot shape. With `node_group_config` (DescribeSnapshots'
// ShowNodeGroupConfig), each NodeSnapshot also names its node group (shard)
// and carries its NodeGroupConfiguration: a single-node cluster is one
// shard, "0001", with no replicas. A cluster-mode group's snapshot names its
// group, its node groups and the member each RDB comes from.
nlohmann::json snapshot_json(const SnapshotRecord& snapshot, const std::string& status,
                             const std::string& region, bool node_group_config = false);

// snapshot.toml: the snapshot's own fields, then the cluster record as
// [cluster].
std::string to_toml(const SnapshotRecord& snapshot);
Result<SnapshotRecord> snapshot_from_toml(std::string_view text, std::string_view origin);

class SnapshotStore {
 public:
  explicit SnapshotStore(StateHome home);

  fs::path dir(std::string_view name) const;
  fs::path rdb(std::string_view name, std::string_view node) const {
    return dir(name) / (std::string(node) + ".rdb");
  }
  // A private directory to build a snapshot in (removed by publish/discard);
  // SnapshotAlreadyExistsFault when the name is taken. Also removes what
  // killed processes left behind (their private directories).
  [[nodiscard]] Result<fs::path> begin(std::string_view name) const;
  // Writes snapshot.toml into `work` and moves it into place, durably;
  // SnapshotAlreadyExistsFault if the name was taken meanwhile.
  [[nodiscard]] Status publish(const fs::path& work, const SnapshotRecord& snapshot) const;
  void discard(const fs::path& work) const;

  [[nodiscard]] Result<SnapshotRecord> get(std::string_view name) const;  // SnapshotNotFoundFault
  std::vector<std::string> list_names() const;                            // sorted
  // Removes the snapshot, even one whose record cannot be read.
  [[nodiscard]] Status remove(std::string_view name) const;
  // Read-modify-write of snapshot.toml under the snapshot's lock (its tags).
  [[nodiscard]] Status update(std::string_view name,
                              const std::function<Status(SnapshotRecord&)>& change) const;

 private:
  StateHome home_;
  RecordStore<SnapshotRecord> store_;
};

}  // namespace cachectl::core
