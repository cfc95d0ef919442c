#include "cli/access_apply.h"

#include <algorithm>

#include "core/replication_group.h"
#include "core/users.h"

namespace cachectl::cli {

std::vector<std::string> groups_using_user_group(Context& ctx, const std::string& user_group) {
  std::vector<std::string> out;
  core::ReplicationGroupStore groups(ctx.home());
  for (const auto& id : groups.list_ids()) {
    auto g = groups.get(id);
    if (g && std::count(g->user_group_ids.begin(), g->user_group_ids.end(), user_group))
      out.push_back(id);
  }
  return out;
}

std::vector<std::string> user_groups_with_user(Context& ctx, const std::string& user) {
  std::vector<std::string> out;
  core::UserGroupStore store(ctx.home());
  for (const auto& id : store.list()) {
    auto g = store.get(id);
    if (g && std::count(g->user_ids.begin(), g->user_ids.end(), user)) out.push_back(id);
  }
  return out;
}

namespace {

struct Target {
  std::string cluster;
  std::string node;
  std::filesystem::path socket;
};

void add_cluster(Context& ctx, const std::string& cluster_id, std::vector<Target>& out) {
  auto record = ctx.registry.get(cluster_id);
  if (!record || record->engine != "redis") return;
  for (const auto& node : record->nodes)
    out.push_back({cluster_id, node.id, ctx.home().admin_socket(node.address)});
}

void add_group(Context& ctx, const std::string& group_id, std::vector<Target>& out) {
  auto group = core::ReplicationGroupStore(ctx.home()).get(group_id);
  if (!group) return;
  for (const auto& member : group->members) add_cluster(ctx, member, out);
}

// Every daemon asked at once, the answers awaited together.
void push(Context& ctx, const std::vector<Target>& targets) {
  std::vector<std::filesystem::path> sockets;
  for (const auto& t : targets) sockets.push_back(t.socket);
  auto replies =
      ctx.admin().call_all(sockets, core::admin::Route::kAccess, std::chrono::milliseconds(5000));
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (replies[i].reached && replies[i].status == 500)
      ctx.record_event(targets[i].cluster, "Failed to apply access changes to cache node " +
                                               targets[i].node + ": " + replies[i].why());
  }
}

}  // namespace

void push_cluster_access(Context& ctx, const std::string& cluster_id) {
  std::vector<Target> targets;
  add_cluster(ctx, cluster_id, targets);
  push(ctx, targets);
}

void push_group_access(Context& ctx, const std::string& group_id) {
  std::vector<Target> targets;
  add_group(ctx, group_id, targets);
  push(ctx, targets);
}

void push_user_group_access(Context& ctx, const std::string& user_group) {
  std::vector<Target> targets;
  for (const auto& g : groups_using_user_group(ctx, user_group)) add_group(ctx, g, targets);
  push(ctx, targets);
}

}  // namespace cachectl::cli
