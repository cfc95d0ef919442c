// core/access_control.h and core/users.h: the ACL users a node gets, the
// AuthToken's update strategies, and the rules of access strings, user
// names, passwords and user groups.
#include "core/access_control.h"

#include <gtest/gtest.h>

#include "core/restricted_commands.h"
#include "core/secret_hash.h"
#include "core/users.h"

namespace cachectl::core {
namespace {

using nlohmann::json;

const std::string kKey(32, 'k');

UserRecord user(const std::string& id, const std::string& name, const std::string& access,
                std::vector<std::string> hashes = {}) {
  UserRecord u;
  u.id = id;
  u.name = name;
  u.access_string = access;
  u.authentication = hashes.empty() ? "no-password" : "password";
  u.password_hashes = std::move(hashes);
  return u;
}

TEST(NodeAclUsers, WithoutAUserGroupDefaultTakesTheTokensAndNeverReplication) {
  auto users = node_acl_users({{sha256_hex("t1"), sha256_hex("t0")}, false, {}, {}}, kKey);
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].name, kAdminUser);
  EXPECT_EQ(users[0].rules,
            (std::vector<std::string>{"reset", "on", "#" + sha256_hex(kKey), "~*", "&*", "+@all"}));
  EXPECT_EQ(users[1].name, "default");
  EXPECT_EQ(users[1].rules,
            (std::vector<std::string>{"reset", "on", "#" + sha256_hex("t1"), "#" + sha256_hex("t0"),
                                      "~*", "&*", "+@all", "-sync", "-psync"}));
  auto open = node_acl_users({{}, true, {}, {}}, kKey);
  EXPECT_EQ(open[1].rules[2], "nopass");
  // Cluster mode: clients never get CLUSTER's administration.
  EXPECT_NE(std::find(open[1].rules.begin(), open[1].rules.end(), "-cluster|setslot"),
            open[1].rules.end());
}

TEST(NodeAclUsers, AUserGroupsUsersInAStableOrderDefaultFirst) {
  NodeAccess access{{}, false, "g", {}};
  access.users = {user("zed", "zed", "on ~z:* +get", {sha256_hex("p")}),
                  user("mine", "default", "on ~* +@read")};
  auto users = node_acl_users(access, kKey);
  ASSERT_EQ(users.size(), 3u);
  EXPECT_EQ(users[1].name, "default");
  EXPECT_EQ(users[1].rules,
            (std::vector<std::string>{"reset", "on", "~*", "+@read", "nopass", "-sync", "-psync"}));
  EXPECT_EQ(users[2].name, "zed");
  EXPECT_EQ(users[2].rules[4], "#" + sha256_hex("p"));
  // A group without a `default` (a record edited by hand): Redis's own
  // default user is switched off rather than left open.
  access.users.pop_back();
  users = node_acl_users(access, kKey);
  EXPECT_EQ(users[1].name, "default");
  EXPECT_EQ(users[1].rules, (std::vector<std::string>{"reset", "off"}));
}

TEST(AuthTokenStrategies, RotateKeepsTheCurrentOneUntilSetAndDeleteRemovesThem) {
  const std::string a = "token-aaaaaaaaaaaaaaaa", b = "token-bbbbbbbbbbbbbbbb";
  auto none = next_auth_token_hashes({sha256_hex(a)}, json::object(), true, false);
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  auto rotate = next_auth_token_hashes(
      {sha256_hex(a)}, {{"AuthToken", b}, {"AuthTokenUpdateStrategy", "ROTATE"}}, true, false);
  ASSERT_TRUE(rotate && *rotate);
  EXPECT_EQ(**rotate, (std::vector<std::string>{sha256_hex(b), sha256_hex(a)}));
  // ROTATE is the default with a token; a second ROTATE keeps only the latest two.
  auto again = next_auth_token_hashes(**rotate, {{"AuthToken", a}}, true, false);
  EXPECT_EQ(**again, (std::vector<std::string>{sha256_hex(a), sha256_hex(b)}));
  auto set = next_auth_token_hashes(
      **rotate, {{"AuthToken", b}, {"AuthTokenUpdateStrategy", "SET"}}, true, false);
  EXPECT_EQ(**set, (std::vector<std::string>{sha256_hex(b)}));
  auto del = next_auth_token_hashes(**set, {{"AuthTokenUpdateStrategy", "DELETE"}}, true, false);
  EXPECT_TRUE((*del)->empty());
}

