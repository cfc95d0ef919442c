#include "cli/ops/service_context.h"

#include "cli/engine_versions.h"
#include "cli/ops/request_fields.h"
#include "core/parameter_groups.h"
#include "core/snapshots.h"
#include "core/subnet_groups.h"
#include "core/users.h"

namespace cachectl::cli {

core::Result<core::ServiceContext> make_service_context(Context& ctx,
                                                        const nlohmann::json& request) {
  auto installed = installed_engines(ctx.home());
  if (!installed) return installed.error();
  if (auto name = opt_string(request, "SnapshotName")) {
    auto snapshot = core::SnapshotStore(ctx.home()).get(*name);
    if (!snapshot && snapshot.error().code == core::kRegistryFileInvalid) return snapshot.error();
  }
  core::StateHome home = ctx.home();
  return core::ServiceContext{
      *installed,
      ctx.clock.now(),
      ctx.region,
      [home](const std::string& name) { return core::SnapshotStore(home).get(name).ok(); },
      [home](const std::string& name) -> core::Result<std::string> {
        auto group = core::ParameterGroupStore(home).get(name);
        if (!group) return group.error();
        return group->family;
      },
      [home](const std::string& name) {
        auto group = core::ParameterGroupStore(home).get(name);
        return group && core::turns_cluster_mode_on(*group);
      },
      [home](const std::string& name) {
        auto snapshot = core::SnapshotStore(home).get(name);
        return snapshot && snapshot->cluster_mode();
      },
      false,
      [home,
       region = ctx.region](const std::string& name) -> core::Result<std::vector<std::string>> {
        auto group = core::SubnetGroupStore(home).get(name);
        if (!group) return group.error();
        std::vector<std::string> zones;
        for (const auto& s : group->parsed_subnets()) zones.push_back(core::subnet_zone(s, region));
        return zones;
      },
      [home](const std::string& id) -> core::Status {
        auto group = core::UserGroupStore(home).get(id);
        if (!group) return group.error();
        return std::nullopt;
      }};
}

}  // namespace cachectl::cli
