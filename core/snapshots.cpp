#include "core/snapshots.h"

#include <signal.h>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "core/files.h"
#include "core/identifiers.h"
#include "core/time_format.h"
#include "core/toml_fields.h"

namespace cachectl::core {

nlohmann::json snapshot_json(const SnapshotRecord& s, const std::string& status,
                             const std::string& region, bool node_group_config) {
  const CacheClusterRecord& c = s.cluster;
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& n : s.nodes) {
    std::int64_t mb = (n.size_bytes + (1 << 20) - 1) >> 20;
    nlohmann::json node = {{"CacheNodeId", n.cache_node_id},
                           {"CacheSize", std::to_string(mb) + " MB"},
                           {"CacheNodeCreateTime", to_iso8601(n.cache_node_create_time)},
                           {"SnapshotCreateTime", to_iso8601(n.snapshot_create_time)}};
    if (s.cluster_mode()) {
      node["CacheClusterId"] = n.cache_cluster_id;
      node["NodeGroupId"] = n.node_group_id;
      if (node_group_config) {
        nlohmann::json group = {{"NodeGroupId", n.node_group_id},
                                {"Slots", n.slots},
                                {"ReplicaCount", n.replica_count}};
        if (!n.primary_zone.empty()) group["PrimaryAvailabilityZone"] = n.primary_zone;
        if (!n.replica_zones.empty()) group["ReplicaAvailabilityZones"] = n.replica_zones;
        node["NodeGroupConfiguration"] = group;
      }
    } else if (node_group_config) {
      node["NodeGroupId"] = "0001";
      nlohmann::json group = {{"NodeGroupId", "0001"}, {"ReplicaCount", 0}};
      const CacheNodeRecord* source = c.find_node(n.cache_node_id);
      std::string az = source && !source->availability_zone.empty() ? source->availability_zone
                                                                    : c.preferred_availability_zone;
      if (!az.empty()) group["PrimaryAvailabilityZone"] = az;
      node["NodeGroupConfiguration"] = group;
    }
    nodes.push_back(node);
  }
  nlohmann::json j = {{"SnapshotName", s.name},
                      {"CacheClusterId", c.id},
                      {"SnapshotStatus", status},
                      // As ElastiCache reports them: backups it took are
                      // "automated", the user's "manual".
                      {"SnapshotSource", s.source == "system" ? "automated" : "manual"},
                      {"CacheNodeType", c.node_type},
                      {"Engine", c.engine},
                      {"EngineVersion", c.engine_version},
                      {"NumCacheNodes", c.num_cache_nodes},
                      {"PreferredAvailabilityZone", c.preferred_availability_zone},
                      {"CacheClusterCreateTime", to_iso8601(c.create_time)},
                      {"PreferredMaintenanceWindow", c.maintenance_window},
                      {"Port", c.port},
                      {"CacheParameterGroupName", c.parameter_group},
                      {"AutoMinorVersionUpgrade", c.auto_minor_version_upgrade},
                      {"SnapshotRetentionLimit", c.snapshot_retention_limit},
                      {"SnapshotWindow", c.snapshot_window},
                      {"NodeSnapshots", nodes},
                      {"ARN", resource_arn(region, "snapshot", s.name)}};
  if (!c.notification_topic_arn.empty()) j["TopicArn"] = c.notification_topic_arn;
  j["CacheSubnetGroupName"] = c.subnet_group.empty() ? "default" : c.subnet_group;
  if (!c.replication_group_id.empty()) j["ReplicationGroupId"] = c.replication_group_id;
  if (s.cluster_mode()) {
    // A group's snapshot, not one cluster's.
    j.erase("CacheClusterId");
    j.erase("NumCacheNodes");
    j.erase("PreferredAvailabilityZone");
    j.erase("CacheClusterCreateTime");
    j["ReplicationGroupId"] = s.replication_group_id;
    j["ReplicationGroupDescription"] = s.replication_group_description;
    j["NumNodeGroups"] = static_cast<int>(s.nodes.size());
    j["AutomaticFailover"] = "enabled";
  }
  return j;
}

