// Cache parameter groups: the default group of each family (never stored:
// it is the table's defaults) and the user's groups, one TOML file each
// under STATE/parameter-groups/, in a RecordStore like cluster records
// (names lower-cased there; a name that cannot be stored is not found).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/cluster.h"
#include "core/record_store.h"
#include "core/result.h"
#include "core/state_home.h"

namespace cachectl::core {

struct ParameterGroupRecord {
  std::string name;
  std::string family;
  std::string description;
  std::map<std::string, std::string> values;  // only what the user set
  std::vector<Tag> tags;
  bool is_default = false;
};

// "default.redis7" for "redis7".
std::string default_group_name(std::string_view family);
// A default group's name ends with this for cluster mode
// ("default.redis7.cluster.on": the family's defaults, cluster-enabled yes).
inline constexpr std::string_view kClusterOnSuffix = ".cluster.on";
// Whether the group sets cluster-enabled yes (replication groups made with
// it are in cluster mode).
bool turns_cluster_mode_on(const ParameterGroupRecord& group);

// CacheParameterGroupName's rules (1-255 letters, digits, hyphens; a letter
// first; no trailing or double hyphen); lower-cased.
Result<std::string> normalize_parameter_group_name(std::string_view name);

std::string to_toml(const ParameterGroupRecord& group);
Result<ParameterGroupRecord> parameter_group_from_toml(std::string_view text,
                                                       std::string_view origin);

class ParameterGroupStore {
 public:
  explicit ParameterGroupStore(StateHome home);

  fs::path file(std::string_view name) const;

  // A default group of a known family, or a stored one;
  // CacheParameterGroupNotFound otherwise.
  [[nodiscard]] Result<ParameterGroupRecord> get(std::string_view name) const;
  // The stored groups' names, ascending.
  std::vector<std::string> list_user_names() const;

  // CacheParameterGroupAlreadyExists when the name is taken.
  [[nodiscard]] Status create(const ParameterGroupRecord& group);
  // Read-modify-write under the group's lock; `change` may refuse.
  [[nodiscard]] Status update(std::string_view name,
                              const std::function<Status(ParameterGroupRecord&)>& change);
  [[nodiscard]] Status remove(std::string_view name);

 private:
  StateHome home_;
  RecordStore<ParameterGroupRecord> store_;
};

}  // namespace cachectl::core
