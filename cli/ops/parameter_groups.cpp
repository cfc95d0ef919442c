// The cache parameter group operations: create, describe, modify, reset,
// delete, describe-cache-parameters, describe-engine-default-parameters.
// Changes to a group in use reach its clusters through cli/parameter_apply.
#include "core/parameter_groups.h"

#include <algorithm>

#include "cli/context.h"
#include "cli/engine_versions.h"
#include "cli/ops/request_fields.h"
#include "cli/parameter_apply.h"
#include "core/identifiers.h"
#include "core/parameter_table.h"
#include "core/tags.h"

namespace cachectl::cli {

namespace {

using json = nlohmann::json;

json group_json(const Context& ctx, const core::ParameterGroupRecord& g) {
  return {{"CacheParameterGroupName", g.name},
          {"CacheParameterGroupFamily", g.family},
          {"Description", g.description},
          {"IsGlobal", false},
          {"ARN", core::resource_arn(ctx.region, "parametergroup", g.name)}};
}

// Where a value comes from: the user's group, else ElastiCache's own
// setting (parameters that do not reach the engine), else the engine's.
std::string source_of(const core::ParameterSpec& p, const core::ParameterGroupRecord* g) {
  if (g && g->values.count(std::string(p.name))) return "user";
  return p.reaches_engine() ? "engine-default" : "system";
}

json parameter_json(const core::ParameterSpec& p, const core::ParameterGroupRecord* g) {
  std::string value(p.default_value);
  if (g) {
    auto it = g->values.find(std::string(p.name));
    if (it != g->values.end()) value = it->second;
  }
  return {{"ParameterName", std::string(p.name)},
          {"ParameterValue", value},
          {"Description", std::string(p.description)},
          {"Source", source_of(p, g)},
          {"DataType", std::string(p.data_type)},
          {"AllowedValues", std::string(p.allowed)},
          {"IsModifiable", p.modifiable},
          {"MinimumEngineVersion", std::string(p.minimum_engine_version)},
          {"ChangeType", std::string(core::change_type_name(p.change_type))}};
}

// One page of a family's parameters after `marker` (a parameter name).
core::Result<json> parameter_page(const std::string& family, const core::ParameterGroupRecord* g,
                                  const std::string& source, const json& request,
                                  std::string& next_marker) {
  auto limit = max_records(request);
  if (!limit) return limit.error();
  std::string marker = opt_string(request, "Marker").value_or("");
  json list = json::array();
  bool started = marker.empty();
  const auto* table = core::family_parameters(family);
  for (std::size_t i = 0; i < table->size(); ++i) {
    const auto& p = (*table)[i];
    if (!started) {
      started = p.name == marker;
      continue;
    }
    if (!source.empty() && source_of(p, g) != source) continue;
    if (static_cast<int>(list.size()) == *limit) {
      next_marker = list.back()["ParameterName"].get<std::string>();
      break;
    }
    list.push_back(parameter_json(p, g));
  }
  if (!started) return core::invalid_value("Invalid Marker: " + marker);
  return list;
}

core::Result<core::ParameterGroupRecord> get_group(Context& ctx, const json& request) {
  std::string name = core::ascii_lower(opt_string(request, "CacheParameterGroupName").value_or(""));
  return core::ParameterGroupStore(ctx.home()).get(name);
}

core::Status refuse_default(const core::ParameterGroupRecord& g, const char* what) {
  if (!g.is_default) return std::nullopt;
  return core::ApiError{"InvalidCacheParameterGroupState",
                        "Default parameter group " + g.name + " cannot be " + what + "."};
}

// Applies a group's change to every cluster that uses it.
// Modify and reset: changes the group's values under its lock, then brings
// every cluster using it in line (immediate values now, the others marked
// for reboot); the answer names the group.
template <typename Change>
core::Result<json> change_group(Context& ctx, const std::string& name, Change change) {
  core::ParameterGroupRecord before, after;
  auto err = core::ParameterGroupStore(ctx.home()).update(name, [&](core::ParameterGroupRecord& r) {
    before = r;
    change(r.values);
    after = r;
    return core::Status{};
  });
  if (err) return *err;
  ctx.record_source_event("cache-parameter-group", after.name,
                          "Cache parameter group " + after.name + " updated");
  auto old_values = core::effective_values(before.family, before.values);
  auto new_values = core::effective_values(after.family, after.values);
  for (const auto& id : clusters_using_group(ctx, after.name)) {
    if (auto e = apply_parameter_changes(ctx, id, after.family, old_values, new_values)) return *e;
  }
  return json{{"CacheParameterGroupName", name}};
}

}  // namespace

core::Result<json> create_cache_parameter_group(Context& ctx, const json& request) {
  auto name = core::normalize_parameter_group_name(
      opt_string(request, "CacheParameterGroupName").value_or(""));
  if (!name) return name.error();
  core::ParameterGroupRecord g;
  g.name = *name;
  g.family = opt_string(request, "CacheParameterGroupFamily").value_or("");
  if (!core::family_parameters(g.family)) {
    std::string known;
    for (const auto& f : core::known_parameter_families()) known += (known.empty() ? "" : ", ") + f;
    return core::invalid_value("Unknown or unsupported CacheParameterGroupFamily '" + g.family +
                               "' (supported: " + known + ").");
  }
  g.description = opt_string(request, "Description").value_or("");
  auto tags = core::tags_of_request(request);
  if (!tags) return tags.error();
  g.tags = *tags;
  if (auto err = core::ParameterGroupStore(ctx.home()).create(g)) return *err;
  ctx.record_source_event("cache-parameter-group", g.name,
                          "Cache parameter group " + g.name + " created");
  return json{{"CacheParameterGroup", group_json(ctx, g)}};
}

core::Result<json> describe_cache_parameter_groups(Context& ctx, const json& request) {
  core::ParameterGroupStore store(ctx.home());
  json groups = json::array();
  json response = json::object();
  if (auto name = opt_string(request, "CacheParameterGroupName")) {
    auto g = store.get(core::ascii_lower(*name));
    if (!g) return g.error();
    groups.push_back(group_json(ctx, *g));
  } else {
    auto limit = max_records(request);
    if (!limit) return limit.error();
    std::vector<std::string> names = store.list_user_names();
    auto installed = installed_engines(ctx.home());
    if (!installed) return installed.error();
    for (const auto& e : *installed) {
      std::string family = core::parameter_group_family(e.engine, e.version);
      if (!core::family_parameters(family)) continue;
      names.push_back(core::default_group_name(family));
      if (core::find_parameter(family, "cluster-enabled"))
        names.push_back(core::default_group_name(family) + std::string(core::kClusterOnSuffix));
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    std::string marker = opt_string(request, "Marker").value_or("");
    auto it = marker.empty() ? names.begin() : std::upper_bound(names.begin(), names.end(), marker);
    for (; it != names.end() && static_cast<int>(groups.size()) < *limit; ++it) {
      auto g = store.get(*it);
      if (!g) {
        if (g.error().code == "CacheParameterGroupNotFound") continue;  // deleted meanwhile
        return g.error();
      }
      groups.push_back(group_json(ctx, *g));
    }
    if (it != names.end()) response["Marker"] = groups.back()["CacheParameterGroupName"];
  }
  response["CacheParameterGroups"] = groups;
  return response;
}

core::Result<json> describe_cache_parameters(Context& ctx, const json& request) {
  auto g = get_group(ctx, request);
  if (!g) return g.error();
  std::string source = opt_string(request, "Source").value_or("");
  if (!source.empty() && source != "user" && source != "system" && source != "engine-default")
    return core::invalid_value("Source must be user, system or engine-default (got '" + source +
                               "').");
  std::string next;
  auto list = parameter_page(g->family, &*g, source, request, next);
  if (!list) return list.error();
  json response = json::object();
  if (!next.empty()) response["Marker"] = next;
  response["Parameters"] = *list;
  response["CacheNodeTypeSpecificParameters"] = json::array();
  return response;
}

core::Result<json> describe_engine_default_parameters(Context&, const json& request) {
  std::string family = opt_string(request, "CacheParameterGroupFamily").value_or("");
  if (!core::family_parameters(family))
    return core::invalid_value("Unknown or unsupported CacheParameterGroupFamily '" + family +
                               "'.");
  std::string next;
  auto list = parameter_page(family, nullptr, "", request, next);
  if (!list) return list.error();
  json defaults = json::object();
  defaults["CacheParameterGroupFamily"] = family;
  if (!next.empty()) defaults["Marker"] = next;
  defaults["Parameters"] = *list;
  defaults["CacheNodeTypeSpecificParameters"] = json::array();
  return json{{"EngineDefaults", defaults}};
}

core::Result<json> modify_cache_parameter_group(Context& ctx, const json& request) {
  auto g = get_group(ctx, request);
  if (!g) return g.error();
  if (auto err = refuse_default(*g, "modified")) return *err;
  const json& list =
      request.contains("ParameterNameValues") ? request["ParameterNameValues"] : json::array();
  if (list.empty())
    return core::invalid_value("ParameterNameValues must name at least one parameter.");
  if (list.size() > 20)
    return core::invalid_value("At most 20 parameters can be modified in one request.");
  std::map<std::string, std::string> changes;
  for (const auto& nv : list) {
    std::string name = opt_string(nv, "ParameterName").value_or("");
    const core::ParameterSpec* spec = core::find_parameter(g->family, name);
    if (!spec)
      return core::invalid_value("Unknown parameter '" + name + "' for family " + g->family + ".");
    if (!spec->modifiable) return core::invalid_value("Parameter " + name + " is not modifiable.");
    auto value = opt_string(nv, "ParameterValue");
    if (!value) return core::invalid_value("Parameter " + name + " needs a ParameterValue.");
    if (auto err = core::check_parameter_value(*spec, *value)) return *err;
    changes[name] = *value;
  }
  return change_group(ctx, g->name, [&](auto& values) {
    for (const auto& [k, v] : changes) values[k] = v;
  });
}

core::Result<json> reset_cache_parameter_group(Context& ctx, const json& request) {
  auto g = get_group(ctx, request);
  if (!g) return g.error();
  if (auto err = refuse_default(*g, "reset")) return *err;
  bool all = opt_bool(request, "ResetAllParameters", false);
  const json& list =
      request.contains("ParameterNameValues") ? request["ParameterNameValues"] : json::array();
  if (all == !list.empty()) {
    return core::invalid_combination(
        "Give either ResetAllParameters or ParameterNameValues (the parameters to reset), not both "
        "or neither.");
  }
  std::vector<std::string> names;
  for (const auto& nv : list) {
    std::string name = opt_string(nv, "ParameterName").value_or("");
    const core::ParameterSpec* spec = core::find_parameter(g->family, name);
    if (!spec)
      return core::invalid_value("Unknown parameter '" + name + "' for family " + g->family + ".");
    names.push_back(name);
  }
  return change_group(ctx, g->name, [&](auto& values) {
    if (all) values.clear();
    for (const auto& n : names) values.erase(n);
  });
}

core::Result<json> delete_cache_parameter_group(Context& ctx, const json& request) {
  auto g = get_group(ctx, request);
  if (!g) return g.error();
  if (auto err = refuse_default(*g, "deleted")) return *err;
  auto users = clusters_using_group(ctx, g->name);
  if (!users.empty()) {
    return core::ApiError{
        "InvalidCacheParameterGroupState",
        "Parameter group " + g->name + " is in use by cache cluster " + users.front() + "."};
  }
  if (auto err = core::ParameterGroupStore(ctx.home()).remove(g->name)) return *err;
  ctx.record_source_event("cache-parameter-group", g->name,
                          "Cache parameter group " + g->name + " deleted");
  return json::object();
}

}  // namespace cachectl::cli
