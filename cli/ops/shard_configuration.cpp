// modify-replication-group-shard-configuration (cluster mode): node groups
// added or removed, and the slots spread evenly over the node groups that
// remain (moving as few as possible, core::rebalance). The command writes
// the new layout and a "reshard" intent into the group record, creates the
// new node groups' members and starts them, and answers "modifying"; the
// group's cluster manager then migrates the slots while clients keep
// reading and writing (node/slot_migration.cpp). Once the manager reports
// the layout reached, whoever settles the intent next (describe, the
// waiter, any command on the group, cachectl resume) deletes the node
// groups being removed, whose slots have all moved away by then, and
// clears the intent. Nothing is ever left without a node group serving it:
// a removed node group's members stop only after its last slot has gone.
#include <algorithm>

#include "cli/address_probe.h"
#include "cli/context.h"
#include "cli/group_members.h"
#include "cli/ops/group_operation.h"
#include "cli/ops/request_fields.h"
#include "cli/ops/service_context.h"
#include "core/create_replication_group.h"
#include "core/identifiers.h"

namespace cachectl::cli {

namespace {

using json = nlohmann::json;

constexpr int kMaxNodeGroups = 90;

core::ApiError not_cluster_mode(const core::ReplicationGroupRecord& g) {
  return core::ApiError{"InvalidReplicationGroupState",
                        "Replication group " + g.id +
                            " has cluster mode disabled: it has one node group and no slots to "
                            "move."};
}

// The node groups that keep slots: the current ones less those removed.
std::vector<std::string> kept_node_groups(const core::ReplicationGroupRecord& g,
                                          const std::vector<std::string>& removed) {
  std::vector<std::string> keep;
  for (const auto& ng : g.node_groups)
    if (std::find(removed.begin(), removed.end(), ng.id) == removed.end()) keep.push_back(ng.id);
  return keep;
}

}  // namespace

core::Result<bool> settle_resharding(Context& ctx, const core::ReplicationGroupRecord& g,
                                     Settled& out) {
  core::ReplicationGroupStore store(ctx.home());
  const core::GroupIntent& intent = g.intent;
  // 1. The added members run (a killed command may have stopped before).
  std::vector<std::string> missing;
  for (const auto& m : intent.members) {
    if (!g.has_member(m)) continue;  // taken out by an earlier settle
    auto record = ctx.registry.get(m);
    if (!record) {
      if (record.error().code != "CacheClusterNotFound") return record.error();
      missing.push_back(m);
      continue;
    }
    auto settled = settle(ctx, m);
    if (!settled) return settled.error();
    if (settled->deleted) missing.push_back(m);
    for (auto& f : settled->failed) out.failed.push_back(f);
  }
  if (!missing.empty()) {
    // A new node group left without members gives its slots back: the
    // layout is spread over the others again.
    auto err = store.update(g.id, [&](core::ReplicationGroupRecord& rec) -> core::Status {
      std::erase_if(rec.members, [&](const std::string& m) {
        return std::find(missing.begin(), missing.end(), m) != missing.end();
      });
      for (auto& ng : rec.node_groups)
        std::erase_if(ng.members, [&](const std::string& m) {
          return std::find(missing.begin(), missing.end(), m) != missing.end();
        });
      std::erase_if(rec.node_groups,
                    [](const core::NodeGroupRecord& ng) { return ng.members.empty(); });
      for (auto& ng : rec.node_groups)
        if (!ng.has_member(ng.primary)) ng.primary = ng.members.front();
      auto layout =
          core::rebalance(core::layout_of(rec), kept_node_groups(rec, rec.intent.node_groups));
      for (auto& ng : rec.node_groups) ng.slots = layout[ng.id];
      ++rec.layout_version;
      return std::nullopt;
    });
    if (err) return *err;
    for (const auto& m : missing) out.done.push_back("undid adding member cluster " + m);
  }
  auto fresh = store.get(g.id);
  if (!fresh) return fresh.error();
  if (auto err = ensure_group_daemon(ctx, *fresh)) {
    out.failed.push_back(err->message);
    return false;
  }
  // 2. Not there yet: the slots are still moving.
  if (!core::cluster_in_sync(*fresh, cluster_report(ctx, *fresh))) {
    poke_group_daemon(ctx, *fresh);
    return false;
  }
  // 3. The layout is reached: the node groups being removed serve no slot
  // any more, and go.
  std::vector<std::string> leaving;
  for (const auto& id : intent.node_groups)
    if (const auto* ng = fresh->find_node_group(id))
      for (const auto& m : ng->members) leaving.push_back(m);
  for (const auto& m : leaving)
    if (auto err = delete_member(ctx, m)) return *err;
  auto err = store.update(g.id, [&](core::ReplicationGroupRecord& rec) -> core::Status {
    std::erase_if(rec.members, [&](const std::string& m) {
      return std::find(leaving.begin(), leaving.end(), m) != leaving.end();
    });
    std::erase_if(rec.node_groups, [&](const core::NodeGroupRecord& ng) {
      return std::find(intent.node_groups.begin(), intent.node_groups.end(), ng.id) !=
             intent.node_groups.end();
    });
    if (!rec.has_member(rec.primary)) rec.primary = rec.members.front();
    // The manager forgets the stopped nodes before it reports this layout.
    if (!leaving.empty()) ++rec.layout_version;
    return std::nullopt;
  });
  if (err) return *err;
  for (const auto& id : intent.node_groups) out.done.push_back("removed node group " + id);
  ctx.record_group_event(g.id,
                         "Resharding of replication group " + g.id + " completed (" +
                             std::to_string(fresh->node_groups.size() - intent.node_groups.size()) +
                             " node groups)");
  return true;
}

core::Result<json> modify_replication_group_shard_configuration(Context& ctx, const json& request) {
  auto op = begin_group_operation(ctx, opt_string(request, "ReplicationGroupId").value_or(""));
  if (!op) return op.error();
  core::ReplicationGroupRecord& g = op->group;
  if (!g.cluster_enabled) return not_cluster_mode(g);
  if (!opt_bool(request, "ApplyImmediately", false))
    return core::invalid_value(
        "ApplyImmediately must be true: a change of the node groups is applied at once.");
  auto count = opt_int(request, "NodeGroupCount");
  if (!count) return core::invalid_value("NodeGroupCount must be given.");
  if (*count < 1 || *count > kMaxNodeGroups)
    return core::ApiError{"NodeGroupsPerReplicationGroupQuotaExceeded",
                          "NodeGroupCount must be between 1 and 90."};
  const int current = static_cast<int>(g.node_groups.size());
  std::vector<std::string> to_remove = opt_strings(request, "NodeGroupsToRemove");
  std::vector<std::string> to_retain = opt_strings(request, "NodeGroupsToRetain");
  json resharding = request.value("ReshardingConfiguration", json::array());
  if (!to_remove.empty() && !to_retain.empty())
    return core::invalid_combination("Give NodeGroupsToRemove or NodeGroupsToRetain, not both.");
  auto known = [&](std::string& id) -> core::Status {
    if (id.size() < 4) id.insert(0, 4 - id.size(), '0');
    if (!g.find_node_group(id))
      return core::invalid_value("Node group " + id + " is not in replication group " + g.id + ".");
    return std::nullopt;
  };
  for (auto& id : to_remove)
    if (auto err = known(id)) return *err;
  for (auto& id : to_retain)
    if (auto err = known(id)) return *err;
  if (*count < current) {
    if (to_remove.empty() && to_retain.empty())
      return core::invalid_value(
          "NodeGroupsToRemove or NodeGroupsToRetain must name the node groups when "
          "NodeGroupCount (" +
          std::to_string(*count) + ") is below the current count (" + std::to_string(current) +
          ").");
    if (!to_retain.empty()) {
      if (static_cast<int>(to_retain.size()) != *count)
        return core::invalid_value("NodeGroupsToRetain must name NodeGroupCount node groups.");
      for (const auto& ng : g.node_groups)
        if (std::find(to_retain.begin(), to_retain.end(), ng.id) == to_retain.end())
          to_remove.push_back(ng.id);
    }
    std::sort(to_remove.begin(), to_remove.end());
    to_remove.erase(std::unique(to_remove.begin(), to_remove.end()), to_remove.end());
    if (static_cast<int>(to_remove.size()) != current - *count)
      return core::invalid_value("NodeGroupsToRemove must name " +
                                 std::to_string(current - *count) + " node groups.");
  } else if (!to_remove.empty() || !to_retain.empty()) {
    return core::invalid_combination(
        "NodeGroupsToRemove and NodeGroupsToRetain are for a NodeGroupCount below the current "
        "count.");
  }
  std::string status = live_group_status(ctx, g);
  if (status != "available")
    return core::ApiError{"InvalidReplicationGroupState",
                          "Replication group " + g.id + " is " + status +
                              "; its node groups can be changed once it is available."};

  // New node groups: ids from ReshardingConfiguration when it names new
  // ones, else the next numbers; as many replicas as node group 1 has.
  std::vector<core::NodeGroupRecord> added;
  std::vector<std::vector<std::string>> added_zones;
  int next = core::next_node_group_number(g);
  const int replicas = static_cast<int>(g.node_groups.front().members.size()) - 1;
  for (int i = 0; i < *count - current; ++i) {
    core::NodeGroupRecord ng;
    std::vector<std::string> zones;
    if (i < static_cast<int>(resharding.size())) {
      const json& c = resharding[static_cast<std::size_t>(i)];
      std::string id = c.value("NodeGroupId", "");
      if (!id.empty()) {
        if (id.size() > 4 || id.find_first_not_of("0123456789") != std::string::npos)
          return core::invalid_value("NodeGroupId '" + id + "' is not 1 to 4 digits.");
        id.insert(0, 4 - id.size(), '0');
        if (g.find_node_group(id) ||
            std::any_of(added.begin(), added.end(), [&](auto& a) { return a.id == id; }))
          return core::invalid_value("Node group " + id + " already exists.");
        ng.id = id;
      }
      if (c.contains("PreferredAvailabilityZones"))
        for (const auto& z : c["PreferredAvailabilityZones"]) zones.push_back(z.get<std::string>());
    }
    if (ng.id.empty()) {
      while (g.find_node_group(core::node_group_id(next)) ||
             std::any_of(added.begin(), added.end(),
                         [&](auto& a) { return a.id == core::node_group_id(next); }))
        ++next;
      ng.id = core::node_group_id(next++);
    }
    for (int n = 1; n <= replicas + 1; ++n)
      ng.members.push_back(core::shard_member_id(g.id, ng.id, n));
    ng.primary = ng.members.front();
    added.push_back(std::move(ng));
    added_zones.push_back(std::move(zones));
  }

  // The new layout: evenly over what remains, as few slots moved as can be.
  std::vector<std::string> keep = kept_node_groups(g, to_remove);
  for (const auto& ng : added) keep.push_back(ng.id);
  core::ReplicationGroupRecord next_group = g;
  for (const auto& ng : added) next_group.node_groups.push_back(ng);
  core::SlotLayout layout = core::rebalance(core::layout_of(next_group), keep);

  // The new members, planned and locked before anything is written.
  std::vector<std::string> new_ids, new_zones;
  for (std::size_t i = 0; i < added.size(); ++i)
    for (std::size_t n = 0; n < added[i].members.size(); ++n) {
      new_ids.push_back(added[i].members[n]);
      new_zones.push_back(n < added_zones[i].size() ? added_zones[i][n] : "");
    }
  auto members = plan_members(ctx, g, new_ids, new_zones);
  if (!members) return members.error();

  core::ReplicationGroupStore store(ctx.home());
  auto marked = store.update(g.id, [&](core::ReplicationGroupRecord& rec) -> core::Status {
    for (const auto& ng : added) rec.node_groups.push_back(ng);
    for (const auto& id : new_ids) rec.members.push_back(id);
    for (auto& ng : rec.node_groups) ng.slots = layout[ng.id];
    ++rec.layout_version;
    rec.intent = core::new_group_intent("reshard", ctx.clock.now(), new_ids);
    rec.intent.node_groups = to_remove;
    return std::nullopt;
  });
  if (marked) return *marked;
  ctx.record_group_event(
      g.id, "Resharding of replication group " + g.id + " started: " + std::to_string(current) +
                " to " + std::to_string(*count) + " node groups, " +
                std::to_string(core::slots_moved(core::layout_of(g), layout)) + " slots to move");
  for (auto& r : members->records) {
    r.intent = core::new_intent("create", ctx.clock.now());
    if (auto err = ctx.registry.create(r, can_listen_cluster)) {
      (void)settle_group(ctx, g.id);  // takes the unwritten ones out again
      return *err;
    }
  }
  members->locks.clear();
  auto settled = settle_group(ctx, g.id);
  if (!settled) return settled.error();
  if (!settled->failed.empty()) return core::ApiError{"InternalFailure", settled->failed.front()};
  auto fresh = store.get(g.id);
  if (!fresh) return fresh.error();
  return json{{"ReplicationGroup", live_group_json(ctx, *fresh)}};
}

}  // namespace cachectl::cli
