#include "core/subnet_groups.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "core/identifiers.h"
#include "core/toml_fields.h"

namespace cachectl::core {

namespace {

ApiError group_not_found(std::string_view name) {
  return {"CacheSubnetGroupNotFoundFault",
          "Cache subnet group " + std::string(name) + " not found."};
}

RecordKind group_kind(const StateHome& home) {
  // "sng.": a cluster id has no dot
  return home_record_kind(
      home, home.root() / "subnet-groups", "sng.", 255, group_not_found, [](std::string_view name) {
        return ApiError{"CacheSubnetGroupAlreadyExists",
                        "Cache subnet group " + std::string(name) + " already exists."};
      });
}

}  // namespace

std::vector<Subnet> SubnetGroupRecord::parsed_subnets() const {
  std::vector<Subnet> out;
  for (const auto& id : subnets)
    if (auto s = parse_subnet(id)) out.push_back(*s);
  return out;
}

Result<std::string> normalize_subnet_group_name(std::string_view name) {
  return normalize_name(name, "CacheSubnetGroupName", 255);
}

Result<std::vector<std::string>> check_subnet_ids(const std::vector<std::string>& ids) {
  std::vector<std::string> out, bad;
  for (const auto& id : ids) {
    auto s = parse_subnet(id);
    if (!s) {
      bad.push_back(id);
      continue;
    }
    if (std::find(out.begin(), out.end(), s->id()) == out.end()) out.push_back(s->id());
  }
  if (!bad.empty()) {
    std::string list;
    for (const auto& b : bad) list += (list.empty() ? "" : ", ") + b;
    return invalid_value("Some input subnets in :[" + list +
                         "] are invalid. A local subnet is a range of 127.0.0.0/8 written as its "
                         "CIDR, from a /" +
                         std::to_string(kMinSubnetPrefix) + " to a /" +
                         std::to_string(kMaxSubnetPrefix) + " (for example 127.20.0.0/24).");
  }
  if (out.empty()) return invalid_value("The parameter SubnetIds must name at least one subnet.");
  if (out.size() > kMaxSubnetsPerGroup) {
    return ApiError{"CacheSubnetQuotaExceededFault",
                    "The request cannot be processed because it would exceed the allowed number "
                    "of subnets in a cache subnet group (" +
                        std::to_string(kMaxSubnetsPerGroup) + ")."};
  }
  return out;
}

std::string to_toml(const SubnetGroupRecord& g) {
  toml::table t{{"cache_subnet_group_name", g.name},
                {"description", g.description},
                {"subnet_ids", to_toml_array(g.subnets)}};
  t.insert("tags", tags_to_toml(g.tags));
  std::ostringstream os;
  os << "# cachectl cache subnet group\n" << t << "\n";
  return os.str();
}

Result<SubnetGroupRecord> subnet_group_from_toml(std::string_view text, std::string_view origin) {
  auto parsed = parse_state_file(text, origin);
  if (!parsed) return parsed.error();
  TomlFields f(*parsed, std::string(origin));
  SubnetGroupRecord g;
  g.name = f.str("cache_subnet_group_name");
  g.description = f.str("description", "");
  g.subnets = f.strings("subnet_ids");
  if (auto err = read_tags(f, origin, g.tags)) return *err;
  if (f.ok()) {
    for (const auto& id : g.subnets)
      if (!parse_subnet(id)) f.fail("subnet_ids", "'" + id + "' is not a local subnet");
    if (f.ok() && g.subnets.empty()) f.fail("subnet_ids", "expected at least one subnet");
  }
  if (!f.ok()) return ApiError{kRegistryFileInvalid, f.error()};
  return g;
}

std::string subnet_group_arn(std::string_view region, std::string_view name) {
  return resource_arn(region, "subnetgroup", name);
}

nlohmann::json subnet_group_json(const SubnetGroupRecord& g, const std::string& vpc_id,
                                 const std::string& region) {
  nlohmann::json subnets = nlohmann::json::array();
  for (const auto& s : g.parsed_subnets()) {
    subnets.push_back({{"SubnetIdentifier", s.id()},
                       {"SubnetAvailabilityZone", {{"Name", subnet_zone(s, region)}}},
                       {"SupportedNetworkTypes", {"ipv4"}}});
  }
  return {{"CacheSubnetGroupName", g.name},
          {"CacheSubnetGroupDescription", g.description},
          {"VpcId", vpc_id},
          {"Subnets", subnets},
          {"ARN", subnet_group_arn(region, g.name)},
          {"SupportedNetworkTypes", {"ipv4"}}};
}

Result<std::string> home_vpc_id(const StateHome& home) {
  auto prefix = home.address_prefix();
  if (!prefix) return prefix.error();
  auto network = parse_ipv4(*prefix + ".0.0");
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", network.value_or(0));
  return "vpc-" + std::string(buf);
}

SubnetGroupStore::SubnetGroupStore(StateHome home)
    : home_(std::move(home)),
      store_(group_kind(home_),
             {[](const SubnetGroupRecord& g) { return to_toml(g); }, subnet_group_from_toml,
              [](const SubnetGroupRecord& g) { return g.name; }, "cache_subnet_group_name"}) {}

Result<SubnetGroupRecord> SubnetGroupStore::get(std::string_view name) const {
  if (ascii_lower(name) == kDefaultSubnetGroup) {
    auto prefix = home_.address_prefix();
    if (!prefix) return prefix.error();
    SubnetGroupRecord g;
    g.name = std::string(kDefaultSubnetGroup);
    g.description = "Default CacheSubnetGroup";
    g.subnets = {*prefix + ".0.0/16"};
    g.is_default = true;
    return g;
  }
  return store_.get(name);
}

std::vector<std::string> SubnetGroupStore::list_names() const {
  std::vector<std::string> names = store_.list();
  names.erase(std::remove(names.begin(), names.end(), std::string(kDefaultSubnetGroup)),
              names.end());
  names.push_back(std::string(kDefaultSubnetGroup));
  std::sort(names.begin(), names.end());
  return names;
}

Result<FileLock> SubnetGroupStore::lock(std::string_view name) const {
  auto key = store_.folder().key(name);
  if (!key) return group_not_found(name);
  return store_.folder().lock(*key);
}

Status SubnetGroupStore::create(const SubnetGroupRecord& g) const {
  if (g.name == kDefaultSubnetGroup) return store_.folder().kind().already_exists(g.name);
  return store_.create(g);
}

Status SubnetGroupStore::update(std::string_view name,
                                const std::function<Status(SubnetGroupRecord&)>& change) const {
  if (ascii_lower(name) == kDefaultSubnetGroup)
    return invalid_value("The default cache subnet group cannot be modified.");
  return store_.update(name, change);
}

Status SubnetGroupStore::remove(
    std::string_view name, const std::function<Status(const SubnetGroupRecord&)>& check) const {
  if (ascii_lower(name) == kDefaultSubnetGroup)
    return invalid_value("The default cache subnet group cannot be deleted.");
  return store_.remove_checked(name, check);
}

}  // namespace cachectl::core
