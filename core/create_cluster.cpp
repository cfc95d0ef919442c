#include "core/create_cluster.h"

#include <algorithm>
#include <cstdio>

#include "core/access_control.h"
#include "core/identifiers.h"
#include "core/node_types.h"
#include "core/request_members.h"
#include "core/secret_hash.h"
#include "core/security_groups.h"
#include "core/seed_source.h"
#include "core/tags.h"
#include "core/windows.h"

namespace cachectl::core {
namespace {

using json = nlohmann::json;

Status check_snapshot_source(const std::string& s) {
  bool ok = s.rfind("arn:aws:s3:::", 0) == 0 || s.rfind("file://", 0) == 0 ||
            s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0 || s.rfind("/", 0) == 0 ||
            s.rfind("./", 0) == 0;
  if (ok && seed_kind(s) == SeedKind::kFileUrl && !file_url_path(s)) {
    return invalid_value("Invalid SnapshotArns entry '" + s +
                         "': not a file URL (file:///path/to/file.rdb, with %XX escapes).");
  }
  if (ok) return std::nullopt;
  return invalid_value("Invalid SnapshotArns entry '" + s +
                       "': expected an S3 ARN (arn:aws:s3:::bucket/key.rdb), a file path, a "
                       "file:// URL or an http(s):// URL of an RDB file.");
}

Status check_log_deliveries(const json& req, std::vector<LogDelivery>& out) {
  auto it = req.find("LogDeliveryConfigurations");
  if (it == req.end() || !it->is_array()) return std::nullopt;
  for (const auto& c : *it) {
    LogDelivery l;
    l.log_type = get_string(c, "LogType");
    l.destination_type = get_string(c, "DestinationType");
    l.log_format = get_string(c, "LogFormat");
    if (l.log_type != "slow-log" && l.log_type != "engine-log")
      return invalid_value("LogType must be slow-log or engine-log.");
    if (l.destination_type != "cloudwatch-logs" && l.destination_type != "kinesis-firehose")
      return invalid_value("DestinationType must be cloudwatch-logs or kinesis-firehose.");
    if (l.log_format.empty()) l.log_format = "text";
    if (l.log_format != "text" && l.log_format != "json")
      return invalid_value("LogFormat must be text or json.");
    if (auto d = c.find("DestinationDetails"); d != c.end() && d->is_object()) {
      if (auto cw = d->find("CloudWatchLogsDetails"); cw != d->end())
        l.destination = get_string(*cw, "LogGroup");
      if (auto kf = d->find("KinesisFirehoseDetails"); kf != d->end())
        l.destination = get_string(*kf, "DeliveryStream");
    }
    if (l.destination.empty())
      return invalid_value("DestinationDetails must name a log group or delivery stream.");
    if (c.contains("Enabled") && c["Enabled"].is_boolean()) l.enabled = c["Enabled"].get<bool>();
    out.push_back(std::move(l));
  }
  return std::nullopt;
}

}  // namespace

std::string node_id(int n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d", n);
  return buf;
}

Result<std::vector<std::string>> default_zones(const json& req, const ServiceContext& ctx) {
  std::vector<std::string> zones = availability_zones(ctx.region);
  if (!has(req, "CacheSubnetGroupName")) return zones;
  auto name = normalize_name(get_string(req, "CacheSubnetGroupName"), "CacheSubnetGroupName", 255);
  if (!name) return name.error();
  if (*name == "default") return zones;
  if (!ctx.subnet_group_zones)
    return ApiError{"CacheSubnetGroupNotFoundFault", "Cache subnet group " + *name + " not found."};
  auto group_zones = ctx.subnet_group_zones(*name);
  if (!group_zones) return group_zones.error();
  std::vector<std::string> distinct;
  for (const auto& z : *group_zones)
    if (std::find(distinct.begin(), distinct.end(), z) == distinct.end()) distinct.push_back(z);
  return distinct.empty() ? zones : distinct;
}

Result<CacheClusterRecord> plan_new_cluster(const json& req, const ServiceContext& ctx) {
  CacheClusterRecord r;
  auto id = normalize_cluster_id(get_string(req, "CacheClusterId"));
  if (!id) return id.error();
  r.id = *id;
  r.create_time = ctx.now;

  if (has(req, "ReplicationGroupId")) {
    return ApiError{"ReplicationGroupNotFoundFault",
                    "ReplicationGroup " + get_string(req, "ReplicationGroupId") + " not found."};
  }

  r.engine = has(req, "Engine") ? get_string(req, "Engine") : "redis";
  std::transform(r.engine.begin(), r.engine.end(), r.engine.begin(), ::tolower);
  if (!is_known_engine(r.engine)) {
    return invalid_value("Invalid value for Engine: '" + get_string(req, "Engine") +
                         "'. Valid values are redis and memcached.");
  }
  bool redis = r.engine == "redis";

  auto installed =
      resolve_engine_version(ctx.installed, r.engine, get_string(req, "EngineVersion"));
  if (!installed) {
    std::string v = get_string(req, "EngineVersion");
    return invalid_value(v.empty() ? "No " + r.engine + " engine is installed on this machine."
                                   : "Cannot find version " + v + " for " + r.engine +
                                         " (installed versions are listed by "
                                         "describe-cache-engine-versions).");
  }
  r.engine_version = installed->version;

  r.node_type = get_string(req, "CacheNodeType");
  if (r.node_type.empty())
    return invalid_value("The parameter CacheNodeType must be provided and must not be blank.");
  const NodeType* type = find_node_type(r.node_type);
  if (!type) return invalid_value("Invalid CacheNodeType: " + r.node_type + ".");

  r.num_cache_nodes = has(req, "NumCacheNodes") ? req["NumCacheNodes"].get<int>() : 1;
  if (r.num_cache_nodes < 1) {
    return invalid_value("The parameter NumCacheNodes must be a positive number.");
  }
  if (redis && r.num_cache_nodes > 1) {
    return invalid_combination(
        "Cannot create a Redis cluster with a NumCacheNodes parameter greater than 1.");
  }
  if (!redis && r.num_cache_nodes > kMaxMemcachedNodes) {
    return ApiError{"NodeQuotaForClusterExceeded",
                    "The number of cache nodes requested exceeds the per-cluster limit of " +
                        std::to_string(kMaxMemcachedNodes) + " nodes for Memcached."};
  }

  // The subnet group: its subnets' zones are where nodes go by default.
  auto zones = availability_zones(ctx.region);
  auto placed = default_zones(req, ctx);
  if (!placed) return placed.error();
  const std::vector<std::string>& placement = *placed;
  if (has(req, "CacheSubnetGroupName")) {
    auto name =
        normalize_name(get_string(req, "CacheSubnetGroupName"), "CacheSubnetGroupName", 255);
    if (name && *name != "default") r.subnet_group = *name;
  }

  // Zones: single-az puts every node in one zone, cross-az spreads them.
  r.az_mode = has(req, "AZMode") ? get_string(req, "AZMode") : "single-az";
  if (has(req, "AZMode") && redis) {
    return invalid_combination("AZMode is only supported for Memcached clusters.");
  }
  if (r.az_mode != "single-az" && r.az_mode != "cross-az")
    return invalid_value("AZMode must be single-az or cross-az.");
  if (r.az_mode == "cross-az" && r.num_cache_nodes < 2) {
    return invalid_combination(
        "Must specify at least two cache nodes in order to specify AZ Mode of 'cross-az'.");
  }
  r.preferred_availability_zones = get_strings(req, "PreferredAvailabilityZones");
  std::string preferred = get_string(req, "PreferredAvailabilityZone");
  if (!preferred.empty() && !r.preferred_availability_zones.empty()) {
    return invalid_combination(
        "Only one of PreferredAvailabilityZone or PreferredAvailabilityZones can be specified.");
  }
  if (!r.preferred_availability_zones.empty() &&
      static_cast<int>(r.preferred_availability_zones.size()) != r.num_cache_nodes) {
    return invalid_value("The number of PreferredAvailabilityZones (" +
                         std::to_string(r.preferred_availability_zones.size()) +
                         ") must match NumCacheNodes (" + std::to_string(r.num_cache_nodes) + ").");
  }
  for (const auto& z : r.preferred_availability_zones.empty() ? std::vector<std::string>{preferred}
                                                              : r.preferred_availability_zones) {
    if (!z.empty() && std::find(zones.begin(), zones.end(), z) == zones.end()) {
      return invalid_value("Invalid availability zone '" + z + "'. Zones of region " + ctx.region +
                           " are " + zones[0] + ", " + zones[1] + " and " + zones[2] + ".");
    }
  }
  if (preferred.empty()) preferred = placement[0];
  r.preferred_availability_zone = r.az_mode == "cross-az" ? "Multiple" : preferred;

  r.port = has(req, "Port") ? req["Port"].get<int>() : default_port(r.engine);
  if (r.port < 1 || r.port > 65535) return invalid_value("Port must be between 1 and 65535.");

  r.parameter_group = get_string(req, "CacheParameterGroupName");
  std::string default_group = default_parameter_group(r.engine, r.engine_version);
  if (r.parameter_group.empty()) r.parameter_group = default_group;
  for (auto& ch : r.parameter_group)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (r.parameter_group != default_group && ctx.parameter_group_family) {
    auto family = ctx.parameter_group_family(r.parameter_group);
    std::string wanted = parameter_group_family(r.engine, r.engine_version);
    if (family && *family != wanted) {
      return invalid_combination("Cache parameter group " + r.parameter_group + " is of family " +
                                 *family + ", not " + wanted + " (engine " + r.engine + " " +
                                 r.engine_version + ").");
    }
  }
  bool known = ctx.parameter_group_family && ctx.parameter_group_family(r.parameter_group).ok();
  if (r.parameter_group != default_group && !known) {
    if (r.parameter_group.rfind("default.", 0) == 0) {
      return invalid_combination("Cache parameter group " + r.parameter_group +
                                 " is not of family " +
                                 parameter_group_family(r.engine, r.engine_version) + ".");
    }
    return ApiError{"CacheParameterGroupNotFound",
                    "CacheParameterGroup " + r.parameter_group + " not found."};
  }
  if (!ctx.cluster_member && ctx.cluster_parameter_group &&
      ctx.cluster_parameter_group(r.parameter_group)) {
    return invalid_combination("Cache parameter group " + r.parameter_group +
                               " has cluster-enabled yes: a cluster-mode (sharded) Redis is a "
                               "replication group; use create-replication-group.");
  }

  if (!get_strings(req, "CacheSecurityGroupNames").empty())
    return cache_security_groups_not_permitted();
  r.security_group_ids = get_strings(req, "SecurityGroupIds");
  if (auto err = check_security_group_ids(r.security_group_ids)) return *err;

  auto tags = tags_of_request(req);
  if (!tags) return tags.error();
  r.tags = *tags;

  // Windows: the maintenance window always exists; the snapshot window only
  // where backups exist (Redis).
  std::string mw = get_string(req, "PreferredMaintenanceWindow");
  WeeklyWindow maintenance = default_maintenance_window(r.id);
  if (!mw.empty()) {
    auto parsed = parse_maintenance_window(mw);
    if (!parsed) return parsed.error();
    maintenance = *parsed;
  }
  r.maintenance_window = maintenance.to_string();

  r.snapshot_arns = get_strings(req, "SnapshotArns");
  r.snapshot_name = get_string(req, "SnapshotName");
  bool wants_backup = has(req, "SnapshotRetentionLimit") || has(req, "SnapshotWindow");
  if (!redis && (wants_backup || r.restores_data())) {
    return invalid_combination(
        "Snapshots (SnapshotArns, SnapshotName, SnapshotRetentionLimit, SnapshotWindow) are only "
        "supported for Redis clusters.");
  }
  if (!r.snapshot_arns.empty() && !r.snapshot_name.empty()) {
    return invalid_combination("Only one of SnapshotArns or SnapshotName can be specified.");
  }
  for (const auto& s : r.snapshot_arns)
    if (auto err = check_snapshot_source(s)) return *err;
  if (!r.snapshot_name.empty() && !(ctx.snapshot_exists && ctx.snapshot_exists(r.snapshot_name))) {
    return ApiError{"SnapshotNotFoundFault", "Snapshot " + r.snapshot_name + " not found."};
  }
  if (!r.snapshot_name.empty() && !ctx.cluster_member && ctx.cluster_mode_snapshot &&
      ctx.cluster_mode_snapshot(r.snapshot_name)) {
    return invalid_combination("Snapshot " + r.snapshot_name +
                               " is of a cluster-mode replication group: restore it with "
                               "create-replication-group in cluster mode.");
  }
  r.snapshot_retention_limit =
      has(req, "SnapshotRetentionLimit") ? req["SnapshotRetentionLimit"].get<int>() : 0;
  if (r.snapshot_retention_limit < 0 || r.snapshot_retention_limit > 35) {
    return invalid_value("SnapshotRetentionLimit must be between 0 and 35 days.");
  }
  if (r.snapshot_retention_limit > 0 && !type->supports_snapshots) {
    return invalid_combination("Automatic backups are not supported for cache node type " +
                               r.node_type + ".");
  }
  if (redis) {
    std::optional<DailyWindow> chosen = default_snapshot_window(r.id, maintenance);
    std::string sw = get_string(req, "SnapshotWindow");
    if (sw.empty() && !chosen) {
      return invalid_combination("The maintenance window " + maintenance.to_string() +
                                 " leaves no hour for a daily snapshot window that does not "
                                 "overlap it; shorten it or give --snapshot-window.");
    }
    DailyWindow snapshot = chosen.value_or(DailyWindow{});
    if (!sw.empty()) {
      auto parsed = parse_snapshot_window(sw);
      if (!parsed) return parsed.error();
      snapshot = *parsed;
      if (overlaps(maintenance, snapshot)) {
        return invalid_combination("The snapshot window " + snapshot.to_string() +
                                   " overlaps the maintenance window " + maintenance.to_string() +
                                   "; choose windows that do not overlap.");
      }
    }
    r.snapshot_window = snapshot.to_string();
  }

  r.notification_topic_arn = get_string(req, "NotificationTopicArn");
  if (!r.notification_topic_arn.empty()) {
    if (r.notification_topic_arn.rfind("arn:aws:sns:", 0) != 0)
      return invalid_value(
          "Invalid NotificationTopicArn: expected arn:aws:sns:REGION:ACCOUNT:TOPIC.");
    r.notification_topic_status = "active";
  }
  r.auto_minor_version_upgrade =
      has(req, "AutoMinorVersionUpgrade") ? req["AutoMinorVersionUpgrade"].get<bool>() : true;

  r.transit_encryption_enabled =
      has(req, "TransitEncryptionEnabled") && req["TransitEncryptionEnabled"].get<bool>();
  if (r.transit_encryption_enabled) {
    // Memcached's own TLS works (Debian's build has -Z), but its
    // configuration endpoint is a relay of ours without TLS, so clients
    // with auto discovery could not use it (docs/decisions.md).
    if (!redis)
      return invalid_combination(
          "TransitEncryptionEnabled is only supported for Redis clusters by cachectl.");
    // CreateCacheCluster has no TransitEncryptionMode: ElastiCache's
    // default, every connection TLS.
    r.transit_encryption_mode = "required";
  }
  std::string token = get_string(req, "AuthToken");
  if (!token.empty()) {
    if (!redis) return invalid_combination("AuthToken is only supported for Redis clusters.");
    if (!r.transit_encryption_enabled) {
      return invalid_combination(
          "AuthToken can only be specified when TransitEncryptionEnabled is true.");
    }
    if (auto err = check_auth_token(token)) return *err;
    r.auth_token_hashes = {sha256_hex(token)};
    r.auth_token_modified = ctx.now;
  }

  r.network_type = has(req, "NetworkType") ? get_string(req, "NetworkType") : "ipv4";
  r.ip_discovery = has(req, "IpDiscovery") ? get_string(req, "IpDiscovery") : "ipv4";
  if (r.network_type != "ipv4" || r.ip_discovery != "ipv4") {
    return invalid_value(
        "Only the ipv4 network type and IP discovery are available: local nodes "
        "each get an address from the IPv4 loopback range.");
  }
  r.outpost_mode = get_string(req, "OutpostMode");
  r.preferred_outpost_arn = get_string(req, "PreferredOutpostArn");
  r.preferred_outpost_arns = get_strings(req, "PreferredOutpostArns");
  if (auto err = check_log_deliveries(req, r.log_deliveries)) return *err;
  if (!redis && !r.log_deliveries.empty())
    return invalid_combination("Log delivery is only supported for Redis clusters.");

  r.config_port = r.port;
  for (int i = 1; i <= r.num_cache_nodes; ++i) {
    CacheNodeRecord n;
    n.id = node_id(i);
    n.port = r.port;
    n.create_time = ctx.now;
    if (!r.preferred_availability_zones.empty()) {
      n.availability_zone = r.preferred_availability_zones[static_cast<std::size_t>(i - 1)];
    } else if (r.az_mode == "cross-az") {
      n.availability_zone = placement[static_cast<std::size_t>(i - 1) % placement.size()];
    } else {
      n.availability_zone = preferred;
    }
    r.nodes.push_back(std::move(n));
  }
  return r;
}

}  // namespace cachectl::core
