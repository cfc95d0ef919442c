#include "core/access_control.h"

#include <algorithm>

#include "core/replication_group.h"
#include "core/request_members.h"
#include "core/restricted_commands.h"
#include "core/secret_hash.h"

namespace cachectl::core {

Status check_auth_token(std::string_view t) {
  bool ok = t.size() >= 16 && t.size() <= 128 && std::all_of(t.begin(), t.end(), [](char c) {
              return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     std::string_view("!&#$^<>-").find(c) != std::string_view::npos;
            });
  if (ok) return std::nullopt;
  return invalid_value(
      "Invalid AuthToken: it must be 16 to 128 printable ASCII characters, and the only "
      "characters other than letters and digits allowed are !, &, #, $, ^, <, > and -.");
}

Result<std::optional<std::vector<std::string>>> next_auth_token_hashes(
    const std::vector<std::string>& current, const nlohmann::json& request, bool transit,
    bool has_user_group) {
  std::string token = get_string(request, "AuthToken");
  bool has_token = request.contains("AuthToken");
  std::string strategy = get_string(request, "AuthTokenUpdateStrategy");
  if (!has_token && strategy.empty()) return std::optional<std::vector<std::string>>{};
  if (strategy.empty()) strategy = "ROTATE";
  if (strategy == "DELETE") {
    if (has_token)
      return invalid_combination("AuthToken cannot be given with AuthTokenUpdateStrategy DELETE.");
    if (current.empty()) return invalid_combination("There is no AuthToken to delete.");
    return std::optional<std::vector<std::string>>{std::vector<std::string>{}};
  }
  if (strategy != "SET" && strategy != "ROTATE")
    return invalid_value("AuthTokenUpdateStrategy must be SET, ROTATE or DELETE.");
  if (!has_token)
    return invalid_combination("AuthTokenUpdateStrategy " + strategy + " needs an AuthToken.");
  if (!transit)
    return invalid_combination(
        "AuthToken can only be specified when TransitEncryptionEnabled is true.");
  if (has_user_group)
    return invalid_combination("AuthToken and UserGroupIds cannot be used together.");
  if (auto err = check_auth_token(token)) return *err;
  std::string digest = sha256_hex(token);
  if (strategy == "SET") return std::optional<std::vector<std::string>>{{digest}};
  if (current.empty())
    return invalid_combination(
        "AuthTokenUpdateStrategy ROTATE needs a current AuthToken; use SET to add the first one.");
  std::vector<std::string> next = {digest};
  if (current.front() != digest) next.push_back(current.front());
  return std::optional<std::vector<std::string>>{next};
}

const std::vector<std::string_view>& admin_cluster_subcommands() {
  static const std::vector<std::string_view> kList = {
      "addslots", "addslotsrange",    "bumpepoch", "delslots",  "delslotsrange",
      "failover", "flushslots",       "forget",    "meet",      "replicate",
      "reset",    "set-config-epoch", "setslot",   "saveconfig"};
  return kList;
}

namespace {

// What every client user loses, after its own rules.
void add_restrictions(std::vector<std::string>& rules, bool cluster_mode) {
  // A replica's copy of the data is the admin user's (masteruser).
  rules.push_back("-sync");
  rules.push_back("-psync");
  if (cluster_mode)
    for (auto sub : admin_cluster_subcommands()) rules.push_back("-cluster|" + std::string(sub));
}

void add_passwords(std::vector<std::string>& rules, const std::vector<std::string>& hashes) {
  if (hashes.empty()) rules.push_back("nopass");
  for (const auto& h : hashes) rules.push_back("#" + h);
}

AclUser client_user(const UserRecord& u, bool cluster_mode) {
  AclUser out{u.name, {"reset"}};
  for (auto& rule : access_rules(u.access_string)) out.rules.push_back(std::move(rule));
  add_passwords(out.rules, u.password_hashes);
  add_restrictions(out.rules, cluster_mode);
  return out;
}

}  // namespace

std::vector<AclUser> node_acl_users(const NodeAccess& access, const std::string& key) {
  std::vector<AclUser> out;
  out.push_back(
      {std::string(kAdminUser), {"reset", "on", "#" + sha256_hex(key), "~*", "&*", "+@all"}});
  if (access.user_group.empty()) {
    AclUser client{"default", {"reset", "on"}};
    add_passwords(client.rules, access.auth_token_hashes);
    for (const char* rule : {"~*", "&*", "+@all"}) client.rules.push_back(rule);
    add_restrictions(client.rules, access.cluster_mode);
    out.push_back(std::move(client));
    return out;
  }
  std::vector<const UserRecord*> users;
  for (const auto& u : access.users) users.push_back(&u);
  // `default` first, the others by name: a stable order, so that an
  // unchanged group gives an unchanged list.
  std::sort(users.begin(), users.end(), [](const UserRecord* a, const UserRecord* b) {
    return std::make_pair(a->name != kDefaultUserId, a->name) <
           std::make_pair(b->name != kDefaultUserId, b->name);
  });
  for (const auto* u : users) out.push_back(client_user(*u, access.cluster_mode));
  // A group always has a `default` (core::check_group_users); should a
  // record say otherwise, Redis's own default user (no password, every
  // command) must not remain: it is switched off.
  if (users.empty() || users.front()->name != kDefaultUserId)
    out.insert(out.begin() + 1, AclUser{"default", {"reset", "off"}});
  return out;
}

Result<NodeAccess> read_node_access(const StateHome& home, const CacheClusterRecord& record) {
  NodeAccess access;
  access.auth_token_hashes = record.auth_token_hashes;
  if (record.replication_group_id.empty()) return access;
  auto group = ReplicationGroupStore(home).get(record.replication_group_id);
  if (!group) return group.error();
  access.cluster_mode = group->cluster_enabled;
  if (group->user_group_ids.empty()) return access;
  access.user_group = group->user_group_ids.front();
  auto user_group = UserGroupStore(home).get(access.user_group);
  if (!user_group) return user_group.error();
  auto users = users_of(UserStore(home), *user_group);
  if (!users) return users.error();
  access.users = std::move(*users);
  return access;
}

}  // namespace cachectl::core
