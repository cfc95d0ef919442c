#include "core/snapshots.h"

#include <fcntl.h>
#include <stdio.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
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
    if (node_group_config) {
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
                      {"SnapshotSource", s.source},
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
                      {"ARN", "arn:aws:elasticache:" + region + ":" + std::string(kAccountId) +
                                  ":snapshot:" + s.name}};
  if (!c.notification_topic_arn.empty()) j["TopicArn"] = c.notification_topic_arn;
  if (!c.subnet_group.empty()) j["CacheSubnetGroupName"] = c.subnet_group;
  return j;
}

Result<fs::path> SnapshotStore::begin(std::string_view name) const {
  std::error_code ec;
  fs::create_directories(home_.root() / "snapshots", ec);
  if (fs::exists(dir(name))) {
    return ApiError{"SnapshotAlreadyExistsFault",
                    "Snapshot " + std::string(name) + " already exists."};
  }
  fs::path work =
      home_.root() / "snapshots" / ("." + std::string(name) + ".tmp." + std::to_string(::getpid()));
  fs::remove_all(work, ec);
  fs::create_directories(work, ec);
  if (ec)
    return ApiError{kInvalidConfiguration, "cannot create " + work.string() + ": " + ec.message()};
  return work;
}

void SnapshotStore::discard(const fs::path& work) const {
  std::error_code ec;
  fs::remove_all(work, ec);
}

Status SnapshotStore::publish(const fs::path& work, const SnapshotRecord& s) const {
  toml::table t{{"snapshot_name", s.name}, {"source", s.source}};
  toml::array nodes;
  for (const auto& n : s.nodes)
    nodes.push_back(toml::table{{"cache_node_id", n.cache_node_id},
                                {"size_bytes", n.size_bytes},
                                {"cache_node_create_time", to_toml_time(n.cache_node_create_time)},
                                {"snapshot_create_time", to_toml_time(n.snapshot_create_time)}});
  t.insert("node_snapshots", std::move(nodes));
  std::ostringstream os;
  os << "# cachectl snapshot\n" << t << "\n\n# the cluster it was taken from\n[cluster]\n";
  std::string cluster_text = to_toml(s.cluster);
  os << cluster_text.substr(cluster_text.find('\n') + 1);
  if (!write_file_atomic(work / "snapshot.toml", os.str())) {
    discard(work);
    return ApiError{kInvalidConfiguration, "cannot write " + (work / "snapshot.toml").string()};
  }
  if (::renameat2(AT_FDCWD, work.c_str(), AT_FDCWD, dir(s.name).c_str(), RENAME_NOREPLACE) != 0) {
    int e = errno;
    discard(work);
    if (e == EEXIST || e == ENOTEMPTY) {
      return ApiError{"SnapshotAlreadyExistsFault", "Snapshot " + s.name + " already exists."};
    }
    return ApiError{kInvalidConfiguration,
                    "cannot publish snapshot " + s.name + ": " + std::strerror(e)};
  }
  return std::nullopt;
}

Result<SnapshotRecord> SnapshotStore::get(std::string_view name) const {
  fs::path file = dir(name) / "snapshot.toml";
  auto text = read_file(file);
  if (!text)
    return ApiError{"SnapshotNotFoundFault", "Snapshot " + std::string(name) + " not found."};
  // The [cluster] table is a cluster record; the top is the snapshot's own.
  std::size_t split = text->find("\n[cluster]\n");
  if (split == std::string::npos) {
    return ApiError{kRegistryFileInvalid, file.string() + ": no [cluster] table"};
  }
  SnapshotRecord s;
  auto cluster = cluster_from_toml(text->substr(split + 11), file.string() + " [cluster]");
  if (!cluster) return cluster.error();
  s.cluster = *cluster;
  auto parsed = parse_state_file(text->substr(0, split), file.string());
  if (!parsed) return parsed.error();
  const toml::table& t = *parsed;
  TomlFields f(t, file.string());
  s.name = f.str("snapshot_name");
  s.source = f.str("source", "manual");
  for (const toml::table* n : f.tables("node_snapshots")) {
    TomlFields nf(*n, file.string() + " [[node_snapshots]]");
    s.nodes.push_back({nf.str("cache_node_id"), nf.integer("size_bytes", 0, 1LL << 50),
                       nf.time("cache_node_create_time"), nf.time("snapshot_create_time")});
    if (!nf.ok()) return ApiError{kRegistryFileInvalid, nf.error()};
  }
  if (!f.ok()) return ApiError{kRegistryFileInvalid, f.error()};
  return s;
}

std::vector<std::string> SnapshotStore::list_names() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(home_.root() / "snapshots", ec)) {
    std::string n = e.path().filename().string();
    if (!n.empty() && n[0] != '.' && fs::exists(e.path() / "snapshot.toml")) out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Status SnapshotStore::remove(std::string_view name) const {
  if (!fs::exists(dir(name) / "snapshot.toml")) {
    return ApiError{"SnapshotNotFoundFault", "Snapshot " + std::string(name) + " not found."};
  }
  // Unpublish first (one rename), then delete at leisure.
  fs::path gone = home_.root() / "snapshots" /
                  ("." + std::string(name) + ".deleted." + std::to_string(::getpid()));
  if (::rename(dir(name).c_str(), gone.c_str()) != 0) {
    return ApiError{kInvalidConfiguration,
                    "cannot delete snapshot " + std::string(name) + ": " + std::strerror(errno)};
  }
  std::error_code ec;
  fs::remove_all(gone, ec);
  return std::nullopt;
}

}  // namespace cachectl::core
