// describe-cache-engine-versions (what is installed, probed from the engine
// binaries) and list-allowed-node-type-modifications (what a cluster can be
// scaled to, from the node type catalog).
#include <algorithm>

#include "cli/context.h"
#include "cli/engine_versions.h"
#include "cli/ops/request_fields.h"
#include "core/modify_cluster.h"

namespace cachectl::cli {

core::Result<nlohmann::json> describe_cache_engine_versions(Context& ctx,
                                                            const nlohmann::json& request) {
  auto limit = max_records(request);
  if (!limit) return limit.error();
  auto engine = opt_string(request, "Engine");
  auto version = opt_string(request, "EngineVersion");
  auto family = opt_string(request, "CacheParameterGroupFamily");
  bool default_only = opt_bool(request, "DefaultOnly", false);
  std::string marker = opt_string(request, "Marker").value_or("");

  auto found = installed_engines(ctx.home());
  if (!found) return found.error();
  auto& installed = *found;
  std::sort(installed.begin(), installed.end(), [](const auto& a, const auto& b) {
    return a.engine != b.engine ? a.engine < b.engine
                                : core::compare_versions(a.version, b.version) < 0;
  });
  nlohmann::json list = nlohmann::json::array();
  nlohmann::json response = nlohmann::json::object();
  bool past_marker = marker.empty();
  for (const auto& e : installed) {
    std::string key = e.engine + "-" + e.version;
    if (!past_marker) {
      past_marker = key == marker;
      continue;
    }
    if (engine && *engine != e.engine) continue;
    if (version && !core::resolve_engine_version({e}, e.engine, *version)) continue;
    std::string fam = core::parameter_group_family(e.engine, e.version);
    if (family && *family != fam) continue;
    // The default version of an engine is its newest installed one.
    if (default_only && core::resolve_engine_version(installed, e.engine, "")->version != e.version)
      continue;
    if (static_cast<int>(list.size()) == *limit) {
      response["Marker"] = list.back()["Engine"].get<std::string>() + "-" +
                           list.back()["EngineVersion"].get<std::string>();
      break;
    }
    bool redis = e.engine == "redis";
    list.push_back({{"Engine", e.engine},
                    {"EngineVersion", e.version},
                    {"CacheParameterGroupFamily", fam},
                    {"CacheEngineDescription", redis ? "Redis" : "memcached"},
                    {"CacheEngineVersionDescription",
                     (redis ? "redis version " : "memcached version ") + e.version}});
  }
  response["CacheEngineVersions"] = list;
  return response;
}

core::Result<nlohmann::json> list_allowed_node_type_modifications(Context& ctx,
                                                                  const nlohmann::json& request) {
  auto id = opt_string(request, "CacheClusterId");
  if (opt_string(request, "ReplicationGroupId")) {
    return core::ApiError{
        "ReplicationGroupNotFoundFault",
        "ReplicationGroup not found: " + *opt_string(request, "ReplicationGroupId")};
  }
  if (!id) {
    return core::invalid_combination("Either CacheClusterId or ReplicationGroupId is required.");
  }
  auto record = ctx.registry.get(*id);
  if (!record) return record.error();
  auto allowed = core::allowed_node_type_modifications(*record);
  return nlohmann::json{{"ScaleUpModifications", allowed.scale_up},
                        {"ScaleDownModifications", allowed.scale_down}};
}

}  // namespace cachectl::cli
