#include "core/replication_group_view.h"

#include "core/identifiers.h"
#include "core/time_format.h"

namespace cachectl::core {

using json = nlohmann::json;

std::string replication_group_arn(std::string_view region, std::string_view id) {
  return resource_arn(region, "replicationgroup", id);
}

bool cluster_in_sync(const ReplicationGroupRecord& g,
                     const std::optional<admin::ClusterReport>& report) {
  return report && report->converged && report->healthy &&
         report->layout_version == g.layout_version;
}

std::string replication_group_status(const ReplicationGroupRecord& g,
                                     const std::vector<MemberState>& members,
                                     const std::optional<admin::ClusterReport>& report) {
  if (g.lifecycle == Lifecycle::kDeleting || g.intent.operation == "delete") return "deleting";
  if (g.cluster_enabled) {
    if (g.intent.operation == "create" || !g.formed || g.seeding) return "creating";
    bool all_up = !members.empty();
    for (const auto& m : members) {
      if (m.status == "creating") return "modifying";  // members being added
      if (m.status != "available") all_up = false;
    }
    if (!g.intent.empty()) return "modifying";
    return all_up && cluster_in_sync(g, report) ? "available" : "modifying";
  }
  bool all_up = !members.empty();
  int primaries = 0;
  for (const auto& m : members) {
    if (m.status != "available") all_up = false;
    if (m.role == "primary") ++primaries;
    if (m.role == "replica" && !m.link_up) all_up = false;
    if (m.role.empty()) all_up = false;
  }
  if (primaries != 1) all_up = false;
  if (g.intent.operation == "create") return "creating";
  for (const auto& m : members)
    if (m.status == "creating") return "creating";
  if (!g.intent.empty()) return "modifying";
  return all_up ? "available" : "modifying";
}

namespace {

// Cluster mode's NodeGroups: each with the slots it serves now (as last
// reported; the record's layout until then) and its members, which
// ElastiCache lists without endpoints (clients find the nodes through the
// ConfigurationEndpoint).
json cluster_node_groups(const ReplicationGroupRecord& g, const std::vector<MemberState>& members,
                         const std::string& status,
                         const std::optional<admin::ClusterReport>& report) {
  json groups = json::array();
  for (const auto& ng : g.node_groups) {
    std::string slots = format_slots(ng.slots);
    bool in_sync = cluster_in_sync(g, report);
    if (report)
      for (const auto& s : report->shards)
        if (s.node_group == ng.id && !s.slots.empty()) slots = s.slots;
    json list = json::array();
    bool up = true;
    for (const auto& id : ng.members) {
      for (const auto& m : members) {
        if (m.cluster != id) continue;
        if (m.status != "available") up = false;
        list.push_back({{"CacheClusterId", m.cluster},
                        {"CacheNodeId", "0001"},
                        {"PreferredAvailabilityZone", m.zone}});
      }
    }
    std::string ng_status = status == "creating" || status == "deleting" ? status
                            : up && (in_sync || status == "available")   ? "available"
                                                                         : "modifying";
    json entry = {{"NodeGroupId", ng.id}, {"Status", ng_status}};
    if (!slots.empty()) entry["Slots"] = slots;
    entry["NodeGroupMembers"] = list;
    groups.push_back(entry);
  }
  return groups;
}

// Cluster mode disabled: one node group with the PrimaryEndpoint and
// ReaderEndpoint, and each member's endpoint and live role.
void disabled_mode_fields(json& r, const ReplicationGroupRecord& g,
                          const std::vector<MemberState>& members, const std::string& status) {
  json list = json::array();
  for (const auto& m : members) {
    std::string role = !m.role.empty() ? m.role : m.cluster == g.primary ? "primary" : "replica";
    list.push_back({{"CacheClusterId", m.cluster},
                    {"CacheNodeId", "0001"},
                    {"ReadEndpoint", {{"Address", m.address}, {"Port", m.port}}},
                    {"PreferredAvailabilityZone", m.zone},
                    {"CurrentRole", role}});
  }
  r["NodeGroups"] =
      json::array({{{"NodeGroupId", "0001"},
                    {"Status", status == "creating" || status == "deleting" ? status
                               : status == "available"                      ? "available"
                                                                            : "modifying"},
                    {"PrimaryEndpoint", {{"Address", g.primary_address}, {"Port", g.port}}},
                    {"ReaderEndpoint", {{"Address", g.reader_address}, {"Port", g.port}}},
                    {"NodeGroupMembers", list}}});
  if (!g.snapshotting_cluster.empty()) r["SnapshottingClusterId"] = g.snapshotting_cluster;
  bool creating = status == "creating";
  r["AutomaticFailover"] = g.automatic_failover ? (creating ? "enabling" : "enabled") : "disabled";
  r["MultiAZ"] = g.multi_az ? "enabled" : "disabled";
  r["SnapshotRetentionLimit"] = g.snapshot_retention_limit;
  r["SnapshotWindow"] = g.snapshot_window;
  r["ClusterEnabled"] = false;
}

}  // namespace

json replication_group_json(const ReplicationGroupRecord& g,
                            const std::vector<MemberState>& members, const std::string& status,
                            const std::string& region,
                            const std::optional<admin::ClusterReport>& report) {
  json r;
  r["ReplicationGroupId"] = g.id;
  r["Description"] = g.description;
  r["Status"] = status;
  r["PendingModifiedValues"] = json::object();
  r["MemberClusters"] = g.members;
  if (g.cluster_enabled) {
    if (!g.intent.empty() && g.intent.operation == "reshard") {
      double progress = report && report->layout_version == g.layout_version ? report->progress : 0;
      r["PendingModifiedValues"] = {
          {"Resharding", {{"SlotMigration", {{"ProgressPercentage", progress}}}}}};
    }
    r["NodeGroups"] = cluster_node_groups(g, members, status, report);
    r["AutomaticFailover"] = status == "creating" ? "enabling" : "enabled";
    r["MultiAZ"] = g.multi_az ? "enabled" : "disabled";
    r["ConfigurationEndpoint"] = {{"Address", g.configuration_address}, {"Port", g.port}};
    r["SnapshotRetentionLimit"] = g.snapshot_retention_limit;
    r["SnapshotWindow"] = g.snapshot_window;
    r["ClusterEnabled"] = true;
  } else {
    disabled_mode_fields(r, g, members, status);
  }
  r["CacheNodeType"] = g.node_type;
  r["AuthTokenEnabled"] = g.auth_token_enabled;
  if (g.auth_token_enabled) r["AuthTokenLastModifiedDate"] = to_iso8601(g.auth_token_modified);
  r["TransitEncryptionEnabled"] = g.transit_encryption_enabled;
  r["AtRestEncryptionEnabled"] = g.at_rest_encryption_enabled;
  r["ARN"] = replication_group_arn(region, g.id);
  if (!g.user_group_ids.empty()) r["UserGroupIds"] = g.user_group_ids;
  r["LogDeliveryConfigurations"] = json::array();
  r["ReplicationGroupCreateTime"] = to_iso8601(g.create_time);
  r["DataTiering"] = "disabled";
  r["AutoMinorVersionUpgrade"] = g.auto_minor_version_upgrade;
  r["NetworkType"] = g.network_type;
  r["IpDiscovery"] = g.ip_discovery;
  if (g.transit_encryption_enabled) r["TransitEncryptionMode"] = g.transit_encryption_mode;
  r["ClusterMode"] = g.cluster_enabled ? g.cluster_mode : "disabled";
  r["Engine"] = g.engine;
  return r;
}

}  // namespace cachectl::core
