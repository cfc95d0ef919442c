#include "core/parameter_groups.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "core/files.h"
#include "core/identifiers.h"
#include "core/parameter_table.h"
#include "core/toml_fields.h"

namespace cachectl::core {

std::string default_group_name(std::string_view family) { return "default." + std::string(family); }

bool turns_cluster_mode_on(const ParameterGroupRecord& group) {
  auto it = group.values.find("cluster-enabled");
  return it != group.values.end() && it->second == "yes";
}

Result<std::string> normalize_parameter_group_name(std::string_view name) {
  return normalize_name(name, "CacheParameterGroupName", 255);
}

std::string to_toml(const ParameterGroupRecord& g) {
  toml::table t;
  t.insert("cache_parameter_group_name", g.name);
  t.insert("cache_parameter_group_family", g.family);
  t.insert("description", g.description);
  toml::table values;
  for (const auto& [k, v] : g.values) values.insert(k, v);
  t.insert("parameters", std::move(values));
  t.insert("tags", tags_to_toml(g.tags));
  std::ostringstream os;
  os << "# cachectl cache parameter group; edit with care: every value is checked when read.\n"
     << t << "\n";
  return os.str();
}

Result<ParameterGroupRecord> parameter_group_from_toml(std::string_view text,
                                                       std::string_view origin) {
  auto parsed = parse_state_file(text, origin);
  if (!parsed) return parsed.error();
  const toml::table& t = *parsed;
  TomlFields f(t, std::string(origin));
  ParameterGroupRecord g;
  g.name = f.str("cache_parameter_group_name");
  g.family = f.str("cache_parameter_group_family");
  if (f.ok() && !family_parameters(g.family))
    f.fail("cache_parameter_group_family", "'" + g.family + "' is not a family cachectl knows");
  g.description = f.str("description", "");
  if (auto err = read_tags(f, origin, g.tags)) return *err;
  if (!f.ok()) return ApiError{kRegistryFileInvalid, f.error()};
  if (auto node = t["parameters"]; node) {
    const toml::table* values = node.as_table();
    if (!values)
      return ApiError{kRegistryFileInvalid,
                      std::string(origin) + ": key 'parameters': expected a table"};
    for (const auto& [key, value] : *values) {
      std::string name(key.str());
      std::string where = std::string(origin) + ": parameter '" + name + "'";
      const auto* spec = find_parameter(g.family, name);
      if (!spec)
        return ApiError{kRegistryFileInvalid, where + ": not a parameter of family " + g.family};
      const auto* s = value.as_string();
      if (!s) return ApiError{kRegistryFileInvalid, where + ": expected a string"};
      if (auto err = check_parameter_value(*spec, s->get()))
        return ApiError{kRegistryFileInvalid, where + ": " + err->message};
      g.values[name] = s->get();
    }
  }
  return g;
}

namespace {

ApiError group_not_found(std::string_view name) {
  return {"CacheParameterGroupNotFound",
          "CacheParameterGroup " + std::string(name) + " not found."};
}

RecordKind group_kind(const StateHome& home) {
  // "pg.": a cluster id has no dot
  return home_record_kind(home, home.root() / "parameter-groups", "pg.", 255, group_not_found,
                          [](std::string_view name) {
                            return ApiError{
                                "CacheParameterGroupAlreadyExists",
                                "Parameter group " + std::string(name) + " already exists."};
                          });
}

}  // namespace

ParameterGroupStore::ParameterGroupStore(StateHome home)
    : home_(std::move(home)),
      store_(group_kind(home_),
             {[](const ParameterGroupRecord& g) { return to_toml(g); }, parameter_group_from_toml,
              [](const ParameterGroupRecord& g) { return g.name; }, "cache_parameter_group_name"}) {
}

fs::path ParameterGroupStore::file(std::string_view name) const {
  auto key = store_.folder().key(name);
  return store_.folder().file(key ? *key : std::string(name));
}

Result<ParameterGroupRecord> ParameterGroupStore::get(std::string_view name) const {
  std::string lower = ascii_lower(name);
  if (lower.rfind("default.", 0) == 0) {
    // default.FAMILY, and default.FAMILY.cluster.on (ElastiCache's default
    // for cluster mode: the same values with cluster-enabled yes).
    std::string family(lower.substr(8));
    bool cluster_on = family.size() > kClusterOnSuffix.size() &&
                      family.ends_with(kClusterOnSuffix) &&
                      find_parameter(family.substr(0, family.size() - kClusterOnSuffix.size()),
                                     "cluster-enabled");
    if (cluster_on) family.resize(family.size() - kClusterOnSuffix.size());
    if (!family_parameters(family)) return group_not_found(name);
    ParameterGroupRecord g;
    g.name = lower;
    g.family = family;
    g.description = "Default parameter group for " + family + (cluster_on ? " cluster mode" : "");
    g.is_default = true;
    if (cluster_on) g.values["cluster-enabled"] = "yes";
    return g;
  }
  return store_.get(name);
}

std::vector<std::string> ParameterGroupStore::list_user_names() const { return store_.list(); }

Status ParameterGroupStore::create(const ParameterGroupRecord& g) { return store_.create(g); }

Status ParameterGroupStore::update(std::string_view name,
                                   const std::function<Status(ParameterGroupRecord&)>& change) {
  return store_.update(name, change);
}

Status ParameterGroupStore::remove(std::string_view name) {
  return store_.remove(name, {}, /*even_if_unreadable=*/true);
}

}  // namespace cachectl::core