TEST(AuthTokenStrategies, RefusedCombinations) {
  const std::string a = "token-aaaaaaaaaaaaaaaa";
  auto code = [](const Result<std::optional<std::vector<std::string>>>& r) {
    return r ? std::string("ok") : r.error().code;
  };
  EXPECT_EQ(code(next_auth_token_hashes({}, {{"AuthToken", a}}, true, false)),
            "InvalidParameterCombination");  // ROTATE from nothing
  EXPECT_EQ(code(next_auth_token_hashes({}, {{"AuthToken", a}, {"AuthTokenUpdateStrategy", "SET"}},
                                        false, false)),
            "InvalidParameterCombination");  // no transit encryption
  EXPECT_EQ(code(next_auth_token_hashes({}, {{"AuthToken", a}, {"AuthTokenUpdateStrategy", "SET"}},
                                        true, true)),
            "InvalidParameterCombination");  // a user group
  EXPECT_EQ(
      code(next_auth_token_hashes(
          {sha256_hex(a)}, {{"AuthToken", a}, {"AuthTokenUpdateStrategy", "DELETE"}}, true, false)),
      "InvalidParameterCombination");
  EXPECT_EQ(code(next_auth_token_hashes({}, {{"AuthTokenUpdateStrategy", "DELETE"}}, true, false)),
            "InvalidParameterCombination");
  EXPECT_EQ(code(next_auth_token_hashes(
                {}, {{"AuthToken", "short"}, {"AuthTokenUpdateStrategy", "SET"}}, true, false)),
            "InvalidParameterValue");
}

TEST(AccessStrings, RedisAclRulesWithElastiCachesLimits) {
  for (const char* good : {"on ~* +@all", "on ~app:* +get +set", "off &chan -@dangerous",
                           "on %R~ro:* +@read -config", "on allkeys allcommands"})
    EXPECT_FALSE(check_access_string(good)) << good;
  for (const char* bad :
       {"", "on >secret ~* +@all", "on nopass ~*", "reset on", "on ~* +config", "on ~* +shutdown",
        "on ~* +nosuchcommand", "on ~* +@nosuchcategory", "on (~* +get)", "on ~", "bogus"})
    EXPECT_TRUE(check_access_string(bad)) << bad;
}

TEST(UserRules, NamesPasswordsAndGroups) {
  EXPECT_FALSE(check_user_name("app"));
  EXPECT_TRUE(check_user_name(std::string(kAdminUser)));
  EXPECT_TRUE(check_user_name("with space"));
  EXPECT_FALSE(check_password("sixteen-chars-ok"));
  EXPECT_TRUE(check_password("short"));
  EXPECT_TRUE(check_password("has-an-at-sign-@-in-it"));
  auto no_default = check_group_users({user("a", "a", "on")});
  ASSERT_TRUE(no_default);
  EXPECT_EQ(no_default->code, "DefaultUserRequired");
  auto twice = check_group_users({user("a", "default", "on"), user("b", "default", "on")});
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->code, "DuplicateUserName");
  EXPECT_FALSE(check_group_users({user("a", "default", "on"), user("b", "b", "on")}));
}

TEST(UserRecords, RoundTripAndBrokenDigestsAreRefused) {
  UserRecord u = user("app", "app", "on ~app:* +get", {sha256_hex("p1"), sha256_hex("p2")});
  auto back = user_from_toml(to_toml(u), "users/app.toml");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->password_hashes, u.password_hashes);
  EXPECT_EQ(back->access_string, u.access_string);
  std::string text = to_toml(u);
  text.replace(text.find(sha256_hex("p1")), 64, "plain-text-password");
  auto broken = user_from_toml(text, "users/app.toml");
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code, kRegistryFileInvalid);
}

}  // namespace
}  // namespace cachectl::core
