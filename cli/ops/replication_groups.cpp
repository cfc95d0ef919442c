// create-, describe- and delete-replication-group (cluster mode disabled).
// A group is its record (core/replication_group.h) plus member clusters,
// each an ordinary cache cluster with one node; the group daemon runs
// Sentinel and the ReaderEndpoint (docs/architecture.md, "Replication
// groups").
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "cli/address_probe.h"
#include "cli/context.h"
#include "cli/group_members.h"
#include "cli/node_status.h"
#include "cli/ops/group_operation.h"
#include "cli/ops/request_fields.h"
#include "cli/ops/service_context.h"
#include "cli/ops/take_snapshot.h"
#include "cli/seed_download.h"
#include "core/create_replication_group.h"
#include "core/files.h"
#include "core/identifiers.h"
#include "core/restricted_commands.h"
#include "core/seed_source.h"
#include "core/snapshots.h"

namespace cachectl::cli {

namespace {

// The group adopts the secret of the cluster it is built around, so that
// the cluster's running daemon already knows the names Sentinel uses.
core::Status adopt_command_key(Context& ctx, const core::ReplicationGroupRecord& g,
                               const core::CacheClusterRecord& primary) {
  core::fs::path dir = core::group_dir(ctx.home(), g.id);
  std::error_code ec;
  core::fs::create_directories(dir, ec);
  auto key = core::load_or_create_command_key(ctx.home().node_dir(primary.id, "0001"));
  if (!key) return key.error();
  core::fs::path file = core::command_key_file(dir);
  std::error_code rm;
  core::fs::remove(file, rm);  // a leftover of a create of this id that was undone
  if (core::create_file_exclusive(file, *key + "\n") != core::CreateResult::kCreated)
    return core::ApiError{core::kInvalidConfiguration, "cannot write " + file.string()};
  return std::nullopt;
}

// The endpoints' addresses. Cluster mode disabled: the primary's engine
// binds the PrimaryEndpoint, the replicas the ReaderEndpoint, where the
// group daemon runs Sentinel on port 26379. Cluster mode: every member
// binds the ConfigurationEndpoint (and Redis its cluster bus port there).
// All from the members' subnet group, whose lock is held while claiming
// (and released before the members are made).
core::Status claim_group_addresses(Context& ctx, core::ReplicationGroupRecord& g,
                                   const std::string& subnet_group) {
  auto space = ctx.registry.address_space(subnet_group);
  if (!space) return space.error();
  if (g.cluster_enabled) {
    auto config = ctx.registry.claim_address(g.id, core::kConfigurationEndpointId, g.port,
                                             can_listen_cluster, {}, space->subnets);
    if (!config) return config.error();
    g.configuration_address = *config;
    return std::nullopt;
  }
  auto primary_address = ctx.registry.claim_address(g.id, core::kPrimaryEndpointId, g.port,
                                                    can_listen, {}, space->subnets);
  if (!primary_address) return primary_address.error();
  auto reader_address = ctx.registry.claim_address(
      g.id, core::kReaderEndpointId, g.port,
      [](const std::string& a, int port) {
        return can_listen(a, port) && can_listen(a, core::kSentinelPort);
      },
      {}, space->subnets);
  if (!reader_address) {
    ctx.registry.release_address(*primary_address);
    return reader_address.error();
  }
  g.primary_address = *primary_address;
  g.reader_address = *reader_address;
  return std::nullopt;
}

// A cluster-mode group restored from a snapshot or RDB files: each file is
// linked (else copied) into STATE/groups/ID/seed/, from where the cluster
// manager loads its keys into whichever node group serves their slots
// (node/cluster_seed.cpp). The group keeps its copy even if the snapshot
// is deleted meanwhile.
core::Status stage_cluster_seed(Context& ctx, const std::string& group,
                                const std::string& snapshot_name,
                                const std::vector<std::string>& sources) {
  core::fs::path dir = core::group_dir(ctx.home(), group) / "seed";
  std::error_code ec;
  core::fs::remove_all(dir, ec);  // a leftover of a create of this id that was undone
  core::fs::create_directories(dir, ec);
  if (ec) return core::ApiError{core::kInvalidConfiguration, "cannot create " + dir.string()};
  std::vector<core::fs::path> files;
  if (!snapshot_name.empty()) {
    core::SnapshotStore store(ctx.home());
    auto snapshot = store.get(snapshot_name);
    if (!snapshot) return snapshot.error();
    for (const auto& n : snapshot->nodes) files.push_back(store.rdb(snapshot->name, n.file_key()));
  }
  for (const auto& source : sources) {
    if (core::seed_kind(source) == core::SeedKind::kFileUrl) {
      auto path = core::file_url_path(source, std::getenv("HOME"));
      if (!path) return core::invalid_value(source + " is not a file URL");
      files.emplace_back(*path);
    } else {
      files.emplace_back(source);
    }
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    core::fs::path target = dir / (core::node_group_id(static_cast<int>(i) + 1) + ".rdb");
    ec.clear();
    core::fs::create_hard_link(files[i], target, ec);
    if (ec) {
      ec.clear();
      core::fs::copy_file(files[i], target, ec);
    }
    if (ec)
      return core::ApiError{"InvalidParameterValue",
                            "cannot read " + files[i].string() + ": " + ec.message()};
  }
  return std::nullopt;
}

core::ApiError group_not_found(const std::string& id) {
  return core::ApiError{"ReplicationGroupNotFoundFault", "ReplicationGroup " + id + " not found."};
}

}  // namespace

core::Result<nlohmann::json> create_replication_group(Context& ctx, const nlohmann::json& request) {
  auto service = make_service_context(ctx, request);
  if (!service) return service.error();
  std::optional<core::CacheClusterRecord> existing;
  std::optional<ClusterOperation> existing_op;
  if (auto primary = opt_string(request, "PrimaryClusterId")) {
    auto op = begin_cluster_operation(ctx, *primary);
    if (!op) return op.error();
    std::string status = core::cluster_status(op->record, live_node_statuses(ctx, op->record));
    if (status != "available")
      return core::ApiError{"InvalidCacheClusterState",
                            "Cache cluster " + op->record.id + " is " + status +
                                "; a replication group can be built around it once it is "
                                "available."};
    existing = op->record;
    existing_op.emplace(std::move(*op));
  }
  auto plan = core::plan_new_replication_group(request, *service, existing);
  if (!plan) return plan.error();
  core::ReplicationGroupRecord& g = plan->group;
  core::ReplicationGroupStore store(ctx.home());

  auto lock = lock_group(ctx, g.id);
  if (!lock) {
    if (lock.error().code != "InvalidReplicationGroupState") return lock.error();
    return core::ApiError{"ReplicationGroupAlreadyExists",
                          "Replication group " + g.id + " already exists."};
  }
  if (auto found = store.get(g.id); found) {
    (void)settle_group_if_abandoned(ctx, *found);
    if (store.get(g.id).ok())
      return core::ApiError{"ReplicationGroupAlreadyExists",
                            "Replication group " + g.id + " already exists."};
  } else if (found.error().code != "ReplicationGroupNotFoundFault") {
    return found.error();
  }
  std::vector<core::OperationLock> member_locks;
  for (const auto& m : plan->members) {
    auto member_lock = core::OperationLock::try_take(ctx.home(), m.id);
    if (!member_lock || ctx.registry.get(m.id).ok() ||
        ctx.registry.get(m.id).error().code != "CacheClusterNotFound")
      return core::ApiError{"CacheClusterAlreadyExists",
                            "Cache cluster " + m.id + " already exists."};
    member_locks.push_back(std::move(*member_lock));
    if (auto swept = sweep_cluster_leftovers(ctx, m.id); !swept) return swept.error();
  }

  {
    const auto& model = existing ? *existing : plan->members.front();
    if (auto err = claim_group_addresses(ctx, g, model.subnet_group)) return *err;
  }
  auto release = [&]() {
    for (const auto& a : g.endpoint_addresses()) ctx.registry.release_address(a);
  };
  g.intent = core::new_group_intent("create", ctx.clock.now());
  if (existing) {
    if (auto err = adopt_command_key(ctx, g, *existing)) {
      release();
      return *err;
    }
  }
  if (auto err = store.create(g)) {
    release();
    return *err;
  }
  // From here on the group record's intent covers everything: a failure
  // (or a kill) is undone by settle_group.
  auto undo = [&](const core::ApiError& why) -> core::ApiError {
    (void)store.update(g.id, [&](core::ReplicationGroupRecord& rec) -> core::Status {
      rec.intent.operation = "delete";
      rec.intent.retain_primary = existing.has_value();
      return std::nullopt;
    });
    (void)settle_group(ctx, g.id);
    return why;
  };
  // A restore's RDBs, staged for the cluster manager (which starts after).
  if (g.seeding)
    if (auto err = stage_cluster_seed(ctx, g.id, plan->seed_snapshot, plan->seed_sources))
      return undo(*err);
  if (existing) {
    auto err = ctx.registry.update(existing->id, [&](core::CacheClusterRecord& r) -> core::Status {
      r.replication_group_id = g.id;
      return std::nullopt;
    });
    if (err) return undo(*err);
    // Its engine restarts in the group, keeping its data.
    ctx.admin().call(ctx.home().admin_socket(existing->nodes.front().address),
                     core::admin::Route::kModify, std::chrono::seconds(30));
  }
  for (auto& m : plan->members) {
    m.intent = core::new_intent("create", ctx.clock.now());
    if (auto err = ctx.registry.create(m, g.cluster_enabled ? can_listen_cluster : can_listen))
      return undo(*err);
    download_seeds(ctx.home(), m);
  }
  member_locks.clear();
  auto settled = settle_group(ctx, g.id);
  if (!settled) return settled.error();
  if (settled->deleted)
    return core::ApiError{"InternalFailure", settled->failed.empty()
                                                 ? "the replication group could not be created"
                                                 : settled->failed.front()};
  ctx.record_group_event(g.id, "Replication group " + g.id + " created");
  auto fresh = store.get(g.id);
  if (!fresh) return fresh.error();
  std::vector<core::MemberState> members;
  for (const auto& id : fresh->members) {
    core::MemberState m;
    m.cluster = id;
    if (auto r = ctx.registry.get(id); r && !r->nodes.empty()) {
      m.address = r->nodes.front().address;
      m.port = r->nodes.front().port;
      m.zone = r->nodes.front().availability_zone;
    }
    m.status = "creating";
    members.push_back(m);
  }
  return nlohmann::json{
      {"ReplicationGroup", core::replication_group_json(*fresh, members, "creating", ctx.region)}};
}

core::Result<nlohmann::json> describe_replication_groups(Context& ctx,
                                                         const nlohmann::json& request) {
  core::ReplicationGroupStore store(ctx.home());
  nlohmann::json groups = nlohmann::json::array();
  nlohmann::json response = nlohmann::json::object();
  if (auto id = opt_string(request, "ReplicationGroupId")) {
    auto group = store.get(*id);
    if (!group) return group.error();
    group = settle_group_if_abandoned(ctx, *group);
    if (!group) return group.error();
    groups.push_back(live_group_json(ctx, *group));
  } else {
    auto limit = max_records(request);
    if (!limit) return limit.error();
    std::string marker = opt_string(request, "Marker").value_or("");
    std::vector<std::string> ids = store.list_ids();
    auto it = marker.empty() ? ids.begin() : std::upper_bound(ids.begin(), ids.end(), marker);
    for (; it != ids.end() && static_cast<int>(groups.size()) < *limit; ++it) {
      auto group = store.get(*it);
      if (group) group = settle_group_if_abandoned(ctx, *group);
      if (!group) {
        if (group.error().code == "ReplicationGroupNotFoundFault") continue;
        return group.error();
      }
      groups.push_back(live_group_json(ctx, *group));
    }
    if (it != ids.end()) response["Marker"] = groups.back()["ReplicationGroupId"];
  }
  response["ReplicationGroups"] = groups;
  return response;
}

core::Result<nlohmann::json> delete_replication_group(Context& ctx, const nlohmann::json& request) {
  std::string id = opt_string(request, "ReplicationGroupId").value_or("");
  auto op = begin_group_operation(ctx, id);
  if (!op) {
    if (op.error().code == "ReplicationGroupNotFoundFault") return group_not_found(id);
    return op.error();
  }
  core::ReplicationGroupRecord& g = op->group;
  id = g.id;
  core::ReplicationGroupStore store(ctx.home());
  bool retain = opt_bool(request, "RetainPrimaryCluster", false);
  if (retain && g.cluster_enabled)
    return core::invalid_combination(
        "RetainPrimaryCluster is for cluster mode disabled: a cluster-mode group's primaries "
        "each hold only their node group's slots.");
  auto members = live_member_states(ctx, g);
  // The primary is whichever member is primary now (a failover moves it).
  std::string primary = live_primary(g, members);
  if (auto final_snapshot = opt_string(request, "FinalSnapshotIdentifier")) {
    if (retain)
      return core::invalid_combination(
          "FinalSnapshotIdentifier cannot be given with RetainPrimaryCluster.");
    auto name = core::normalize_name(*final_snapshot, "FinalSnapshotIdentifier", 255);
    if (!name) return name.error();
    if (g.cluster_enabled) {
      auto snapshot = take_group_snapshot(ctx, g, *name, "manual");
      if (!snapshot) return snapshot.error();
    } else {
      std::string source = !g.snapshotting_cluster.empty() ? g.snapshotting_cluster : primary;
      auto record = ctx.registry.get(source);
      if (!record) return record.error();
      auto member_op = begin_cluster_operation(ctx, source);
      if (!member_op) return member_op.error();
      auto snapshot = take_snapshot(ctx, member_op->record, *name, "manual");
      if (!snapshot) return snapshot.error();
    }
  }
  auto marked = store.update(id, [&](core::ReplicationGroupRecord& rec) -> core::Status {
    rec.lifecycle = core::Lifecycle::kDeleting;
    rec.primary = primary;
    rec.intent = core::new_group_intent("delete", ctx.clock.now(), {}, retain);
    return std::nullopt;
  });
  if (marked) return *marked;
  g.lifecycle = core::Lifecycle::kDeleting;
  g.intent = {};
  for (auto& m : members) m.status = "deleting";
  nlohmann::json response{
      {"ReplicationGroup", core::replication_group_json(g, members, "deleting", ctx.region)}};
  auto settled = settle_group(ctx, id);
  if (!settled) return settled.error();
  return response;
}

}  // namespace cachectl::cli

