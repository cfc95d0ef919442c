#include "core/replication_group.h"

#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "core/node_types.h"
#include "core/toml_fields.h"

namespace cachectl::core {

bool ReplicationGroupRecord::has_member(std::string_view cluster) const {
  return std::find(members.begin(), members.end(), cluster) != members.end();
}

bool NodeGroupRecord::has_member(std::string_view cluster) const {
  return std::find(members.begin(), members.end(), cluster) != members.end();
}

NodeGroupRecord* ReplicationGroupRecord::find_node_group(std::string_view ng) {
  for (auto& g : node_groups)
    if (g.id == ng) return &g;
  return nullptr;
}

const NodeGroupRecord* ReplicationGroupRecord::find_node_group(std::string_view ng) const {
  for (const auto& g : node_groups)
    if (g.id == ng) return &g;
  return nullptr;
}

const NodeGroupRecord* ReplicationGroupRecord::node_group_of(std::string_view cluster) const {
  for (const auto& g : node_groups)
    if (g.has_member(cluster)) return &g;
  return nullptr;
}

std::vector<std::string> ReplicationGroupRecord::endpoint_addresses() const {
  if (cluster_enabled) return {configuration_address};
  return {primary_address, reader_address};
}

bool restart_waits_for_failover(const ReplicationGroupRecord& g, std::string_view member) {
  if (g.cluster_enabled) {
    const NodeGroupRecord* ng = g.node_group_of(member);
    return ng && ng->primary == member && ng->members.size() > 1;
  }
  return g.automatic_failover && g.primary == member && g.members.size() > 1;
}

bool is_group_endpoint_claim(std::string_view owner) {
  auto slash = owner.find('/');
  if (slash == std::string_view::npos) return false;
  auto node = owner.substr(slash + 1);
  return node == kPrimaryEndpointId || node == kReaderEndpointId ||
         node == kConfigurationEndpointId;
}

std::string member_cluster_id(std::string_view group, int n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "-%03d", n);
  return std::string(group) + buf;
}

std::string node_group_id(int n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d", n);
  return buf;
}

std::string shard_member_id(std::string_view group, std::string_view node_group, int n) {
  return member_cluster_id(std::string(group) + "-" + std::string(node_group), n);
}

namespace {

// The highest number N of the ids "PREFIXN" in `ids`.
int highest_suffix(const std::vector<std::string>& ids, const std::string& prefix) {
  int highest = 0;
  for (const auto& m : ids) {
    if (m.rfind(prefix, 0) != 0) continue;  // a cluster the group was built around
    std::string tail = m.substr(prefix.size());
    if (tail.empty() || tail.size() > 6 ||
        tail.find_first_not_of("0123456789") != std::string::npos)
      continue;
    highest = std::max(highest, std::stoi(tail));
  }
  return highest;
}

}  // namespace

int next_member_number(const ReplicationGroupRecord& group) {
  return highest_suffix(group.members, group.id + "-") + 1;
}

int next_shard_member_number(const NodeGroupRecord& node_group) {
  // Members are GROUP-NNNN-MMM: the suffix after the node group's id.
  int highest = 0;
  for (const auto& m : node_group.members) {
    auto dash = m.rfind('-');
    if (dash == std::string::npos) continue;
    highest = std::max(highest, highest_suffix({m}, m.substr(0, dash + 1)));
  }
  return highest + 1;
}

int next_node_group_number(const ReplicationGroupRecord& group) {
  std::vector<std::string> ids;
  for (const auto& g : group.node_groups) ids.push_back(g.id);
  return highest_suffix(ids, "") + 1;
}

SlotLayout layout_of(const ReplicationGroupRecord& group) {
  SlotLayout out;
  for (const auto& g : group.node_groups) out[g.id] = g.slots;
  return out;
}

GroupIntent new_group_intent(std::string operation, TimePoint now, std::vector<std::string> members,
                             bool retain_primary) {
  return {std::move(operation),
          static_cast<int>(::getpid()),
          now,
          std::move(members),
          retain_primary,
          {}};
}

fs::path group_dir(const StateHome& home, std::string_view group) {
  return home.root() / "groups" / std::string(group);
}

