#include "core/parameter_groups.h"

#include <toml++/toml.h>
#include <unistd.h>

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

fs::path ParameterGroupStore::file(std::string_view name) const {
  return home_.root() / "parameter-groups" / (std::string(name) + ".toml");
}

Result<ParameterGroupRecord> ParameterGroupStore::get(std::string_view name) const {
  auto not_found = [&] {
    return ApiError{"CacheParameterGroupNotFound",
                    "CacheParameterGroup " + std::string(name) + " not found."};
  };
  if (name.rfind("default.", 0) == 0) {
    std::string family(name.substr(8));
    if (!family_parameters(family)) return not_found();
    ParameterGroupRecord g;
    g.name = std::string(name);
    g.family = family;
    g.description = "Default parameter group for " + family;
    g.is_default = true;
    return g;
  }
  fs::path path = file(name);
  auto text = read_file(path);
  if (!text) {
    if (errno == ENOENT || errno == ENAMETOOLONG) return not_found();
    return ApiError{kRegistryFileInvalid, path.string() + ": " + std::strerror(errno)};
  }
  auto g = parameter_group_from_toml(*text, path.string());
  if (g && g->name != name) {
    return ApiError{kRegistryFileInvalid, path.string() + ": key 'cache_parameter_group_name': '" +
                                              g->name + "' does not match the file name"};
  }
  return g;
}

std::vector<std::string> ParameterGroupStore::list_user_names() const {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(home_.root() / "parameter-groups", ec)) {
    std::string n = entry.path().filename().string();
    if (n.empty() || n[0] == '.' || entry.path().extension() != ".toml") continue;
    names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

Status ParameterGroupStore::create(const ParameterGroupRecord& g) {
  std::error_code ec;
  fs::create_directories(file(g.name).parent_path(), ec);
  switch (create_file_exclusive(file(g.name), to_toml(g))) {
    case CreateResult::kCreated:
      return std::nullopt;
    case CreateResult::kExists:
      return ApiError{"CacheParameterGroupAlreadyExists",
                      "Parameter group " + g.name + " already exists."};
    case CreateResult::kFailed:
      break;
  }
  return ApiError{kInvalidConfiguration,
                  "cannot write " + file(g.name).string() + ": " + std::strerror(errno)};
}

Status ParameterGroupStore::update(std::string_view name,
                                   const std::function<Status(ParameterGroupRecord&)>& change) {
  // "pg." keeps these locks apart from clusters' (a cluster id has no dot).
  FileLock lock(home_.lock_file("pg." + std::string(name)));
  auto g = get(name);
  if (!g) return g.error();
  if (auto err = change(*g)) return err;
  if (!write_file_atomic(file(name), to_toml(*g)))
    return ApiError{kInvalidConfiguration,
                    "cannot write " + file(name).string() + ": " + std::strerror(errno)};
  return std::nullopt;
}

Status ParameterGroupStore::remove(std::string_view name) {
  FileLock lock(home_.lock_file("pg." + std::string(name)));
  if (::unlink(file(name).c_str()) != 0) {
    if (errno == ENOENT)
      return ApiError{"CacheParameterGroupNotFound",
                      "CacheParameterGroup " + std::string(name) + " not found."};
    return ApiError{kInvalidConfiguration,
                    "cannot remove " + file(name).string() + ": " + std::strerror(errno)};
  }
  return std::nullopt;
}

}  // namespace cachectl::core