namespace cachectl::cli {

namespace {

// test-failover in cluster mode: a replica of the node group takes over
// with Redis Cluster's own CLUSTER FAILOVER (asked of the group daemon's
// cluster manager), which then records the new primary as it does after a
// real failure.
core::Result<nlohmann::json> test_cluster_failover(Context& ctx,
                                                   const core::ReplicationGroupRecord& g,
                                                   std::string node_group) {
  if (!node_group.empty() && node_group.size() < 4)
    node_group.insert(0, 4 - node_group.size(), '0');
  const core::NodeGroupRecord* ng = g.find_node_group(node_group);
  if (!ng)
    return core::ApiError{
        "NodeGroupNotFoundFault",
        "The node group " + node_group + " was not found in replication group " + g.id + "."};
  if (ng->members.size() < 2)
    return core::ApiError{
        "TestFailoverNotAvailableFault",
        "Node group " + node_group + " of " + g.id + " has no replica to fail over to."};
  std::string status = live_group_status(ctx, g);
  if (status != "available")
    return core::ApiError{
        "InvalidReplicationGroupState",
        "Replication group " + g.id + " is " + status + "; test-failover needs it available."};
  AdminReply reply = ctx.admin().call(
      ctx.home().admin_socket(g.daemon_address()), core::admin::Route::kFailover,
      std::chrono::seconds(40), core::admin::to_json(core::admin::FailoverRequest{node_group}));
  if (!reply.reached || reply.status != 202) {
    std::string why = reply.reached ? reply.body : "the group daemon does not answer";
    if (auto e = core::admin::parse_error_response(reply.body)) why = e->error;
    return core::ApiError{"TestFailoverNotAvailableFault", "Cannot fail over " + g.id + ": " + why};
  }
  ctx.record_group_event(g.id, "Test Failover API called for node group " + node_group);
  return nlohmann::json{{"ReplicationGroup", live_group_json(ctx, g)}};
}

}  // namespace

// test-failover: Sentinel promotes a replica exactly as it does when the
// primary fails (SENTINEL FAILOVER, asked of the group daemon); the group
// daemon then records the switch as it does for a real failure.
core::Result<nlohmann::json> test_failover(Context& ctx, const nlohmann::json& request) {
  std::string id = opt_string(request, "ReplicationGroupId").value_or("");
  std::string node_group = opt_string(request, "NodeGroupId").value_or("");
  auto op = begin_group_operation(ctx, id);
  if (!op) return op.error();
  core::ReplicationGroupRecord& g = op->group;
  if (g.cluster_enabled) return test_cluster_failover(ctx, g, node_group);
  if (node_group != "0001")
    return core::ApiError{"NodeGroupNotFoundFault",
                          "The node group " + node_group + " was not found in replication group " +
                              g.id + " (a group with cluster mode disabled has node group 0001)."};
  if (!g.automatic_failover)
    return core::ApiError{"InvalidReplicationGroupState",
                          "Replication group " + g.id +
                              " does not have automatic failover enabled; test-failover needs it."};
  std::string status = live_group_status(ctx, g);
  if (status != "available")
    return core::ApiError{
        "InvalidReplicationGroupState",
        "Replication group " + g.id + " is " + status + "; test-failover needs it available."};
  AdminReply reply = ctx.admin().call(ctx.home().admin_socket(g.daemon_address()),
                                      core::admin::Route::kFailover, std::chrono::seconds(20));
  if (!reply.reached || reply.status != 202) {
    std::string why = reply.reached ? reply.body : "the group daemon does not answer";
    if (auto e = core::admin::parse_error_response(reply.body)) why = e->error;
    return core::ApiError{"TestFailoverNotAvailableFault", "Cannot fail over " + g.id + ": " + why};
  }
  ctx.record_group_event(g.id, "Test Failover API called for node group 0001");
  return nlohmann::json{{"ReplicationGroup", live_group_json(ctx, g)}};
}

}  // namespace cachectl::cli
