// Cache subnet groups: STATE/subnet-groups/NAME.toml, one record each in a
// RecordStore (names lower-cased there; locks "sng.NAME"). A group's
// subnets are local subnets (core/subnets.h), its SubnetIdentifiers their
// CIDRs. The `default` group is not stored: it is the state home's own
// /16, the range cachectl has always given nodes addresses from, and it
// cannot be changed or deleted.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/cluster.h"
#include "core/record_store.h"
#include "core/state_home.h"
#include "core/subnets.h"

namespace cachectl::core {

inline constexpr std::string_view kDefaultSubnetGroup = "default";
// ElastiCache's default quotas: subnet groups per account, subnets per group.
inline constexpr std::size_t kMaxSubnetGroups = 50;
inline constexpr std::size_t kMaxSubnetsPerGroup = 20;

struct SubnetGroupRecord {
  std::string name;
  std::string description;
  std::vector<std::string> subnets;  // SubnetIdentifiers (CIDRs)
  std::vector<Tag> tags;
  bool is_default = false;

  std::vector<Subnet> parsed_subnets() const;
};

// CacheSubnetGroupName's rules (1-255 letters, digits, hyphens; a letter
// first); lower-cased.
Result<std::string> normalize_subnet_group_name(std::string_view name);

// The SubnetIds of a request, checked and without repeats: each a local
// subnet, at most kMaxSubnetsPerGroup. InvalidParameterValue naming the bad
// ones, as ElastiCache names subnets it cannot find.
Result<std::vector<std::string>> check_subnet_ids(const std::vector<std::string>& ids);

std::string to_toml(const SubnetGroupRecord& group);
Result<SubnetGroupRecord> subnet_group_from_toml(std::string_view text, std::string_view origin);

std::string subnet_group_arn(std::string_view region, std::string_view name);
// The API's CacheSubnetGroup shape; `vpc_id` is the home's (home_vpc_id).
nlohmann::json subnet_group_json(const SubnetGroupRecord& group, const std::string& vpc_id,
                                 const std::string& region);

// The state home is the VPC: "vpc-" and its /16 in hex (127.169.0.0:
// vpc-7fa90000).
Result<std::string> home_vpc_id(const StateHome& home);

class SubnetGroupStore {
 public:
  explicit SubnetGroupStore(StateHome home);

  // The default group, or a stored one; CacheSubnetGroupNotFoundFault.
  [[nodiscard]] Result<SubnetGroupRecord> get(std::string_view name) const;
  // "default" and the stored groups' names, ascending.
  std::vector<std::string> list_names() const;
  // The group's lock: held while nodes are given addresses from its
  // subnets, so that it cannot lose a subnet or go meanwhile.
  [[nodiscard]] Result<FileLock> lock(std::string_view name) const;

  // CacheSubnetGroupAlreadyExists when the name is taken.
  [[nodiscard]] Status create(const SubnetGroupRecord& group) const;
  // Read-modify-write under the group's lock; `change` may refuse.
  [[nodiscard]] Status update(std::string_view name,
                              const std::function<Status(SubnetGroupRecord&)>& change) const;
  // Removes the group under its lock unless `check` refuses.
  [[nodiscard]] Status remove(std::string_view name,
                              const std::function<Status(const SubnetGroupRecord&)>& check) const;

 private:
  StateHome home_;
  RecordStore<SubnetGroupRecord> store_;
};

}  // namespace cachectl::core