std::string to_toml(const SnapshotRecord& s) {
  toml::table t{{"snapshot_name", s.name}, {"source", s.source}};
  toml::array nodes;
  for (const auto& n : s.nodes) {
    toml::table node{{"cache_node_id", n.cache_node_id},
                     {"size_bytes", n.size_bytes},
                     {"cache_node_create_time", to_toml_time(n.cache_node_create_time)},
                     {"snapshot_create_time", to_toml_time(n.snapshot_create_time)}};
    if (s.cluster_mode()) {
      node.insert("cache_cluster_id", n.cache_cluster_id);
      node.insert("node_group_id", n.node_group_id);
      node.insert("slots", n.slots);
      node.insert("replica_count", n.replica_count);
      node.insert("primary_availability_zone", n.primary_zone);
      node.insert("replica_availability_zones", to_toml_array(n.replica_zones));
    }
    nodes.push_back(std::move(node));
  }
  t.insert("node_snapshots", std::move(nodes));
  t.insert("tags", tags_to_toml(s.tags));
  if (s.cluster_mode()) {
    t.insert("replication_group_id", s.replication_group_id);
    t.insert("replication_group_description", s.replication_group_description);
  }
  std::ostringstream os;
  os << "# cachectl snapshot\n" << t << "\n\n# the cluster it was taken from\n[cluster]\n";
  std::string cluster_text = to_toml(s.cluster);
  os << cluster_text.substr(cluster_text.find('\n') + 1);
  return os.str();
}

Result<SnapshotRecord> snapshot_from_toml(std::string_view text, std::string_view origin) {
  std::string where(origin);
  // The [cluster] table is a cluster record; the top is the snapshot's own.
  std::size_t split = text.find("\n[cluster]\n");
  if (split == std::string::npos)
    return ApiError{kRegistryFileInvalid, where + ": no [cluster] table"};
  SnapshotRecord s;
  auto cluster = cluster_from_toml(text.substr(split + 11), where + " [cluster]");
  if (!cluster) return cluster.error();
  s.cluster = *cluster;
  auto parsed = parse_state_file(text.substr(0, split), origin);
  if (!parsed) return parsed.error();
  const toml::table& t = *parsed;
  TomlFields f(t, where);
  s.name = f.str("snapshot_name");
  s.source = f.str("source");
  s.replication_group_id = f.str("replication_group_id", "");
  s.replication_group_description = f.str("replication_group_description", "");
  if (f.ok() && s.source != "manual" && s.source != "system")
    f.fail("source", "expected \"manual\" or \"system\"");
  if (f.ok() && !t["node_snapshots"])
    f.fail("node_snapshots", "missing (expected [[node_snapshots]])");
  for (const toml::table* n : f.tables("node_snapshots")) {
    TomlFields nf(*n, where + " [[node_snapshots]]");
    NodeSnapshotRecord node;
    node.cache_node_id = nf.str("cache_node_id");
    node.size_bytes = nf.integer("size_bytes", 0, 1LL << 50);
    node.cache_node_create_time = nf.time("cache_node_create_time");
    node.snapshot_create_time = nf.time("snapshot_create_time");
    if (s.cluster_mode()) {
      node.cache_cluster_id = nf.str("cache_cluster_id");
      node.node_group_id = nf.str("node_group_id");
      if (nf.ok() && (node.node_group_id.size() != 4 ||
                      node.node_group_id.find_first_not_of("0123456789") != std::string::npos))
        nf.fail("node_group_id", "expected a node group id such as \"0001\"");
      node.slots = nf.str("slots", "");
      node.replica_count = static_cast<int>(nf.integer("replica_count", 0, 5, 0));
      node.primary_zone = nf.str("primary_availability_zone", "");
      if (n->contains("replica_availability_zones"))
        node.replica_zones = nf.strings("replica_availability_zones");
    }
    s.nodes.push_back(std::move(node));
    if (nf.ok() &&
        (s.nodes.back().cache_node_id.size() != 4 ||
         s.nodes.back().cache_node_id.find_first_not_of("0123456789") != std::string::npos))
      nf.fail("cache_node_id", "expected a node id such as \"0001\"");
    if (!nf.ok()) return ApiError{kRegistryFileInvalid, nf.error()};
  }
  if (auto err = read_tags(f, origin, s.tags)) return *err;
  if (!f.ok()) return ApiError{kRegistryFileInvalid, f.error()};
  return s;
}

