// Role-based access control: users and user groups, as ElastiCache has them
// (CreateUser, CreateUserGroup, ...). Two more kinds of the record store:
// STATE/users/ID.toml and STATE/user-groups/ID.toml. A user is a Redis ACL
// user (an access string in Redis's ACL syntax, up to two passwords kept as
// SHA-256 digests, or none); a user group is a list of users, one of which
// is named `default` (the user every unauthenticated client is). A
// replication group with a user group makes its users the members' Redis
// users (core/access_control.h).
//
// The built-in user `default` (UserId and UserName "default", "on ~* +@all",
// no password) is not stored: like a default parameter group it is always
// there and cannot be changed or deleted. To protect a group, put a user of
// your own named `default` in it instead.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/cluster.h"
#include "core/record_store.h"
#include "core/state_home.h"

namespace cachectl::core {

inline constexpr std::string_view kDefaultUserId = "default";

struct UserRecord {
  std::string id;    // UserId, lower-cased
  std::string name;  // UserName: the Redis user name (`AUTH name password`)
  std::string engine = "redis";
  std::string access_string;
  // "password" (1 or 2 digests) or "no-password" (none).
  std::string authentication = "password";
  std::vector<std::string> password_hashes;
  TimePoint create_time;
  std::vector<Tag> tags;
  bool built_in = false;  // the `default` user (never stored)
};

struct UserGroupRecord {
  std::string id;  // UserGroupId, lower-cased
  std::string engine = "redis";
  std::vector<std::string> user_ids;
  TimePoint create_time;
  std::vector<Tag> tags;
};

// The built-in `default` user.
UserRecord built_in_default_user();

// UserId and UserGroupId: ElastiCache's identifier rules (a letter first;
// letters, digits, hyphens; no double or trailing hyphen), 1-40 characters,
// lower-cased. InvalidParameterValue naming `parameter` otherwise.
Result<std::string> normalize_user_id(std::string_view id, std::string_view parameter);
// UserName: 1-120 printable characters without spaces (a Redis user name);
// cachectl's own administration user's name is refused.
Status check_user_name(std::string_view name);
// A password: 16-128 printable ASCII characters other than space, `"`, `@`
// and `/` (ElastiCache's rule).
Status check_password(std::string_view password);
// An access string in Redis's ACL syntax, with ElastiCache's limits: no
// passwords (`>`, `<`, `#`, `!`, nopass, resetpass), no `reset`, no
// selectors, no command cachectl renames or removes (CONFIG, SHUTDOWN, ...:
// name them with `-` only), and only Redis 7.0's commands and categories.
Status check_access_string(std::string_view access);
// The access string's rules, one per element ("on", "~app:*", "+get").
std::vector<std::string> access_rules(std::string_view access);

std::string user_arn(std::string_view region, std::string_view id);
std::string user_group_arn(std::string_view region, std::string_view id);

std::string to_toml(const UserRecord& user);
Result<UserRecord> user_from_toml(std::string_view text, std::string_view origin);
std::string to_toml(const UserGroupRecord& group);
Result<UserGroupRecord> user_group_from_toml(std::string_view text, std::string_view origin);

// The stored users, and the built-in `default` (get, list).
class UserStore {
 public:
  explicit UserStore(const StateHome& home);
  const RecordFolder& folder() const { return store_.folder(); }
  // UserNotFound, or RegistryFileInvalid naming the file.
  [[nodiscard]] Result<UserRecord> get(std::string_view id) const;
  // Every user id, the built-in one first, then ascending.
  std::vector<std::string> list() const;
  // UserAlreadyExists when the id is taken (the built-in one included).
  [[nodiscard]] Status create(const UserRecord& user) const;
  [[nodiscard]] Status update(std::string_view id,
                              const std::function<Status(UserRecord&)>& change) const;
  [[nodiscard]] Status remove(std::string_view id) const;

 private:
  RecordStore<UserRecord> store_;
};

class UserGroupStore {
 public:
  explicit UserGroupStore(const StateHome& home);
  const RecordFolder& folder() const { return store_.folder(); }
  [[nodiscard]] Result<UserGroupRecord> get(std::string_view id) const;
  std::vector<std::string> list() const { return store_.list(); }
  [[nodiscard]] Status create(const UserGroupRecord& group) const;
  [[nodiscard]] Status update(std::string_view id,
                              const std::function<Status(UserGroupRecord&)>& change) const;
  [[nodiscard]] Status remove(std::string_view id) const;

 private:
  RecordStore<UserGroupRecord> store_;
};

// The users of a user group, in its order; an error when one cannot be read.
Result<std::vector<UserRecord>> users_of(const UserStore& users, const UserGroupRecord& group);

// A group's users must have distinct names (DuplicateUserNameFault) and one
// of them must be named `default` (DefaultUserRequired).
Status check_group_users(const std::vector<UserRecord>& users);

}  // namespace cachectl::core
