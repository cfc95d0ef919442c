#include "core/replication_group_view.h"

#include "core/identifiers.h"
#include "core/time_format.h"

namespace cachectl::core {

using json = nlohmann::json;

std::string replication_group_arn(std::string_view region, std::string_view id) {
  return "arn:aws:elasticache:" + std::string(region) + ":" + std::string(kAccountId) +
         ":replicationgroup:" + std::string(id);
}

std::string replication_group_status(const ReplicationGroupRecord& g,
                                     const std::vector<MemberState>& members) {
  if (g.lifecycle == Lifecycle::kDeleting || g.intent.operation == "delete") return "deleting";
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

json replication_group_json(const ReplicationGroupRecord& g,
                            const std::vector<MemberState>& members, const std::string& status,
                            const std::string& region) {
  json r;
  r["ReplicationGroupId"] = g.id;
  r["Description"] = g.description;
  r["Status"] = status;
  r["PendingModifiedValues"] = json::object();
  r["MemberClusters"] = g.members;
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
  r["CacheNodeType"] = g.node_type;
  r["AuthTokenEnabled"] = g.auth_token_enabled;
  if (g.auth_token_enabled) r["AuthTokenLastModifiedDate"] = to_iso8601(g.create_time);
  r["TransitEncryptionEnabled"] = g.transit_encryption_enabled;
  r["AtRestEncryptionEnabled"] = g.at_rest_encryption_enabled;
  r["ARN"] = replication_group_arn(region, g.id);
  r["LogDeliveryConfigurations"] = json::array();
  r["ReplicationGroupCreateTime"] = to_iso8601(g.create_time);
  r["DataTiering"] = "disabled";
  r["AutoMinorVersionUpgrade"] = g.auto_minor_version_upgrade;
  r["NetworkType"] = g.network_type;
  r["IpDiscovery"] = g.ip_discovery;
  if (g.transit_encryption_enabled) r["TransitEncryptionMode"] = "preferred";
  r["ClusterMode"] = "disabled";
  r["Engine"] = g.engine;
  return r;
}

}  // namespace cachectl::core