std::string to_toml(const ReplicationGroupRecord& r) {
  toml::table t;
  t.insert("replication_group_id", r.id);
  t.insert("description", r.description);
  t.insert("member_clusters", to_toml_array(r.members));
  t.insert("primary", r.primary);
  t.insert("automatic_failover", r.automatic_failover);
  t.insert("multi_az", r.multi_az);
  if (!r.cluster_enabled) {
    t.insert("primary_endpoint_address", r.primary_address);
    t.insert("reader_endpoint_address", r.reader_address);
  }
  t.insert("port", r.port);
  t.insert("snapshotting_cluster_id", r.snapshotting_cluster);
  t.insert("cache_node_type", r.node_type);
  t.insert("engine", r.engine);
  t.insert("engine_version", r.engine_version);
  t.insert("cache_parameter_group_name", r.parameter_group);
  t.insert("snapshot_window", r.snapshot_window);
  t.insert("snapshot_retention_limit", r.snapshot_retention_limit);
  t.insert("preferred_maintenance_window", r.maintenance_window);
  t.insert("notification_topic_arn", r.notification_topic_arn);
  t.insert("auto_minor_version_upgrade", r.auto_minor_version_upgrade);
  t.insert("auth_token_enabled", r.auth_token_enabled);
  t.insert("transit_encryption_enabled", r.transit_encryption_enabled);
  t.insert("at_rest_encryption_enabled", r.at_rest_encryption_enabled);
  t.insert("network_type", r.network_type);
  t.insert("ip_discovery", r.ip_discovery);
  t.insert("tags", tags_to_toml(r.tags));
  t.insert("create_time", to_toml_time(r.create_time));
  t.insert("lifecycle", r.lifecycle == Lifecycle::kDeleting ? "deleting" : "active");
  if (r.cluster_enabled) {
    t.insert("cluster_enabled", true);
    t.insert("cluster_mode", r.cluster_mode);
    t.insert("configuration_endpoint_address", r.configuration_address);
    t.insert("layout_version", r.layout_version);
    t.insert("formed", r.formed);
    t.insert("seeding", r.seeding);
    toml::array groups;
    for (const auto& g : r.node_groups)
      groups.push_back(toml::table{{"node_group_id", g.id},
                                   {"slots", format_slots(g.slots)},
                                   {"members", to_toml_array(g.members)},
                                   {"primary", g.primary}});
    t.insert("node_groups", std::move(groups));
  }
  if (!r.intent.empty()) {
    toml::table i{{"operation", r.intent.operation},
                  {"pid", r.intent.pid},
                  {"started", to_toml_time(r.intent.started)},
                  {"members", to_toml_array(r.intent.members)},
                  {"retain_primary", r.intent.retain_primary}};
    if (!r.intent.node_groups.empty()) i.insert("node_groups", to_toml_array(r.intent.node_groups));
    t.insert("intent", std::move(i));
  }
  std::ostringstream os;
  os << "# cachectl replication group; edit with care: every field is checked when read.\n"
     << t << "\n";
  return os.str();
}

namespace {

// A cluster-mode group's node groups must name members of the group, each
// member in one node group, and no slot in two node groups.
Status check_node_groups(const ReplicationGroupRecord& r, std::string_view origin) {
  auto bad = [&](const std::string& why) {
    return ApiError{kRegistryFileInvalid, std::string(origin) + ": " + why};
  };
  std::vector<int> owner(kSlotCount, -1);
  for (std::size_t i = 0; i < r.node_groups.size(); ++i) {
    const auto& g = r.node_groups[i];
    for (std::size_t j = 0; j < i; ++j)
      if (r.node_groups[j].id == g.id) return bad("node group " + g.id + " appears twice");
    for (const auto& m : g.members) {
      if (!r.has_member(m))
        return bad("node group " + g.id + ": member '" + m + "' is not in member_clusters");
      for (std::size_t j = 0; j < i; ++j)
        if (r.node_groups[j].has_member(m))
          return bad("member '" + m + "' is in node groups " + r.node_groups[j].id + " and " +
                     g.id);
    }
    if (!g.primary.empty() && !g.has_member(g.primary))
      return bad("node group " + g.id + ": primary '" + g.primary + "' is not one of its members");
    for (const auto& range : g.slots)
      for (int s = range.first; s <= range.last; ++s) {
        auto& o = owner[static_cast<std::size_t>(s)];
        if (o >= 0)
          return bad("slot " + std::to_string(s) + " is in node groups " +
                     r.node_groups[static_cast<std::size_t>(o)].id + " and " + g.id);
        o = static_cast<int>(i);
      }
  }
  return std::nullopt;
}

}  // namespace

