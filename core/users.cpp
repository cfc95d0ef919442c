#include "core/users.h"

#include <toml++/toml.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "core/identifiers.h"
#include "core/redis_commands.h"
#include "core/restricted_commands.h"
#include "core/secret_hash.h"
#include "core/toml_fields.h"

namespace cachectl::core {

UserRecord built_in_default_user() {
  UserRecord u;
  u.id = std::string(kDefaultUserId);
  u.name = std::string(kDefaultUserId);
  u.access_string = "on ~* +@all";
  u.authentication = "no-password";
  u.built_in = true;
  return u;
}

Result<std::string> normalize_user_id(std::string_view id, std::string_view parameter) {
  return normalize_name(id, parameter, 40);
}

Status check_user_name(std::string_view name) {
  if (name.empty() || name.size() > 120)
    return invalid_value("UserName must be 1 to 120 characters long.");
  for (char c : name)
    if (c <= ' ' || c > '~')
      return invalid_value("UserName must be printable ASCII characters without spaces.");
  if (name == kAdminUser)
    return invalid_value("UserName " + std::string(kAdminUser) +
                         " is reserved: cachectl administers the nodes as that user.");
  return std::nullopt;
}

Status check_password(std::string_view p) {
  if (p.size() < 16 || p.size() > 128)
    return invalid_value("Passwords must be 16 to 128 characters long.");
  for (char c : p)
    if (c <= ' ' || c > '~' || c == '"' || c == '@' || c == '/')
      return invalid_value(
          "Passwords must be printable ASCII characters other than space, \", @ and /.");
  return std::nullopt;
}

std::vector<std::string> access_rules(std::string_view access) {
  std::vector<std::string> out;
  std::istringstream in{std::string(access)};
  for (std::string rule; in >> rule;) out.push_back(rule);
  return out;
}

namespace {

Status bad_rule(const std::string& rule, const std::string& why) {
  return invalid_value("Invalid AccessString: '" + rule + "': " + why);
}

// A command rule's name ("get", "cluster|slots") as Redis 7.0 knows it.
Status check_command_rule(const std::string& rule) {
  std::string name = ascii_lower(rule.substr(1));
  if (!name.empty() && name[0] == '@') {
    if (!is_acl_category(name.substr(1))) return bad_rule(rule, "not an ACL category of Redis 7.0");
    return std::nullopt;
  }
  if (!is_redis_command(name)) return bad_rule(rule, "not a command of Redis 7.0");
  if (rule[0] == '+') {
    std::string command = name.substr(0, name.find('|'));
    for (const auto& r : restricted_commands()) {
      if (ascii_lower(r.name) == command)
        return bad_rule(rule, std::string(r.name) +
                                  " is restricted (renamed or removed on every node): " +
                                  std::string(r.reason));
    }
  }
  return std::nullopt;
}

}  // namespace

Status check_access_string(std::string_view access) {
  auto rules = access_rules(access);
  if (rules.empty()) return invalid_value("AccessString must not be blank.");
  for (const auto& rule : rules) {
    std::string lower = ascii_lower(rule);
    if (lower == "on" || lower == "off" || lower == "allkeys" || lower == "resetkeys" ||
        lower == "allchannels" || lower == "resetchannels" || lower == "allcommands" ||
        lower == "nocommands")
      continue;
    if (lower == "nopass" || lower == "resetpass" || rule[0] == '>' || rule[0] == '<' ||
        rule[0] == '#' || rule[0] == '!')
      return bad_rule(rule,
                      "passwords are not part of an access string (use Passwords or "
                      "NoPasswordRequired)");
    if (lower == "reset") return bad_rule(rule, "reset is not allowed in an access string");
    if (rule[0] == '(' || lower == "clearselectors")
      return bad_rule(rule, "selectors are not supported by cachectl");
    if (rule[0] == '~' || rule[0] == '&' || lower.rfind("%r~", 0) == 0 ||
        lower.rfind("%w~", 0) == 0 || lower.rfind("%rw~", 0) == 0) {
      if (rule.back() == '~' || rule.back() == '&') return bad_rule(rule, "an empty pattern");
      continue;
    }
    if (rule[0] == '+' || rule[0] == '-') {
      if (auto err = check_command_rule(rule)) return err;
      continue;
    }
    return bad_rule(rule, "not an ACL rule");
  }
  return std::nullopt;
}

std::string user_arn(std::string_view region, std::string_view id) {
  return resource_arn(region, "user", id);
}

std::string user_group_arn(std::string_view region, std::string_view id) {
  return resource_arn(region, "usergroup", id);
}

std::string to_toml(const UserRecord& u) {
  toml::table t;
  t.insert("user_id", u.id);
  t.insert("user_name", u.name);
  t.insert("engine", u.engine);
  t.insert("access_string", u.access_string);
  t.insert("authentication", u.authentication);
  t.insert("password_sha256", to_toml_array(u.password_hashes));
  t.insert("create_time", to_toml_time(u.create_time));
  t.insert("tags", tags_to_toml(u.tags));
  std::ostringstream os;
  os << "# cachectl user; passwords are kept as SHA-256 digests only.\n" << t << "\n";
  return os.str();
}

Result<UserRecord> user_from_toml(std::string_view text, std::string_view origin) {
  auto parsed = parse_state_file(text, origin);
  if (!parsed) return parsed.error();
  TomlFields f(*parsed, std::string(origin));
  UserRecord u;
  u.id = f.str("user_id");
  u.name = f.str("user_name");
  u.engine = f.str("engine", "redis");
  u.access_string = f.str("access_string");
  u.authentication = f.str("authentication");
  u.password_hashes = f.strings("password_sha256");
  u.create_time = f.time("create_time");
  if (f.ok() && check_user_name(u.name)) f.fail("user_name", "not a user name cachectl accepts");
  if (auto err = f.ok() ? check_access_string(u.access_string) : std::nullopt)
    f.fail("access_string", err->message);
  bool password = u.authentication == "password";
  if (f.ok() && !password && u.authentication != "no-password")
    f.fail("authentication", "expected \"password\" or \"no-password\"");
  if (f.ok() && (password ? (u.password_hashes.empty() || u.password_hashes.size() > 2)
                          : !u.password_hashes.empty()))
    f.fail("password_sha256", "one or two digests with password authentication, else none");
  for (const auto& h : u.password_hashes)
    if (f.ok() && !is_sha256_hex(h)) f.fail("password_sha256", "expected SHA-256 hex digests");
  if (!f.ok()) return ApiError{kRegistryFileInvalid, f.error()};
  if (auto err = read_tags(f, origin, u.tags)) return *err;
  return u;
}

std::string to_toml(const UserGroupRecord& g) {
  toml::table t;
  t.insert("user_group_id", g.id);
  t.insert("engine", g.engine);
  t.insert("user_ids", to_toml_array(g.user_ids));
  t.insert("create_time", to_toml_time(g.create_time));
  t.insert("tags", tags_to_toml(g.tags));
  std::ostringstream os;
  os << "# cachectl user group\n" << t << "\n";
  return os.str();
}

Result<UserGroupRecord> user_group_from_toml(std::string_view text, std::string_view origin) {
  auto parsed = parse_state_file(text, origin);
  if (!parsed) return parsed.error();
  TomlFields f(*parsed, std::string(origin));
  UserGroupRecord g;
  g.id = f.str("user_group_id");
  g.engine = f.str("engine", "redis");
  g.user_ids = f.strings("user_ids");
  g.create_time = f.time("create_time");
  for (const auto& id : g.user_ids) {
    auto normal = normalize_user_id(id, "user_ids");
    if (f.ok() && (!normal || *normal != id)) f.fail("user_ids", "'" + id + "' is not a user id");
  }
  if (!f.ok()) return ApiError{kRegistryFileInvalid, f.error()};
  if (auto err = read_tags(f, origin, g.tags)) return *err;
  return g;
}

namespace {

RecordKind kind(const StateHome& home, const char* folder, const char* lock_prefix,
                const char* what, const char* not_found, const char* exists) {
  // Ids have no dot: the lock prefix never clashes with clusters' locks.
  return home_record_kind(
      home, home.root() / folder, lock_prefix, 40,
      [what, not_found](std::string_view id) {
        return ApiError{not_found, std::string(what) + " " + std::string(id) + " not found."};
      },
      [what, exists](std::string_view id) {
        return ApiError{exists, std::string(what) + " " + std::string(id) + " already exists."};
      });
}

}  // namespace

UserStore::UserStore(const StateHome& home)
    : store_(kind(home, "users", "user.", "User", "UserNotFound", "UserAlreadyExists"),
             {[](const UserRecord& u) { return to_toml(u); }, user_from_toml,
              [](const UserRecord& u) { return u.id; }, "user_id"}) {}

Result<UserRecord> UserStore::get(std::string_view id) const {
  if (ascii_lower(id) == kDefaultUserId) return built_in_default_user();
  return store_.get(id);
}

std::vector<std::string> UserStore::list() const {
  std::vector<std::string> out{std::string(kDefaultUserId)};
  for (auto& id : store_.list())
    if (id != kDefaultUserId) out.push_back(std::move(id));
  return out;
}

Status UserStore::create(const UserRecord& user) const {
  if (user.id == kDefaultUserId) return folder().kind().already_exists(user.id);
  return store_.create(user);
}

Status UserStore::update(std::string_view id,
                         const std::function<Status(UserRecord&)>& change) const {
  return store_.update(id, change);
}

Status UserStore::remove(std::string_view id) const { return store_.remove(id, {}, true); }

UserGroupStore::UserGroupStore(const StateHome& home)
    : store_(kind(home, "user-groups", "ug.", "User group", "UserGroupNotFound",
                  "UserGroupAlreadyExists"),
             {[](const UserGroupRecord& g) { return to_toml(g); }, user_group_from_toml,
              [](const UserGroupRecord& g) { return g.id; }, "user_group_id"}) {}

Result<UserGroupRecord> UserGroupStore::get(std::string_view id) const { return store_.get(id); }

Status UserGroupStore::create(const UserGroupRecord& group) const { return store_.create(group); }

Status UserGroupStore::update(std::string_view id,
                              const std::function<Status(UserGroupRecord&)>& change) const {
  return store_.update(id, change);
}

Status UserGroupStore::remove(std::string_view id) const { return store_.remove(id, {}, true); }

Result<std::vector<UserRecord>> users_of(const UserStore& users, const UserGroupRecord& group) {
  std::vector<UserRecord> out;
  for (const auto& id : group.user_ids) {
    auto u = users.get(id);
    if (!u) return u.error();
    out.push_back(std::move(*u));
  }
  return out;
}

Status check_group_users(const std::vector<UserRecord>& users) {
  std::set<std::string> names;
  for (const auto& u : users) {
    if (!names.insert(u.name).second)
      return ApiError{"DuplicateUserName",
                      "A user group cannot contain two users named " + u.name + "."};
  }
  if (!names.count(std::string(kDefaultUserId)))
    return ApiError{"DefaultUserRequired",
                    "A user group must contain a user whose UserName is default."};
  return std::nullopt;
}

}  // namespace cachectl::core