namespace {

RecordKind snapshot_kind(const StateHome& home) {
  RecordKind k;
  k.dir = home.root() / "snapshots";
  k.locks_dir = home.root() / "locks";
  k.reserve = home.reserve_file();
  k.lock_prefix = "snap.";
  k.record_file = "snapshot.toml";
  k.max_length = 255;
  k.extra_chars = ".";  // automatic.ID-YYYY-MM-DD-HH-MM
  k.not_found = [](std::string_view name) {
    return ApiError{"SnapshotNotFoundFault", "Snapshot " + std::string(name) + " not found."};
  };
  k.already_exists = [](std::string_view name) {
    return ApiError{"SnapshotAlreadyExistsFault",
                    "Snapshot " + std::string(name) + " already exists."};
  };
  return k;
}

// What killed processes left in the store: ".NAME.tmp.PID" (a snapshot being
// built) and ".NAME.deleted.PID" (one being deleted), whose PID is gone.
void sweep_leftovers(const fs::path& dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string n = e.path().filename().string();
    if (n.empty() || n[0] != '.') continue;
    std::size_t dot = n.rfind('.');
    std::string kind = dot == std::string::npos ? "" : n.substr(0, dot);
    if (!kind.ends_with(".tmp") && !kind.ends_with(".deleted")) continue;
    pid_t pid = static_cast<pid_t>(std::atoll(n.c_str() + dot + 1));
    if (pid <= 0 || (::kill(pid, 0) != 0 && errno == ESRCH)) fs::remove_all(e.path(), ec);
  }
}

}  // namespace

SnapshotStore::SnapshotStore(StateHome home)
    : home_(std::move(home)),
      store_(snapshot_kind(home_),
             {[](const SnapshotRecord& s) { return to_toml(s); }, snapshot_from_toml,
              [](const SnapshotRecord& s) { return s.name; }, "snapshot_name"}) {}

fs::path SnapshotStore::dir(std::string_view name) const {
  auto key = store_.folder().key(name);
  // A name no snapshot can have gets a path that cannot exist.
  return store_.folder().entry(key ? *key : std::string(".invalid"));
}

Result<fs::path> SnapshotStore::begin(std::string_view name) const {
  auto key = store_.folder().key(name);
  if (!key) return invalid_value("'" + std::string(name) + "' cannot name a snapshot.");
  std::error_code ec;
  fs::path snapshots = home_.root() / "snapshots";
  fs::create_directories(snapshots, ec);
  sweep_leftovers(snapshots);
  auto existing = store_.get(*key);
  if (existing) return store_.folder().kind().already_exists(*key);
  if (existing.error().code != "SnapshotNotFoundFault") return existing.error();
  fs::path work = snapshots / ("." + *key + ".tmp." + std::to_string(::getpid()));
  fs::remove_all(work, ec);
  if (::mkdir(work.c_str(), 0700) != 0)
    return ApiError{kInvalidConfiguration,
                    "cannot create " + work.string() + ": " + std::strerror(errno)};
  return work;
}

void SnapshotStore::discard(const fs::path& work) const {
  std::error_code ec;
  fs::remove_all(work, ec);
}

Status SnapshotStore::publish(const fs::path& work, const SnapshotRecord& s) const {
  auto key = store_.folder().key(s.name);
  if (!key || *key != s.name) {
    discard(work);
    return invalid_value("'" + s.name + "' cannot name a snapshot.");
  }
  // The RDB files first, then the record: all on disk before the rename
  // that publishes them.
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(work, ec)) {
    if (!sync_file(e.path())) {
      discard(work);
      return ApiError{kInvalidConfiguration,
                      "cannot sync " + e.path().string() + ": " + std::strerror(errno)};
    }
  }
  if (!write_file_atomic(work / "snapshot.toml", to_toml(s))) {
    auto err = ApiError{kInvalidConfiguration, "cannot write " + (work / "snapshot.toml").string() +
                                                   ": " + std::strerror(errno)};
    discard(work);
    return err;
  }
  if (auto err = store_.folder().publish(work, *key)) {
    discard(work);
    return err;
  }
  return std::nullopt;
}

Result<SnapshotRecord> SnapshotStore::get(std::string_view name) const { return store_.get(name); }

std::vector<std::string> SnapshotStore::list_names() const { return store_.list(); }

Status SnapshotStore::update(std::string_view name,
                             const std::function<Status(SnapshotRecord&)>& change) const {
  return store_.update(name, change);
}

Status SnapshotStore::remove(std::string_view name) const {
  return store_.remove(name, {}, /*even_if_unreadable=*/true);
}

}  // namespace cachectl::core
