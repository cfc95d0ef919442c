#include "core/cluster.h"

#include <toml++/toml.h>

#include <sstream>

#include "core/engines.h"
#include "core/node_types.h"
#include "core/secret_hash.h"
#include "core/toml_fields.h"

namespace cachectl::core {

const CacheNodeRecord* CacheClusterRecord::find_node(std::string_view node_id) const {
  for (const auto& n : nodes)
    if (n.id == node_id) return &n;
  return nullptr;
}

std::string to_toml(const CacheClusterRecord& r) {
  toml::table t;
  t.insert("cache_cluster_id", r.id);
  t.insert("engine", r.engine);
  t.insert("engine_version", r.engine_version);
  t.insert("cache_node_type", r.node_type);
  t.insert("num_cache_nodes", r.num_cache_nodes);
  t.insert("az_mode", r.az_mode);
  t.insert("preferred_availability_zone", r.preferred_availability_zone);
  t.insert("preferred_availability_zones", to_toml_array(r.preferred_availability_zones));
  t.insert("cache_parameter_group_name", r.parameter_group);
  t.insert("cache_subnet_group_name", r.subnet_group);
  t.insert("cache_security_group_names", to_toml_array(r.cache_security_group_names));
  t.insert("security_group_ids", to_toml_array(r.security_group_ids));
  t.insert("snapshot_arns", to_toml_array(r.snapshot_arns));
  t.insert("snapshot_name", r.snapshot_name);
  t.insert("preferred_maintenance_window", r.maintenance_window);
  t.insert("snapshot_window", r.snapshot_window);
  t.insert("snapshot_retention_limit", r.snapshot_retention_limit);
  t.insert("port", r.port);
  t.insert("notification_topic_arn", r.notification_topic_arn);
  t.insert("notification_topic_status", r.notification_topic_status);
  t.insert("auto_minor_version_upgrade", r.auto_minor_version_upgrade);
  t.insert("auth_token_sha256", to_toml_array(r.auth_token_hashes));
  if (r.auth_token_enabled()) t.insert("auth_token_modified", to_toml_time(r.auth_token_modified));
  t.insert("transit_encryption_enabled", r.transit_encryption_enabled);
  t.insert("transit_encryption_mode", r.transit_encryption_mode);
  t.insert("network_type", r.network_type);
  t.insert("ip_discovery", r.ip_discovery);
  t.insert("outpost_mode", r.outpost_mode);
  t.insert("preferred_outpost_arn", r.preferred_outpost_arn);
  t.insert("preferred_outpost_arns", to_toml_array(r.preferred_outpost_arns));
  t.insert("create_time", to_toml_time(r.create_time));
  t.insert("lifecycle", r.lifecycle == Lifecycle::kDeleting ? "deleting" : "active");
  t.insert("tags", tags_to_toml(r.tags));
  toml::array logs;
  for (const auto& l : r.log_deliveries)
    logs.push_back(toml::table{{"log_type", l.log_type},
                               {"destination_type", l.destination_type},
                               {"destination", l.destination},
                               {"log_format", l.log_format},
                               {"enabled", l.enabled}});
  t.insert("log_delivery", std::move(logs));
  auto node_tables = [](const std::vector<CacheNodeRecord>& list) {
    toml::array out;
    for (const auto& n : list)
      out.push_back(toml::table{{"id", n.id},
                                {"address", n.address},
                                {"port", n.port},
                                {"availability_zone", n.availability_zone},
                                {"create_time", to_toml_time(n.create_time)}});
    return out;
  };
  if (!r.replication_group_id.empty()) t.insert("replication_group_id", r.replication_group_id);
  t.insert("nodes", node_tables(r.nodes));
  if (!r.removing.empty()) t.insert("removing_nodes", node_tables(r.removing));
  if (!r.nodes_to_reboot.empty())
    t.insert("cache_node_ids_to_reboot", to_toml_array(r.nodes_to_reboot));
  if (r.has_config_endpoint()) {
    t.insert("configuration_endpoint", toml::table{{"address", r.config_address},
                                                   {"port", r.config_port},
                                                   {"version", r.config_version}});
  }
  if (!r.pending.empty()) {
    toml::table p;
    if (r.pending.num_cache_nodes > 0) p.insert("num_cache_nodes", r.pending.num_cache_nodes);
    p.insert("cache_node_ids_to_remove", to_toml_array(r.pending.cache_node_ids_to_remove));
    if (!r.pending.cache_node_type.empty()) p.insert("cache_node_type", r.pending.cache_node_type);
    if (!r.pending.engine_version.empty()) p.insert("engine_version", r.pending.engine_version);
    t.insert("pending", std::move(p));
  }
  if (r.last_maintenance != TimePoint{})
    t.insert("last_maintenance", to_toml_time(r.last_maintenance));
  if (!r.intent.empty()) {
    toml::table i{{"operation", r.intent.operation},
                  {"pid", r.intent.pid},
                  {"started", to_toml_time(r.intent.started)},
                  {"added", to_toml_array(r.intent.added)},
                  {"restart", r.intent.restart}};
    if (!r.intent.step.empty()) i.insert("step", r.intent.step);
    if (!r.intent.snapshot.empty()) i.insert("snapshot", r.intent.snapshot);
    t.insert("intent", std::move(i));
  }
  std::ostringstream os;
  os << "# cachectl cache cluster; edit with care: every field is checked when read.\n"
     << t << "\n";
  return os.str();
}

namespace {

bool is_node_id(const std::string& id) {
  return id.size() == 4 && id.find_first_not_of("0123456789") == std::string::npos && id != "0000";
}

}  // namespace

Result<CacheClusterRecord> cluster_from_toml(std::string_view text, std::string_view origin) {
  auto parsed = parse_state_file(text, origin);
  if (!parsed) return parsed.error();
  const toml::table& t = *parsed;
  TomlFields f(t, std::string(origin));
  CacheClusterRecord r;
  r.id = f.str("cache_cluster_id");
  r.engine = f.str("engine");
  if (f.ok() && !is_known_engine(r.engine))
    f.fail("engine", "'" + r.engine + "' is not redis or memcached");
  r.engine_version = f.str("engine_version");
  r.node_type = f.str("cache_node_type");
  if (f.ok() && !find_node_type(r.node_type))
    f.fail("cache_node_type", "'" + r.node_type + "' is not an ElastiCache node type");
  r.num_cache_nodes = static_cast<int>(f.integer("num_cache_nodes", 1, 60));
  r.az_mode = f.str("az_mode", "single-az");
  r.preferred_availability_zone = f.str("preferred_availability_zone", "");
  r.preferred_availability_zones = f.strings("preferred_availability_zones");
  r.parameter_group = f.str("cache_parameter_group_name");
  r.subnet_group = f.str("cache_subnet_group_name", "");
  r.cache_security_group_names = f.strings("cache_security_group_names");
  r.security_group_ids = f.strings("security_group_ids");
  r.snapshot_arns = f.strings("snapshot_arns");
  r.snapshot_name = f.str("snapshot_name", "");
  r.maintenance_window = f.str("preferred_maintenance_window");
  r.snapshot_window = f.str("snapshot_window", "");
  r.snapshot_retention_limit = static_cast<int>(f.integer("snapshot_retention_limit", 0, 35, 0));
  r.port = static_cast<int>(f.integer("port", 1, 65535));
  r.notification_topic_arn = f.str("notification_topic_arn", "");
  r.notification_topic_status = f.str("notification_topic_status", "");
  r.auto_minor_version_upgrade = f.boolean("auto_minor_version_upgrade", true);
  r.auth_token_hashes = f.strings("auth_token_sha256");
  for (const auto& h : r.auth_token_hashes)
    if (f.ok() && !is_sha256_hex(h)) f.fail("auth_token_sha256", "expected SHA-256 hex digests");
  if (r.auth_token_hashes.size() > 2) f.fail("auth_token_sha256", "at most two digests");
  // Records written before tokens were hashed hold the token itself.
  if (std::string plain = f.str("auth_token", ""); !plain.empty() && r.auth_token_hashes.empty())
    r.auth_token_hashes = {sha256_hex(plain)};
  if (r.auth_token_enabled())
    r.auth_token_modified =
        t.contains("auth_token_modified") ? f.time("auth_token_modified") : TimePoint{};
  r.transit_encryption_enabled = f.boolean("transit_encryption_enabled", false);
  r.transit_encryption_mode =
      f.str("transit_encryption_mode", r.transit_encryption_enabled ? "required" : "");
  if (f.ok() && r.transit_encryption_mode != (r.transit_encryption_enabled ? "required" : "") &&
      !(r.transit_encryption_enabled && r.transit_encryption_mode == "preferred"))
    f.fail("transit_encryption_mode",
           "expected \"required\" or \"preferred\" with transit encryption, else \"\"");
  r.network_type = f.str("network_type", "ipv4");
  r.ip_discovery = f.str("ip_discovery", "ipv4");
  r.outpost_mode = f.str("outpost_mode", "");
  r.preferred_outpost_arn = f.str("preferred_outpost_arn", "");
  r.preferred_outpost_arns = f.strings("preferred_outpost_arns");
  r.create_time = f.time("create_time");
  if (r.auth_token_enabled() && r.auth_token_modified == TimePoint{})
    r.auth_token_modified = r.create_time;
  if (t.contains("last_maintenance")) r.last_maintenance = f.time("last_maintenance");
  std::string lifecycle = f.str("lifecycle", "active");
  if (lifecycle == "deleting") {
    r.lifecycle = Lifecycle::kDeleting;
  } else if (lifecycle != "active") {
    f.fail("lifecycle", "expected \"active\" or \"deleting\"");
  }
  if (auto err = read_tags(f, origin, r.tags)) return *err;
  for (const toml::table* log : f.tables("log_delivery")) {
    TomlFields lf(*log, std::string(origin) + " [[log_delivery]]");
    r.log_deliveries.push_back({lf.str("log_type"), lf.str("destination_type"),
                                lf.str("destination", ""), lf.str("log_format", "text"),
                                lf.boolean("enabled", true)});
    if (!lf.ok()) return ApiError{kRegistryFileInvalid, lf.error()};
  }
  auto read_node = [&](const toml::table& node,
                       const std::string& where) -> Result<CacheNodeRecord> {
    TomlFields nf(node, where);
    CacheNodeRecord n;
    n.id = nf.str("id");
    if (nf.ok() && !is_node_id(n.id)) nf.fail("id", "expected a node id such as \"0001\"");
    n.address = nf.str("address");
    if (nf.ok() && !is_loopback_v4(n.address))
      nf.fail("address", "'" + n.address + "' is not an IPv4 loopback address (127.x.y.z)");
    n.port = static_cast<int>(nf.integer("port", 1, 65535));
    n.availability_zone = nf.str("availability_zone", "");
    n.create_time = nf.time("create_time");
    if (!nf.ok()) return ApiError{kRegistryFileInvalid, nf.error()};
    return n;
  };
  for (const toml::table* node : f.tables("removing_nodes")) {
    auto n = read_node(*node, std::string(origin) + " [[removing_nodes]]");
    if (!n) return n.error();
    r.removing.push_back(*n);
  }
  for (const toml::table* node : f.tables("nodes")) {
    auto n = read_node(*node, std::string(origin) + " [[nodes]]");
    if (!n) return n.error();
    if (r.find_node(n->id)) {
      return ApiError{kRegistryFileInvalid,
                      std::string(origin) + ": node id '" + n->id + "' appears twice"};
    }
    r.nodes.push_back(std::move(*n));
  }
  r.nodes_to_reboot = f.strings("cache_node_ids_to_reboot");
  r.replication_group_id = f.str("replication_group_id", "");
  if (!f.ok()) return ApiError{kRegistryFileInvalid, f.error()};
  for (const auto& id : r.nodes_to_reboot) {
    if (!r.find_node(id)) {
      return ApiError{kRegistryFileInvalid, std::string(origin) +
                                                ": key 'cache_node_ids_to_reboot': no node '" + id +
                                                "' in [[nodes]]"};
    }
  }
  if (r.has_config_endpoint()) {
    const toml::table* cfg = t["configuration_endpoint"].as_table();
    if (!cfg) {
      return ApiError{
          kRegistryFileInvalid,
          std::string(origin) + ": a memcached cluster needs a [configuration_endpoint] table"};
    }
    TomlFields cf(*cfg, std::string(origin) + " [configuration_endpoint]");
    r.config_address = cf.str("address");
    if (cf.ok() && !is_loopback_v4(r.config_address))
      cf.fail("address", "'" + r.config_address + "' is not an IPv4 loopback address (127.x.y.z)");
    r.config_port = static_cast<int>(cf.integer("port", 1, 65535));
    r.config_version = static_cast<int>(cf.integer("version", 1, 1LL << 30));
    if (!cf.ok()) return ApiError{kRegistryFileInvalid, cf.error()};
  }
  if (const toml::table* p = t["pending"].as_table()) {
    TomlFields pf(*p, std::string(origin) + " [pending]");
    r.pending.num_cache_nodes = static_cast<int>(pf.integer("num_cache_nodes", 0, 60, 0));
    r.pending.cache_node_ids_to_remove = pf.strings("cache_node_ids_to_remove");
    r.pending.cache_node_type = pf.str("cache_node_type", "");
    if (pf.ok() && !r.pending.cache_node_type.empty() && !find_node_type(r.pending.cache_node_type))
      pf.fail("cache_node_type",
              "'" + r.pending.cache_node_type + "' is not an ElastiCache node type");
    r.pending.engine_version = pf.str("engine_version", "");
    if (pf.ok() && r.pending.engine_version.find_first_not_of("0123456789.") != std::string::npos)
      pf.fail("engine_version", "'" + r.pending.engine_version + "' is not a version number");
    if (!pf.ok()) return ApiError{kRegistryFileInvalid, pf.error()};
  }
  if (const toml::table* in = t["intent"].as_table()) {
    TomlFields inf(*in, std::string(origin) + " [intent]");
    r.intent.operation = inf.str("operation");
    if (inf.ok() && r.intent.operation != "create" && r.intent.operation != "modify" &&
        r.intent.operation != "snapshot" && r.intent.operation != "delete")
      inf.fail("operation", "expected create, modify, snapshot or delete");
    r.intent.step = inf.str("step", "");
    r.intent.pid = static_cast<int>(inf.integer("pid", 0, 1LL << 30, 0));
    r.intent.started = inf.time("started");
    r.intent.added = inf.strings("added");
    r.intent.restart = inf.boolean("restart", false);
    r.intent.snapshot = inf.str("snapshot", "");
    if (!inf.ok()) return ApiError{kRegistryFileInvalid, inf.error()};
  }
  if (static_cast<int>(r.nodes.size()) != r.num_cache_nodes) {
    return ApiError{kRegistryFileInvalid, std::string(origin) + ": num_cache_nodes is " +
                                              std::to_string(r.num_cache_nodes) + " but " +
                                              std::to_string(r.nodes.size()) +
                                              " [[nodes]] are listed"};
  }
  return r;
}

}  // namespace cachectl::core
