// Users and user groups (role-based access control): create, describe,
// modify, delete. The records are core/users.h's; a change that touches a
// user group in use reaches its replication groups' nodes at once
// (cli/access_apply.h).
#include "core/users.h"

#include <algorithm>
#include <set>

#include "cli/access_apply.h"
#include "cli/context.h"
#include "cli/ops/request_fields.h"
#include "core/identifiers.h"
#include "core/secret_hash.h"
#include "core/tags.h"

namespace cachectl::cli {

namespace {

using json = nlohmann::json;

core::Status check_engine(const json& request) {
  auto engine = opt_string(request, "Engine");
  if (engine && core::ascii_lower(*engine) != "redis")
    return core::invalid_value("Engine must be redis (got " + *engine + ").");
  return std::nullopt;
}

json user_json(Context& ctx, const core::UserRecord& u) {
  json auth = {{"Type", u.authentication}};
  if (u.authentication == "password")
    auth["PasswordCount"] = static_cast<int>(u.password_hashes.size());
  return {{"UserId", u.id},
          {"UserName", u.name},
          {"Status", "active"},
          {"Engine", u.engine},
          {"MinimumEngineVersion", "6.0"},
          {"AccessString", u.access_string},
          {"UserGroupIds", user_groups_with_user(ctx, u.id)},
          {"Authentication", auth},
          {"ARN", core::user_arn(ctx.region, u.id)}};
}

json user_group_json(Context& ctx, const core::UserGroupRecord& g) {
  return {{"UserGroupId", g.id},
          {"Status", "active"},
          {"Engine", g.engine},
          {"UserIds", g.user_ids},
          {"MinimumEngineVersion", "6.0"},
          {"ReplicationGroups", groups_using_user_group(ctx, g.id)},
          {"ARN", core::user_group_arn(ctx.region, g.id)}};
}

// Passwords, NoPasswordRequired and AuthenticationMode into `u` (its
// authentication and digests). `required`: one of them must be given.
core::Status apply_authentication(const json& request, core::UserRecord& u, bool required) {
  std::vector<std::string> passwords = opt_strings(request, "Passwords");
  bool has_passwords = request.contains("Passwords");
  std::optional<bool> no_password;
  if (request.contains("NoPasswordRequired") && request["NoPasswordRequired"].is_boolean())
    no_password = request["NoPasswordRequired"].get<bool>();
  std::string mode;
  if (request.contains("AuthenticationMode") && request["AuthenticationMode"].is_object()) {
    const json& m = request["AuthenticationMode"];
    mode = opt_string(m, "Type").value_or("");
    if (mode == "iam")
      return core::invalid_value("AuthenticationMode iam is not supported by cachectl.");
    if (mode != "password" && mode != "no-password-required")
      return core::invalid_value(
          "AuthenticationMode Type must be password or no-password-required.");
    if (has_passwords || no_password)
      return core::invalid_combination(
          "AuthenticationMode cannot be used together with Passwords or NoPasswordRequired.");
    has_passwords = m.contains("Passwords");
    passwords = opt_strings(m, "Passwords");
    if (mode == "password" && passwords.empty())
      return core::invalid_combination("AuthenticationMode password needs Passwords.");
    if (mode == "no-password-required" && has_passwords)
      return core::invalid_combination(
          "AuthenticationMode no-password-required takes no Passwords.");
    if (mode == "no-password-required") no_password = true;
  }
  if (has_passwords && no_password.value_or(false))
    return core::invalid_combination("Passwords and NoPasswordRequired cannot be used together.");
  if (!has_passwords && !no_password) {
    if (required)
      return core::invalid_combination(
          "A user needs Passwords, NoPasswordRequired or AuthenticationMode.");
    return std::nullopt;
  }
  if (has_passwords) {
    if (passwords.empty() || passwords.size() > 2)
      return core::invalid_value("A user has one or two passwords.");
    for (const auto& p : passwords)
      if (auto err = core::check_password(p)) return err;
    u.authentication = "password";
    u.password_hashes.clear();
    for (const auto& p : passwords) u.password_hashes.push_back(core::sha256_hex(p));
  } else if (*no_password) {
    u.authentication = "no-password";
    u.password_hashes.clear();
  } else if (u.authentication == "no-password") {
    return core::invalid_combination("NoPasswordRequired false needs Passwords.");
  }
  return std::nullopt;
}

core::Result<std::string> user_id_of(const json& request) {
  return core::normalize_user_id(opt_string(request, "UserId").value_or(""), "UserId");
}

core::Result<std::string> user_group_id_of(const json& request) {
  return core::normalize_user_id(opt_string(request, "UserGroupId").value_or(""), "UserGroupId");
}

core::Status refuse_built_in(const std::string& id, const char* what) {
  if (id != core::kDefaultUserId) return std::nullopt;
  return core::invalid_value("The built-in user default cannot be " + std::string(what) + ".");
}

// Users by id (UserNotFound for one that is not), normalised.
core::Result<std::vector<std::string>> user_ids(const json& request, const char* member) {
  std::vector<std::string> out;
  for (const auto& raw : opt_strings(request, member)) {
    auto id = core::normalize_user_id(raw, member);
    if (!id) return id.error();
    if (std::find(out.begin(), out.end(), *id) == out.end()) out.push_back(*id);
  }
  return out;
}

// A group's users as `ids` names them: every one must exist, names
// distinct, one named default.
core::Status check_members(Context& ctx, const std::vector<std::string>& ids) {
  core::UserStore users(ctx.home());
  std::vector<core::UserRecord> records;
  for (const auto& id : ids) {
    auto u = users.get(id);
    if (!u) return u.error();
    records.push_back(std::move(*u));
  }
  return core::check_group_users(records);
}

// Describe's answer: the one record `id_member` names, else one page of
// them all after Marker (ids ascending), MaxRecords at most, and the Marker
// of the next page.
template <typename Store, typename ToJson>
core::Result<json> describe_page(const Store& store, const json& request, const char* id_member,
                                 const char* list_member, ToJson to_json) {
  std::vector<std::string> ids;
  if (auto id = opt_string(request, id_member)) {
    auto normal = core::normalize_user_id(*id, id_member);
    if (!normal) return normal.error();
    ids = {*normal};
  } else {
    ids = store.list();
  }
  auto limit = max_records(request);
  if (!limit) return limit.error();
  std::string marker = opt_string(request, "Marker").value_or("");
  json items = json::array();
  json response = json::object();
  for (const auto& id : ids) {
    if (!marker.empty() && id <= marker) continue;
    auto record = store.get(id);
    if (!record) return record.error();
    if (static_cast<int>(items.size()) == *limit) {
      response["Marker"] = items.back()[id_member];
      break;
    }
    items.push_back(to_json(*record));
  }
  response[list_member] = items;
  return response;
}

}  // namespace

core::Result<json> create_user(Context& ctx, const json& request) {
  if (auto err = check_engine(request)) return *err;
  auto id = user_id_of(request);
  if (!id) return id.error();
  core::UserRecord u;
  u.id = *id;
  u.name = opt_string(request, "UserName").value_or("");
  if (auto err = core::check_user_name(u.name)) return *err;
  u.access_string = opt_string(request, "AccessString").value_or("");
  if (auto err = core::check_access_string(u.access_string)) return *err;
  if (auto err = apply_authentication(request, u, true)) return *err;
  auto tags = core::tags_of_request(request);
  if (!tags) return tags.error();
  u.tags = std::move(*tags);
  u.create_time = ctx.clock.now();
  if (auto err = core::UserStore(ctx.home()).create(u)) return *err;
  return user_json(ctx, u);
}

core::Result<json> describe_users(Context& ctx, const json& request) {
  if (request.contains("Filters"))
    return core::invalid_value("Filters are not supported by cachectl's DescribeUsers.");
  return describe_page(core::UserStore(ctx.home()), request, "UserId", "Users",
                       [&](const core::UserRecord& u) { return user_json(ctx, u); });
}

core::Result<json> modify_user(Context& ctx, const json& request) {
  if (auto err = check_engine(request)) return *err;
  auto id = user_id_of(request);
  if (!id) return id.error();
  if (auto err = refuse_built_in(*id, "modified")) return *err;
  auto access = opt_string(request, "AccessString");
  auto append = opt_string(request, "AppendAccessString");
  if (access && append)
    return core::invalid_combination(
        "AccessString and AppendAccessString cannot be used together.");
  core::UserRecord after;
  auto err = core::UserStore(ctx.home()).update(*id, [&](core::UserRecord& u) -> core::Status {
    if (access) u.access_string = *access;
    if (append) u.access_string += " " + *append;
    if (auto e = core::check_access_string(u.access_string)) return e;
    if (auto e = apply_authentication(request, u, false)) return e;
    after = u;
    return std::nullopt;
  });
  if (err) return *err;
  for (const auto& g : user_groups_with_user(ctx, *id)) push_user_group_access(ctx, g);
  return user_json(ctx, after);
}

core::Result<json> delete_user(Context& ctx, const json& request) {
  auto id = user_id_of(request);
  if (!id) return id.error();
  if (auto err = refuse_built_in(*id, "deleted")) return *err;
  core::UserStore users(ctx.home());
  auto u = users.get(*id);
  if (!u) return u.error();
  auto groups = user_groups_with_user(ctx, *id);
  // A group's `default` cannot go (the group would have none); another
  // user leaves every group it is in, and their nodes forget it.
  if (u->name == core::kDefaultUserId && !groups.empty())
    return core::ApiError{"DefaultUserAssociatedToUserGroup",
                          "User " + *id + " is the default user of user group " + groups.front() +
                              "; remove it from the group first."};
  core::UserGroupStore store(ctx.home());
  for (const auto& g : groups) {
    auto err = store.update(g, [&](core::UserGroupRecord& r) -> core::Status {
      r.user_ids.erase(std::remove(r.user_ids.begin(), r.user_ids.end(), *id), r.user_ids.end());
      return std::nullopt;
    });
    if (err) return *err;
  }
  if (auto err = users.remove(*id)) return *err;
  for (const auto& g : groups) push_user_group_access(ctx, g);
  json out = user_json(ctx, *u);
  out["Status"] = "deleting";
  out["UserGroupIds"] = json::array();
  return out;
}

core::Result<json> create_user_group(Context& ctx, const json& request) {
  if (auto err = check_engine(request)) return *err;
  auto id = user_group_id_of(request);
  if (!id) return id.error();
  auto ids = user_ids(request, "UserIds");
  if (!ids) return ids.error();
  if (auto err = check_members(ctx, *ids)) return *err;
  core::UserGroupRecord g;
  g.id = *id;
  g.user_ids = *ids;
  auto tags = core::tags_of_request(request);
  if (!tags) return tags.error();
  g.tags = std::move(*tags);
  g.create_time = ctx.clock.now();
  if (auto err = core::UserGroupStore(ctx.home()).create(g)) return *err;
  return user_group_json(ctx, g);
}

core::Result<json> describe_user_groups(Context& ctx, const json& request) {
  return describe_page(core::UserGroupStore(ctx.home()), request, "UserGroupId", "UserGroups",
                       [&](const core::UserGroupRecord& g) { return user_group_json(ctx, g); });
}

core::Result<json> modify_user_group(Context& ctx, const json& request) {
  if (auto err = check_engine(request)) return *err;
  auto id = user_group_id_of(request);
  if (!id) return id.error();
  auto add = user_ids(request, "UserIdsToAdd");
  if (!add) return add.error();
  auto remove = user_ids(request, "UserIdsToRemove");
  if (!remove) return remove.error();
  for (const auto& u : *add)
    if (std::count(remove->begin(), remove->end(), u))
      return core::invalid_combination("User " + u + " is both to add and to remove.");
  core::UserGroupRecord after;
  auto err = core::UserGroupStore(ctx.home()).update(*id, [&](core::UserGroupRecord& g) {
    for (const auto& u : *remove) {
      auto it = std::find(g.user_ids.begin(), g.user_ids.end(), u);
      if (it == g.user_ids.end())
        return core::Status{
            core::invalid_value("User " + u + " is not in user group " + g.id + ".")};
      g.user_ids.erase(it);
    }
    for (const auto& u : *add)
      if (!std::count(g.user_ids.begin(), g.user_ids.end(), u)) g.user_ids.push_back(u);
    if (auto e = check_members(ctx, g.user_ids)) return e;
    after = g;
    return core::Status{};
  });
  if (err) return *err;
  push_user_group_access(ctx, *id);
  return user_group_json(ctx, after);
}

core::Result<json> delete_user_group(Context& ctx, const json& request) {
  auto id = user_group_id_of(request);
  if (!id) return id.error();
  core::UserGroupStore store(ctx.home());
  auto g = store.get(*id);
  if (!g) return g.error();
  auto used = groups_using_user_group(ctx, *id);
  if (!used.empty())
    return core::ApiError{
        "InvalidUserGroupState",
        "User group " + *id + " is used by replication group " + used.front() + "."};
  if (auto err = store.remove(*id)) return *err;
  json out = user_group_json(ctx, *g);
  out["Status"] = "deleting";
  return out;
}

}  // namespace cachectl::cli
