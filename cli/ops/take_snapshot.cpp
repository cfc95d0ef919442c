#include "cli/ops/take_snapshot.h"

#include "cli/group_members.h"
#include "cli/node_status.h"
#include "core/identifiers.h"
#include "core/node_types.h"

namespace cachectl::cli {

namespace {

// The node's engine saves, and its RDB is moved to `target`: its size.
core::Result<std::int64_t> save_node(Context& ctx, const std::string& cluster,
                                     const core::CacheNodeRecord& node,
                                     const core::fs::path& target) {
  AdminReply reply =
      ctx.admin().call(ctx.home().admin_socket(node.address), core::admin::Route::kSnapshot,
                       std::chrono::minutes(30),
                       core::admin::to_json(core::admin::SnapshotRequest{target.string()}));
  auto saved = core::admin::parse_snapshot_response(reply.body);
  if (!reply.ok() || !saved)
    return core::ApiError{
        "InvalidCacheClusterState",
        "Cache node " + node.id + " of " + cluster +
            " could not be snapshotted: " + (reply.ok() ? saved.error().message : reply.why())};
  return saved->size;
}

// Memcached and some node types have no snapshots.
core::Status snapshots_supported(const std::string& engine, const std::string& node_type) {
  if (engine != "redis")
    return core::ApiError{"SnapshotFeatureNotSupportedFault",
                          "Snapshots are not supported for Memcached cache clusters."};
  const core::NodeType* type = core::find_node_type(node_type);
  if (type && !type->supports_snapshots)
    return core::ApiError{"SnapshotFeatureNotSupportedFault",
                          "Snapshots are not supported for cache node type " + node_type + "."};
  return std::nullopt;
}

// A snapshot being built: its private directory and its record so far.
struct Work {
  core::fs::path dir;
  core::SnapshotRecord record;
};

core::Result<Work> begin_snapshot(const core::SnapshotStore& store, const std::string& name,
                                  const std::string& source) {
  auto dir = store.begin(name);
  if (!dir) return dir.error();
  Work w{*dir, {}};
  w.record.name = name;
  w.record.source = source;
  return w;
}

}  // namespace

core::Result<core::SnapshotRecord> take_snapshot(Context& ctx, const core::CacheClusterRecord& c,
                                                 const std::string& raw_name,
                                                 const std::string& source,
                                                 const std::vector<core::Tag>& tags) {
  auto name = core::normalize_name(raw_name, "SnapshotName", 255);
  if (!name) return name.error();
  if (auto err = snapshots_supported(c.engine, c.node_type)) return *err;
  std::string status = core::cluster_status(c, live_node_statuses(ctx, c));
  if (status != "available") {
    return core::ApiError{
        "InvalidCacheClusterState",
        "Cache cluster " + c.id + " is not in available state (it is " + status + ")."};
  }
  core::SnapshotStore store(ctx.home());
  auto work = begin_snapshot(store, *name, source);
  if (!work) return work.error();
  core::SnapshotRecord& s = work->record;
  s.cluster = c;
  s.tags = tags;
  for (const auto& node : c.nodes) {
    auto saved = save_node(ctx, c.id, node, work->dir / (node.id + ".rdb"));
    if (!saved) {
      store.discard(work->dir);
      return saved.error();
    }
    s.nodes.push_back({node.id, *saved, node.create_time, ctx.clock.now()});
  }
  if (auto err = store.publish(work->dir, s)) return *err;
  ctx.record_event(c.id, "Snapshot succeeded for snapshot named " + s.name);
  return s;
}

core::Result<core::SnapshotRecord> take_group_snapshot(Context& ctx,
                                                       const core::ReplicationGroupRecord& g,
                                                       const std::string& raw_name,
                                                       const std::string& source) {
  auto name = core::normalize_name(raw_name, "SnapshotName", 255);
  if (!name) return name.error();
  if (auto err = snapshots_supported(g.engine, g.node_type)) return *err;
  auto members = live_member_states(ctx, g);
  auto report = cluster_report(ctx, g);
  std::string status = core::replication_group_status(g, members, report);
  if (status != "available")
    return core::ApiError{
        "InvalidReplicationGroupState",
        "Replication group " + g.id + " is not in available state (it is " + status + ")."};
  auto state_of = [&](const std::string& cluster) -> const core::MemberState* {
    for (const auto& m : members)
      if (m.cluster == cluster) return &m;
    return nullptr;
  };
  core::SnapshotStore store(ctx.home());
  auto work = begin_snapshot(store, *name, source);
  if (!work) return work.error();
  core::SnapshotRecord& s = work->record;
  s.replication_group_id = g.id;
  s.replication_group_description = g.description;
  for (const auto& ng : g.node_groups) {
    // The primary the cluster has now (a failover moves it), and a replica
    // of it in sync if there is one.
    std::string primary = ng.primary;
    if (report)
      for (const auto& shard : report->shards)
        if (shard.node_group == ng.id && !shard.primary.empty()) primary = shard.primary;
    std::string from = primary;
    for (const auto& m : ng.members) {
      const core::MemberState* st = state_of(m);
      if (m != primary && st && st->role == "replica" && st->link_up && st->status == "available") {
        from = m;
        break;
      }
    }
    auto record = ctx.registry.get(from);
    if (!record || record->nodes.empty()) {
      store.discard(work->dir);
      return record ? core::ApiError{"InvalidReplicationGroupState", from + " has no node"}
                    : record.error();
    }
    const core::CacheNodeRecord& node = record->nodes.front();
    auto saved = save_node(ctx, from, node, work->dir / (ng.id + ".rdb"));
    if (!saved) {
      store.discard(work->dir);
      return saved.error();
    }
    if (s.nodes.empty()) s.cluster = *record;
    core::NodeSnapshotRecord n{node.id, *saved, node.create_time, ctx.clock.now()};
    n.cache_cluster_id = from;
    n.node_group_id = ng.id;
    n.slots = core::format_slots(ng.slots);
    n.replica_count = static_cast<int>(ng.members.size()) - 1;
    for (const auto& m : ng.members) {
      const core::MemberState* st = state_of(m);
      if (!st) continue;
      if (m == ng.members.front()) {
        n.primary_zone = st->zone;
      } else {
        n.replica_zones.push_back(st->zone);
      }
    }
    s.nodes.push_back(std::move(n));
  }
  if (auto err = store.publish(work->dir, s)) return *err;
  ctx.record_group_event(g.id, "Snapshot succeeded for snapshot named " + s.name);
  return s;
}

}  // namespace cachectl::cli
