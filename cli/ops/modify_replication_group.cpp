// modify-replication-group (cluster mode disabled). The group's own values
// (description, failover, backups' source) change in its record; the
// members' (node type, engine version, parameter group, windows,
// notifications) change in each member through modify-cache-cluster's own
// path (cli/ops/modify_cache_cluster.h), now with --apply-immediately or in
// each member's maintenance window otherwise. Automatic failover on or off
// restarts the group daemon, which starts or stops Sentinel.
// --primary-cluster-id is carried out at once by the group daemon (POST
// /v1/promote), --apply-immediately or not.
#include <algorithm>
#include <thread>

#include "cli/access_apply.h"
#include "cli/context.h"
#include "cli/group_members.h"
#include "cli/ops/cluster_teardown.h"
#include "cli/ops/group_operation.h"
#include "cli/ops/modify_cache_cluster.h"
#include "cli/ops/request_fields.h"
#include "core/access_control.h"
#include "core/identifiers.h"
#include "core/users.h"

namespace cachectl::cli {

namespace {

// Members of the request that each member cluster takes as they are.
constexpr const char* kMemberFields[] = {"CacheNodeType",           "EngineVersion",
                                         "CacheParameterGroupName", "PreferredMaintenanceWindow",
                                         "NotificationTopicArn",    "NotificationTopicStatus",
                                         "AutoMinorVersionUpgrade", "SecurityGroupIds",
                                         "CacheSecurityGroupNames"};

// Not acted on yet: refused, nothing changed.
constexpr const char* kNotYet[] = {"LogDeliveryConfigurations",
                                   "IpDiscovery",
                                   "TransitEncryptionEnabled",
                                   "ClusterMode",
                                   "Engine",
                                   "NodeGroupId"};

// Whether a group document shows MEMBER as its primary.
bool shows_primary(const nlohmann::json& group, const std::string& member) {
  for (const auto& ng : group.value("NodeGroups", nlohmann::json::array()))
    for (const auto& m : ng.value("NodeGroupMembers", nlohmann::json::array()))
      if (m.value("CacheClusterId", "") == member) return m.value("CurrentRole", "") == "primary";
  return false;
}

}  // namespace

core::Result<nlohmann::json> modify_replication_group(Context& ctx, const nlohmann::json& request) {
  for (const char* member : kNotYet)
    if (request.contains(member))
      return core::invalid_value(std::string(member) +
                                 " cannot be modified by this version of cachectl yet; nothing "
                                 "was changed.");
  auto op = begin_group_operation(ctx, opt_string(request, "ReplicationGroupId").value_or(""));
  if (!op) return op.error();
  core::ReplicationGroupRecord& g = op->group;
  core::ReplicationGroupStore store(ctx.home());
  if (g.cluster_enabled) {
    // Redis Cluster chooses the primaries and always fails over; backups
    // of cluster-mode groups are taken with create-snapshot.
    for (const char* member : {"PrimaryClusterId", "SnapshottingClusterId"})
      if (request.contains(member))
        return core::invalid_combination(std::string(member) +
                                         " is for cluster mode disabled; nothing was changed.");
    if (request.contains("AutomaticFailoverEnabled") &&
        !opt_bool(request, "AutomaticFailoverEnabled", true))
      return core::invalid_combination(
          "Automatic failover cannot be disabled on a cluster-mode replication group.");
    if (opt_int(request, "SnapshotRetentionLimit").value_or(0) > 0)
      return core::invalid_value(
          "Automatic backups of a cluster-mode replication group are not supported by cachectl "
          "yet; nothing was changed.");
  }
  std::string status = live_group_status(ctx, g);
  if (status != "available")
    return core::ApiError{
        "InvalidReplicationGroupState",
        "Replication group " + g.id + " is not in available state (it is " + status + ")."};

  // Everything is checked before anything changes.
  core::ReplicationGroupRecord next = g;
  if (auto d = opt_string(request, "ReplicationGroupDescription")) next.description = *d;
  if (request.contains("AutomaticFailoverEnabled"))
    next.automatic_failover = opt_bool(request, "AutomaticFailoverEnabled", false);
  if (request.contains("MultiAZEnabled"))
    next.multi_az = opt_bool(request, "MultiAZEnabled", false);
  if (!next.automatic_failover && request.contains("AutomaticFailoverEnabled") &&
      !request.contains("MultiAZEnabled"))
    next.multi_az = false;
  if (next.multi_az && !next.automatic_failover)
    return core::invalid_combination(
        "Multi-AZ can only be enabled when automatic failover is enabled.");
  if (next.automatic_failover && !next.cluster_enabled && next.members.size() < 2)
    return core::invalid_combination(
        "Automatic failover needs at least one replica; add one first (increase-replica-count).");
  // A replica promoted to primary: only with automatic failover off, as on
  // ElastiCache (Sentinel would otherwise be the one choosing).
  std::optional<std::string> promote;
  if (auto p = opt_string(request, "PrimaryClusterId")) {
    std::string id = core::ascii_lower(*p);
    if (!g.has_member(id))
      return core::invalid_value("PrimaryClusterId " + id +
                                 " is not a member of replication group " + g.id + ".");
    if (g.automatic_failover || next.automatic_failover)
      return core::invalid_combination(
          "A read replica cannot be promoted to primary while automatic failover is enabled on "
          "replication group " +
          g.id +
          ": disable it first (--no-automatic-failover-enabled), promote, then enable it again.");
    if (id != g.primary) promote = id;
  }
  if (auto s = opt_string(request, "SnapshottingClusterId")) {
    std::string id = core::ascii_lower(*s);
    if (!next.has_member(id))
      return core::invalid_value("SnapshottingClusterId " + id +
                                 " is not a member of replication group " + g.id + ".");
    next.snapshotting_cluster = id;
  }
  if (auto limit = opt_int(request, "SnapshotRetentionLimit")) {
    if (*limit < 0 || *limit > 35)
      return core::invalid_value("SnapshotRetentionLimit must be between 0 and 35 days.");
    next.snapshot_retention_limit = static_cast<int>(*limit);
    if (next.snapshotting_cluster.empty() && *limit > 0)
      next.snapshotting_cluster = next.members.size() > 1 ? next.members[1] : next.members[0];
  }

  // Who may connect: the transit encryption mode, the user group, the
  // AuthToken (the members hold its digests; the primary's are the group's).
  if (auto mode = opt_string(request, "TransitEncryptionMode")) {
    if (!g.transit_encryption_enabled)
      return core::invalid_combination(
          "TransitEncryptionMode can only be modified when transit encryption is enabled.");
    if (*mode != "preferred" && *mode != "required")
      return core::invalid_value("TransitEncryptionMode must be preferred or required.");
    next.transit_encryption_mode = *mode;
  }
  if (opt_bool(request, "RemoveUserGroups", false)) next.user_group_ids.clear();
  for (const auto& raw : opt_strings(request, "UserGroupIdsToRemove")) {
    std::string id = core::ascii_lower(raw);
    auto it = std::find(next.user_group_ids.begin(), next.user_group_ids.end(), id);
    if (it == next.user_group_ids.end())
      return core::ApiError{
          "UserGroupNotFound",
          "User group " + id + " is not associated with replication group " + g.id + "."};
    next.user_group_ids.erase(it);
  }
  for (const auto& raw : opt_strings(request, "UserGroupIdsToAdd")) {
    std::string id = core::ascii_lower(raw);
    auto ug = core::UserGroupStore(ctx.home()).get(id);
    if (!ug) return ug.error();
    if (!g.transit_encryption_enabled)
      return core::invalid_combination(
          "User groups can only be used when transit encryption is enabled.");
    if (!std::count(next.user_group_ids.begin(), next.user_group_ids.end(), id))
      next.user_group_ids.push_back(id);
  }
  if (next.user_group_ids.size() > 1)
    return core::invalid_value("A replication group can be associated with one user group only.");
  std::vector<std::string> current_tokens;
  if (auto primary = ctx.registry.get(g.primary)) current_tokens = primary->auth_token_hashes;
  auto tokens = core::next_auth_token_hashes(current_tokens, request, g.transit_encryption_enabled,
                                             !next.user_group_ids.empty());
  if (!tokens) return tokens.error();
  if (!next.user_group_ids.empty() && !(*tokens ? **tokens : current_tokens).empty())
    return core::invalid_combination(
        "AuthToken and UserGroupIds cannot be used together: delete the AuthToken "
        "(--auth-token-update-strategy DELETE) to use a user group.");
  if (*tokens) {
    next.auth_token_enabled = !(*tokens)->empty();
    next.auth_token_modified = ctx.clock.now();
  }
  bool access_changed = *tokens || next.user_group_ids != g.user_group_ids;

  // The promotion first: the step that can still fail for a live reason (a
  // replica not yet in sync), before anything else has changed.
  if (promote) {
    AdminReply reply = ctx.admin().call(
        ctx.home().admin_socket(g.daemon_address()), core::admin::Route::kPromote,
        std::chrono::seconds(20), core::admin::to_json(core::admin::PromoteRequest{*promote}));
    if (!reply.reached || reply.status != 200) {
      std::string why = reply.reached ? reply.body : "the group daemon does not answer";
      if (auto e = core::admin::parse_error_response(reply.body)) why = e->error;
      return core::ApiError{"InvalidReplicationGroupState",
                            "Cannot promote " + *promote + " to primary: " + why};
    }
  }

  // The members first (each through modify-cache-cluster's rules; the
  // first refusal stops before anything else changes).
  bool immediately = opt_bool(request, "ApplyImmediately", false);
  for (const auto& m : g.members) {
    nlohmann::json member{{"CacheClusterId", m}, {"ApplyImmediately", immediately}};
    for (const char* field : kMemberFields)
      if (request.contains(field)) member[field] = request[field];
    if (auto w = opt_string(request, "SnapshotWindow")) member["SnapshotWindow"] = *w;
    // Backups are taken by the snapshotting cluster only.
    if (request.contains("SnapshotRetentionLimit") || request.contains("SnapshottingClusterId"))
      member["SnapshotRetentionLimit"] =
          m == next.snapshotting_cluster ? next.snapshot_retention_limit : 0;
    if (member.size() <= 2) continue;
    auto done = modify_cluster_record(ctx, member);
    if (!done) return done.error();
  }
  if (auto r = ctx.registry.get(g.primary)) {
    next.node_type = r->node_type;
    next.engine_version = r->engine_version;
    next.parameter_group = r->parameter_group;
    next.maintenance_window = r->maintenance_window;
    next.snapshot_window = r->snapshot_window;
    // The group's events go to the topic only while it is active (an
    // inactive topic is kept by the members).
    next.notification_topic_arn = r->active_topic();
    next.auto_minor_version_upgrade = r->auto_minor_version_upgrade;
  }
  if (*tokens || next.transit_encryption_mode != g.transit_encryption_mode) {
    for (const auto& m : g.members) {
      auto err = ctx.registry.update(m, [&](core::CacheClusterRecord& r) -> core::Status {
        if (*tokens) {
          r.auth_token_hashes = **tokens;
          r.auth_token_modified = next.auth_token_modified;
        }
        r.transit_encryption_mode = next.transit_encryption_mode;
        return std::nullopt;
      });
      if (err) return *err;
    }
  }
  bool restart_daemon = next.automatic_failover != g.automatic_failover;
  if (auto err = store.update(g.id, [&](core::ReplicationGroupRecord& rec) -> core::Status {
        std::string primary = rec.primary;  // the group daemon's, kept
        rec = next;
        rec.primary = primary;
        return std::nullopt;
      }))
    return *err;
  if (restart_daemon) {
    // The group daemon starts Sentinel only with automatic failover on.
    AdminReply reply = ctx.admin().call(ctx.home().admin_socket(g.daemon_address()),
                                        core::admin::Route::kShutdown, std::chrono::seconds(15));
    if (!reply.reached || reply.status != 200) kill_unresponsive(core::group_dir(ctx.home(), g.id));
    for (int i = 0; i < 200 && core::is_locked(core::group_dir(ctx.home(), g.id) / "daemon.lock");
         ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (auto err = ensure_group_daemon(ctx, next)) return *err;
    ctx.record_group_event(g.id, std::string("Automatic failover ") +
                                     (next.automatic_failover ? "enabled" : "disabled") +
                                     " for replication group " + g.id);
  }
  // New users or tokens reach the running engines at once.
  if (access_changed) push_group_access(ctx, g.id);
  auto fresh = store.get(g.id);
  if (!fresh) return fresh.error();
  nlohmann::json doc = live_group_json(ctx, *fresh);
  // The members' daemons read their roles every 100 ms: the answer waits
  // (briefly) until the promoted member's own daemon has seen it.
  for (int i = 0; promote && i < 100 && !shows_primary(doc, *promote); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    doc = live_group_json(ctx, *fresh);
  }
  return nlohmann::json{{"ReplicationGroup", doc}};
}

}  // namespace cachectl::cli
