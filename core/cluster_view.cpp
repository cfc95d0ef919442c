#include "core/cluster_view.h"

#include <algorithm>

#include "core/identifiers.h"
#include "core/time_format.h"

namespace cachectl::core {

using json = nlohmann::json;

std::string cluster_status(const CacheClusterRecord& record, const NodeStatuses& nodes) {
  if (record.lifecycle == Lifecycle::kDeleting) return "deleting";
  // An operation in progress (its intent is cleared when it is done).
  if (record.intent.operation == "delete") return "deleting";
  if (record.intent.operation == "create") return "creating";
  if (record.intent.operation == "modify") return "modifying";
  if (record.intent.operation == "snapshot") return "snapshotting";
  auto any = [&](const char* s) { return std::find(nodes.begin(), nodes.end(), s) != nodes.end(); };
  if (any("restore-failed")) return "restore-failed";
  if (any("snapshotting")) return "snapshotting";
  if (any("rebooting")) return "rebooting cache cluster nodes";
  if (any("modifying")) return "modifying";
  if (!record.removing.empty()) return "modifying";
  // A node still being created in a cluster that existed before it: nodes
  // are being added.
  for (std::size_t i = 0; i < record.nodes.size() && i < nodes.size(); ++i) {
    if (nodes[i] == "creating" && record.nodes[i].create_time > record.create_time)
      return "modifying";
  }
  if (any("creating")) return "creating";
  if (any("failed")) return "failed";
  return "available";
}

json cache_cluster_json(const CacheClusterRecord& r, const NodeStatuses& nodes, bool show_node_info,
                        const std::string& region, const std::string& ca_certificate) {
  bool redis = r.engine == "redis";
  json c;
  c["CacheClusterId"] = r.id;
  if (r.has_config_endpoint()) {
    c["ConfigurationEndpoint"] = {{"Address", r.config_address}, {"Port", r.config_port}};
  }
  c["ClientDownloadLandingPage"] =
      r.transit_encryption_enabled && !ca_certificate.empty()
          ? "file://" + ca_certificate
          : "https://console.aws.amazon.com/elasticache/home#client-download:";
  c["CacheNodeType"] = r.node_type;
  c["Engine"] = r.engine;
  c["EngineVersion"] = r.engine_version;
  c["CacheClusterStatus"] = cluster_status(r, nodes);
  c["NumCacheNodes"] = r.num_cache_nodes;
  c["PreferredAvailabilityZone"] = r.preferred_availability_zone;
  if (!r.preferred_outpost_arn.empty()) c["PreferredOutpostArn"] = r.preferred_outpost_arn;
  c["CacheClusterCreateTime"] = to_iso8601(r.create_time);
  c["PreferredMaintenanceWindow"] = r.maintenance_window;
  json pending = json::object();
  if (r.pending.num_cache_nodes > 0) pending["NumCacheNodes"] = r.pending.num_cache_nodes;
  if (!r.pending.cache_node_ids_to_remove.empty())
    pending["CacheNodeIdsToRemove"] = r.pending.cache_node_ids_to_remove;
  if (!r.pending.engine_version.empty()) pending["EngineVersion"] = r.pending.engine_version;
  if (!r.pending.cache_node_type.empty()) pending["CacheNodeType"] = r.pending.cache_node_type;
  c["PendingModifiedValues"] = pending;
  if (!r.notification_topic_arn.empty()) {
    c["NotificationConfiguration"] = {{"TopicArn", r.notification_topic_arn},
                                      {"TopicStatus", r.notification_topic_status}};
  }
  json csg = json::array();
  for (const auto& g : r.cache_security_group_names)
    csg.push_back({{"CacheSecurityGroupName", g}, {"Status", "active"}});
  c["CacheSecurityGroups"] = csg;
  c["CacheParameterGroup"] = {
      {"CacheParameterGroupName", r.parameter_group},
      {"ParameterApplyStatus", r.nodes_to_reboot.empty() ? "in-sync" : "pending-reboot"},
      {"CacheNodeIdsToReboot", r.nodes_to_reboot}};
  c["CacheSubnetGroupName"] = r.subnet_group.empty() ? "default" : r.subnet_group;
  if (show_node_info) {
    json list = json::array();
    for (std::size_t i = 0; i < r.nodes.size(); ++i) {
      const auto& n = r.nodes[i];
      list.push_back(
          {{"CacheNodeId", n.id},
           {"CacheNodeStatus", i < nodes.size() ? nodes[i] : "creating"},
           {"CacheNodeCreateTime", to_iso8601(n.create_time)},
           {"Endpoint", {{"Address", n.address}, {"Port", n.port}}},
           {"ParameterGroupStatus", std::find(r.nodes_to_reboot.begin(), r.nodes_to_reboot.end(),
                                              n.id) == r.nodes_to_reboot.end()
                                        ? "in-sync"
                                        : "pending-reboot"},
           {"CustomerAvailabilityZone", n.availability_zone}});
    }
    c["CacheNodes"] = list;
  }
  c["AutoMinorVersionUpgrade"] = r.auto_minor_version_upgrade;
  json sgs = json::array();
  for (const auto& g : r.security_group_ids)
    sgs.push_back({{"SecurityGroupId", g}, {"Status", "active"}});
  c["SecurityGroups"] = sgs;
  if (redis) {
    c["SnapshotRetentionLimit"] = r.snapshot_retention_limit;
    c["SnapshotWindow"] = r.snapshot_window;
  }
  c["AuthTokenEnabled"] = r.auth_token_enabled();
  if (r.auth_token_enabled()) c["AuthTokenLastModifiedDate"] = to_iso8601(r.auth_token_modified);
  c["TransitEncryptionEnabled"] = r.transit_encryption_enabled;
  c["AtRestEncryptionEnabled"] = false;
  c["ARN"] = cluster_arn(region, r.id);
  if (!r.replication_group_id.empty()) c["ReplicationGroupId"] = r.replication_group_id;
  c["ReplicationGroupLogDeliveryEnabled"] = false;
  json logs = json::array();
  for (const auto& l : r.log_deliveries) {
    json details = l.destination_type == "cloudwatch-logs"
                       ? json{{"CloudWatchLogsDetails", {{"LogGroup", l.destination}}}}
                       : json{{"KinesisFirehoseDetails", {{"DeliveryStream", l.destination}}}};
    logs.push_back({{"LogType", l.log_type},
                    {"DestinationType", l.destination_type},
                    {"DestinationDetails", details},
                    {"LogFormat", l.log_format},
                    {"Status", l.enabled ? "active" : "disabling"}});
  }
  c["LogDeliveryConfigurations"] = logs;
  c["NetworkType"] = r.network_type;
  c["IpDiscovery"] = r.ip_discovery;
  if (r.transit_encryption_enabled) c["TransitEncryptionMode"] = r.transit_encryption_mode;
  return c;
}

}  // namespace cachectl::core
