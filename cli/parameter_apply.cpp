#include "cli/parameter_apply.h"

#include <algorithm>
#include <cctype>

#include "core/engines.h"
#include "core/identifiers.h"
#include "core/parameter_table.h"

namespace cachectl::cli {

std::vector<std::string> clusters_using_group(Context& ctx, const std::string& group) {
  std::vector<std::string> out;
  for (const auto& id : ctx.registry.list_ids()) {
    auto record = ctx.registry.get(id);
    if (record && record->parameter_group == group) out.push_back(id);
  }
  return out;
}

core::Status apply_parameter_changes(Context& ctx, const std::string& cluster_id,
                                     const std::string& family, const ParameterValues& before,
                                     const ParameterValues& after) {
  std::map<std::string, std::string> immediate;
  bool needs_reboot = false;
  for (const auto& [name, value] : after) {
    auto old = before.find(name);
    if (old != before.end() && old->second == value) continue;
    const core::ParameterSpec* spec = core::find_parameter(family, name);
    if (!spec) continue;
    if (spec->change_type == core::ChangeType::kRequiresReboot) {
      needs_reboot = true;
    } else if (spec->reaches_engine()) {
      immediate[std::string(spec->engine_name)] = value;
    }
  }
  auto record = ctx.registry.get(cluster_id);
  if (!record) return record.error();
  if (needs_reboot) {
    auto err = ctx.registry.update(cluster_id, [](core::CacheClusterRecord& r) -> core::Status {
      for (const auto& n : r.nodes) {
        if (std::find(r.nodes_to_reboot.begin(), r.nodes_to_reboot.end(), n.id) ==
            r.nodes_to_reboot.end())
          r.nodes_to_reboot.push_back(n.id);
      }
      return std::nullopt;
    });
    if (err) return err;
  }
  if (immediate.empty() || record->engine != "redis") return std::nullopt;
  std::string body = core::admin::to_json(core::admin::ConfigRequest{immediate});
  for (const auto& node : record->nodes) {
    AdminReply reply =
        ctx.admin().call(ctx.home().admin_socket(node.address), core::admin::Route::kConfig,
                         std::chrono::milliseconds(5000), body);
    // A node whose daemon does not answer, or whose engine is not up, reads
    // the group when its engine next starts: nothing is lost.
    if (reply.reached && reply.status == 500) {
      ctx.record_event(cluster_id, "Failed to apply parameter changes to cache node " + node.id +
                                       ": " + reply.why());
    }
  }
  return std::nullopt;
}

core::Status move_cluster_to_parameter_group(Context& ctx, const std::string& cluster_id,
                                             const std::string& group_name) {
  auto record = ctx.registry.get(cluster_id);
  if (!record) return record.error();
  core::ParameterGroupStore store(ctx.home());
  std::string name = core::ascii_lower(group_name);
  auto group = store.get(name);
  if (!group) return group.error();
  std::string family = core::parameter_group_family(record->engine, record->engine_version);
  if (group->family != family) {
    return core::invalid_combination("Cache parameter group " + name + " is of family " +
                                     group->family + ", not " + family + " (cluster " + cluster_id +
                                     " runs " + record->engine + " " + record->engine_version +
                                     ").");
  }
  auto old_group = store.get(record->parameter_group);
  ParameterValues before =
      core::effective_values(family, old_group ? old_group->values : ParameterValues{});
  ParameterValues after = core::effective_values(family, group->values);
  if (auto err = ctx.registry.update(cluster_id, [&](core::CacheClusterRecord& r) -> core::Status {
        r.parameter_group = name;
        return std::nullopt;
      }))
    return err;
  return apply_parameter_changes(ctx, cluster_id, family, before, after);
}

}  // namespace cachectl::cli