Result<ReplicationGroupRecord> replication_group_from_toml(std::string_view text,
                                                           std::string_view origin) {
  auto parsed = parse_state_file(text, origin);
  if (!parsed) return parsed.error();
  const toml::table& t = *parsed;
  TomlFields f(t, std::string(origin));
  ReplicationGroupRecord r;
  r.id = f.str("replication_group_id");
  r.description = f.str("description", "");
  r.members = f.strings("member_clusters");
  r.primary = f.str("primary", "");
  r.automatic_failover = f.boolean("automatic_failover", false);
  r.multi_az = f.boolean("multi_az", false);
  r.cluster_enabled = f.boolean("cluster_enabled", false);
  auto address = [&](const char* key, std::string& out) {
    out = f.str(key);
    if (f.ok() && !is_loopback_v4(out))
      f.fail(key, "'" + out + "' is not an IPv4 loopback address");
  };
  if (r.cluster_enabled) {
    address("configuration_endpoint_address", r.configuration_address);
    r.cluster_mode = f.str("cluster_mode", "enabled");
    if (f.ok() && r.cluster_mode != "enabled" && r.cluster_mode != "compatible")
      f.fail("cluster_mode", "expected \"enabled\" or \"compatible\"");
    r.layout_version = static_cast<int>(f.integer("layout_version", 1, 1LL << 30, 1));
    r.formed = f.boolean("formed", false);
    r.seeding = f.boolean("seeding", false);
  } else {
    address("primary_endpoint_address", r.primary_address);
    address("reader_endpoint_address", r.reader_address);
  }
  r.port = static_cast<int>(f.integer("port", 1, 65535));
  r.snapshotting_cluster = f.str("snapshotting_cluster_id", "");
  r.node_type = f.str("cache_node_type");
  if (f.ok() && !find_node_type(r.node_type))
    f.fail("cache_node_type", "'" + r.node_type + "' is not an ElastiCache node type");
  r.engine = f.str("engine", "redis");
  if (f.ok() && r.engine != "redis") f.fail("engine", "a replication group's engine is redis");
  r.engine_version = f.str("engine_version");
  r.parameter_group = f.str("cache_parameter_group_name");
  r.snapshot_window = f.str("snapshot_window", "");
  r.snapshot_retention_limit = static_cast<int>(f.integer("snapshot_retention_limit", 0, 35, 0));
  r.maintenance_window = f.str("preferred_maintenance_window", "");
  r.notification_topic_arn = f.str("notification_topic_arn", "");
  r.auto_minor_version_upgrade = f.boolean("auto_minor_version_upgrade", true);
  r.auth_token_enabled = f.boolean("auth_token_enabled", false);
  r.transit_encryption_enabled = f.boolean("transit_encryption_enabled", false);
  r.at_rest_encryption_enabled = f.boolean("at_rest_encryption_enabled", false);
  r.network_type = f.str("network_type", "ipv4");
  r.ip_discovery = f.str("ip_discovery", "ipv4");
  r.create_time = f.time("create_time");
  std::string lifecycle = f.str("lifecycle", "active");
  if (lifecycle == "deleting") {
    r.lifecycle = Lifecycle::kDeleting;
  } else if (lifecycle != "active") {
    f.fail("lifecycle", "expected \"active\" or \"deleting\"");
  }
  if (auto err = read_tags(f, origin, r.tags)) return *err;
  if (r.cluster_enabled) {
    for (const toml::table* ng : f.tables("node_groups")) {
      TomlFields gf(*ng, std::string(origin) + " [[node_groups]]");
      NodeGroupRecord g;
      g.id = gf.str("node_group_id");
      if (gf.ok() &&
          (g.id.size() != 4 || g.id.find_first_not_of("0123456789") != std::string::npos))
        gf.fail("node_group_id", "expected 4 digits such as \"0001\"");
      std::string slots = gf.str("slots", "");
      if (gf.ok() && !slots.empty()) {
        auto parsed_slots = parse_slots(slots);
        if (!parsed_slots) gf.fail("slots", parsed_slots.error().message);
        if (parsed_slots) g.slots = *parsed_slots;
      }
      g.members = gf.strings("members");
      g.primary = gf.str("primary", "");
      if (!gf.ok()) return ApiError{kRegistryFileInvalid, gf.error()};
      r.node_groups.push_back(std::move(g));
    }
  }
  if (!f.ok()) return ApiError{kRegistryFileInvalid, f.error()};
  for (std::size_t i = 0; i < r.members.size(); ++i) {
    if (std::count(r.members.begin(), r.members.end(), r.members[i]) > 1)
      return ApiError{kRegistryFileInvalid, std::string(origin) + ": member cluster '" +
                                                r.members[i] + "' appears twice"};
  }
  if (!r.primary.empty() && !r.has_member(r.primary))
    return ApiError{kRegistryFileInvalid, std::string(origin) + ": primary '" + r.primary +
                                              "' is not in member_clusters"};
  if (auto err = check_node_groups(r, origin)) return *err;
  if (const toml::table* in = t["intent"].as_table()) {
    TomlFields inf(*in, std::string(origin) + " [intent]");
    r.intent.operation = inf.str("operation");
    static const std::vector<std::string> kOps = {"create", "add", "remove", "delete", "reshard"};
    if (inf.ok() && std::find(kOps.begin(), kOps.end(), r.intent.operation) == kOps.end())
      inf.fail("operation", "expected create, add, remove, delete or reshard");
    r.intent.pid = static_cast<int>(inf.integer("pid", 0, 1LL << 30, 0));
    r.intent.started = inf.time("started");
    r.intent.members = inf.strings("members");
    r.intent.retain_primary = inf.boolean("retain_primary", false);
    if (in->contains("node_groups")) r.intent.node_groups = inf.strings("node_groups");
    if (!inf.ok()) return ApiError{kRegistryFileInvalid, inf.error()};
  }
  return r;
}

