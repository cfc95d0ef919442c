#include "cli/group_members.h"

#include "cli/node_status.h"

namespace cachectl::cli {

std::vector<core::MemberState> live_member_states(Context& ctx,
                                                  const core::ReplicationGroupRecord& group) {
  std::vector<core::MemberState> out;
  for (const auto& id : group.members) {
    core::MemberState m;
    m.cluster = id;
    auto record = ctx.registry.get(id);
    if (!record || record->nodes.empty()) {
      m.status = "failed";
      out.push_back(m);
      continue;
    }
    const auto& node = record->nodes.front();
    m.address = node.address;
    m.port = node.port;
    m.zone = node.availability_zone;
    AdminReply reply =
        ctx.admin().call(ctx.home().admin_socket(node.address), core::admin::Route::kStatus);
    if (reply.ok()) {
      if (auto s = core::admin::parse_status_response(reply.body)) {
        m.status = s->status;
        if (s->replication) {
          m.role = s->replication->role;
          m.link_up = s->replication->link_up;
        }
        out.push_back(m);
        continue;
      }
    }
    m.status = live_node_statuses(ctx, *record).front();
    out.push_back(m);
  }
  return out;
}

std::string live_primary(const core::ReplicationGroupRecord& group,
                         const std::vector<core::MemberState>& members) {
  for (const auto& m : members)
    if (m.role == "primary") return m.cluster;
  return group.primary;
}

std::string live_primary(Context& ctx, const core::ReplicationGroupRecord& group) {
  return live_primary(group, live_member_states(ctx, group));
}

std::optional<core::admin::ClusterReport> cluster_report(
    Context& ctx, const core::ReplicationGroupRecord& group) {
  if (!group.cluster_enabled) return std::nullopt;
  AdminReply reply = ctx.admin().call(ctx.home().admin_socket(group.daemon_address()),
                                      core::admin::Route::kStatus);
  if (!reply.ok()) return std::nullopt;
  auto s = core::admin::parse_status_response(reply.body);
  if (!s) return std::nullopt;
  return s->cluster_report;
}

nlohmann::json live_group_json(Context& ctx, const core::ReplicationGroupRecord& group) {
  auto members = live_member_states(ctx, group);
  auto report = cluster_report(ctx, group);
  return core::replication_group_json(
      group, members, core::replication_group_status(group, members, report), ctx.region, report);
}

std::string live_group_status(Context& ctx, const core::ReplicationGroupRecord& group) {
  return core::replication_group_status(group, live_member_states(ctx, group),
                                        cluster_report(ctx, group));
}

}  // namespace cachectl::cli
