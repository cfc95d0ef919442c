#include "core/modify_cluster.h"

#include "core/node_types.h"
#include "core/request_members.h"
#include "core/security_groups.h"
#include "core/windows.h"

namespace cachectl::core {
namespace {

using json = nlohmann::json;

std::string human_bytes(std::int64_t b) { return std::to_string(b / (1024 * 1024)) + " MiB"; }

}  // namespace

std::int64_t engine_memory_bytes(const CacheClusterRecord& cluster, std::string_view node_type) {
  const NodeType* t = find_node_type(node_type);
  if (!t) return 0;
  return cluster.engine == "memcached" ? memcached_memory_mib(*t) * 1024 * 1024
                                       : redis_maxmemory(*t);
}

AllowedNodeTypes allowed_node_type_modifications(const CacheClusterRecord& cluster) {
  AllowedNodeTypes out;
  std::int64_t mine = engine_memory_bytes(cluster, cluster.node_type);
  for (const auto& t : node_type_catalog()) {
    if (t.name == cluster.node_type) continue;
    // cache.t1.micro cannot take snapshots: not a target for a cluster that keeps backups.
    if (!t.supports_snapshots && cluster.snapshot_retention_limit > 0) continue;
    std::int64_t theirs = engine_memory_bytes(cluster, t.name);
    (theirs > mine ? out.scale_up : out.scale_down).emplace_back(t.name);
  }
  return out;
}

Result<ModifyPlan> plan_modify(const CacheClusterRecord& current, const json& req,
                               const ModifyContext& ctx) {
  ModifyPlan plan;
  CacheClusterRecord& r = plan.record;
  r = current;
  const bool redis = r.engine == "redis";
  const bool now = has(req, "ApplyImmediately") && req["ApplyImmediately"].get<bool>();

  // Node type: deferred unless ApplyImmediately.
  std::string node_type = r.pending.cache_node_type;
  if (has(req, "CacheNodeType")) {
    node_type = get_string(req, "CacheNodeType");
    const NodeType* type = find_node_type(node_type);
    if (!type) return invalid_value("Invalid cache node type: " + node_type + ".");
    if (node_type != r.node_type && redis) {
      std::int64_t limit = engine_memory_bytes(r, node_type);
      if (limit < engine_memory_bytes(r, r.node_type) && ctx.used_memory) {
        if (auto used = ctx.used_memory(); used && *used > limit) {
          return invalid_combination("Cannot scale cache cluster " + r.id + " down to " +
                                     node_type + ": the cluster's data does not fit (" +
                                     human_bytes(*used) + " used, " + human_bytes(limit) +
                                     " available on " + node_type + ").");
        }
      }
    }
  }

  // Engine version: upward only, to an installed version.
  std::string version = r.pending.engine_version;
  if (has(req, "EngineVersion")) {
    std::string requested = get_string(req, "EngineVersion");
    auto found = resolve_engine_version(ctx.installed, r.engine, requested);
    if (!found) {
      return invalid_value("Specified " + r.engine + " engine version " + requested +
                           " is not installed (describe-cache-engine-versions lists what is).");
    }
    if (compare_versions(found->version, r.engine_version) < 0) {
      return invalid_combination("Cache cluster " + r.id + " runs " + r.engine + " " +
                                 r.engine_version + ", which cannot be downgraded to " +
                                 found->version + ".");
    }
    version = found->version;
  }

  // Windows, backups.
  std::string mw = has(req, "PreferredMaintenanceWindow")
                       ? get_string(req, "PreferredMaintenanceWindow")
                       : r.maintenance_window;
  auto maintenance = parse_maintenance_window(mw);
  if (!maintenance) return maintenance.error();
  bool backup_members = has(req, "SnapshotWindow") || has(req, "SnapshotRetentionLimit");
  if (!redis && backup_members) {
    return invalid_combination(
        "SnapshotRetentionLimit and SnapshotWindow are only supported for Redis clusters.");
  }
  if (redis) {
    std::string sw =
        has(req, "SnapshotWindow") ? get_string(req, "SnapshotWindow") : r.snapshot_window;
    auto snapshot = parse_snapshot_window(sw);
    if (!snapshot) return snapshot.error();
    if (overlaps(*maintenance, *snapshot)) {
      return invalid_combination("The snapshot window " + snapshot->to_string() +
                                 " overlaps the maintenance window " + maintenance->to_string() +
                                 "; choose windows that do not overlap.");
    }
    r.snapshot_window = snapshot->to_string();
    if (has(req, "SnapshotRetentionLimit")) {
      long long limit = req["SnapshotRetentionLimit"].get<long long>();
      if (limit < 0 || limit > 35)
        return invalid_value("SnapshotRetentionLimit must be between 0 and 35 days.");
      r.snapshot_retention_limit = static_cast<int>(limit);
    }
    const NodeType* t = find_node_type(node_type.empty() ? r.node_type : node_type);
    if (r.snapshot_retention_limit > 0 && t && !t->supports_snapshots) {
      return invalid_combination("Automatic backups are not supported for cache node type " +
                                 std::string(t->name) + ".");
    }
  }
  r.maintenance_window = maintenance->to_string();

  // Notifications, security groups, auto minor version upgrade: at once.
  if (has(req, "NotificationTopicArn")) {
    std::string arn = get_string(req, "NotificationTopicArn");
    if (arn.rfind("arn:aws:sns:", 0) != 0)
      return invalid_value(
          "Invalid NotificationTopicArn: expected arn:aws:sns:REGION:ACCOUNT:TOPIC.");
    r.notification_topic_arn = arn;
    r.notification_topic_status = "active";
  }
  if (has(req, "NotificationTopicStatus")) {
    std::string status = get_string(req, "NotificationTopicStatus");
    if (status != "active" && status != "inactive")
      return invalid_value("NotificationTopicStatus must be active or inactive.");
    if (r.notification_topic_arn.empty())
      return invalid_combination(
          "NotificationTopicStatus needs a notification topic (NotificationTopicArn).");
    r.notification_topic_status = status;
  }
  if (has(req, "CacheSecurityGroupNames") && !get_strings(req, "CacheSecurityGroupNames").empty())
    return cache_security_groups_not_permitted();
  if (has(req, "SecurityGroupIds")) {
    r.security_group_ids = get_strings(req, "SecurityGroupIds");
    if (auto err = check_security_group_ids(r.security_group_ids)) return *err;
    r.cache_security_group_names.clear();
  }
  if (has(req, "AutoMinorVersionUpgrade"))
    r.auto_minor_version_upgrade = req["AutoMinorVersionUpgrade"].get<bool>();

  // Deferred changes: applied now with ApplyImmediately (with whatever was
  // pending, as ElastiCache does), else (re)placed in PendingModifiedValues.
  if (node_type == r.node_type) node_type.clear();
  if (version == r.engine_version) version.clear();
  if (now) {
    if (!node_type.empty()) r.node_type = node_type;
    if (!version.empty()) r.engine_version = version;
    plan.restart = !node_type.empty() || !version.empty();
    r.pending.cache_node_type.clear();
    r.pending.engine_version.clear();
  } else {
    r.pending.cache_node_type = node_type;
    r.pending.engine_version = version;
  }
  return plan;
}

}  // namespace cachectl::core