namespace {

RecordKind group_kind(const StateHome& home) {
  RecordKind k;
  k.dir = home.replication_groups_dir();
  k.locks_dir = home.root() / "locks";
  k.reserve = home.reserve_file();
  k.lock_prefix = "rg.";  // a cluster id has no dot
  k.max_length = 40;
  k.not_found = [](std::string_view id) {
    return ApiError{"ReplicationGroupNotFoundFault",
                    "ReplicationGroup " + std::string(id) + " not found."};
  };
  k.already_exists = [](std::string_view id) {
    return ApiError{"ReplicationGroupAlreadyExists",
                    "Replication group " + std::string(id) + " already exists."};
  };
  return k;
}

}  // namespace

ReplicationGroupStore::ReplicationGroupStore(StateHome home)
    : home_(std::move(home)),
      store_(
          group_kind(home_),
          {[](const ReplicationGroupRecord& g) { return to_toml(g); }, replication_group_from_toml,
           [](const ReplicationGroupRecord& g) { return g.id; }, "replication_group_id"}) {}

fs::path ReplicationGroupStore::file(std::string_view id) const {
  auto key = store_.folder().key(id);
  return store_.folder().file(key ? *key : std::string(id));
}

std::optional<std::string> ReplicationGroupStore::key(std::string_view id) const {
  return store_.folder().key(id);
}

Result<ReplicationGroupRecord> ReplicationGroupStore::get(std::string_view id) const {
  return store_.get(id);
}

std::vector<std::string> ReplicationGroupStore::list_ids() const { return store_.list(); }

Status ReplicationGroupStore::create(const ReplicationGroupRecord& group) const {
  return store_.create(group);
}

Status ReplicationGroupStore::update(
    std::string_view id, const std::function<Status(ReplicationGroupRecord&)>& change) const {
  return store_.update(id, change);
}

Status ReplicationGroupStore::remove(std::string_view id) const {
  return store_.remove(id, {}, true);
}

}  // namespace cachectl::core
