// Access control with the real clients (issue 15): TLS in transit with the
// state home's CA, the AuthToken and its rotation (redis-cli, and redis-py
// from Debian's python3-redis), Redis ACL users of a user group, a user
// removed from its group refused at once, and no secret in any file other
// users could read, in any process's arguments or in --debug's output.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "tests/integration/serve_fixture.h"

namespace cachectl::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kToken = "first-token-0123456789";
const std::string kNewToken = "second-token-0123456789";
const std::string kDefaultPassword = "default-password-0123";
const std::string kAppPassword = "app-password-0123456";

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class AccessControl : public CachectlTest {
 protected:
  std::string ca() const { return home_ + "/tls/ca.pem"; }
  // redis-cli --tls --cacert CA, with `auth` ({"-a", token} or {"--user",
  // name, "-a", password}) before the command.
  RunResult tls_cli(const std::string& address, int port, std::vector<std::string> auth,
                    std::vector<std::string> command) {
    std::vector<std::string> args = {"--tls", "--cacert", ca(), "--no-auth-warning"};
    args.insert(args.end(), auth.begin(), auth.end());
    args.insert(args.end(), command.begin(), command.end());
    return redis_cli(address, port, args);
  }
  void make_users_and_group() {
    ok("create-user", {"--user-id", "app-default", "--user-name", "default", "--engine", "redis",
                       "--access-string", "on ~* +@all", "--passwords", kDefaultPassword});
    ok("create-user", {"--user-id", "app", "--user-name", "app", "--engine", "redis",
                       "--access-string", "on ~app:* +get +set", "--passwords", kAppPassword});
    ok("create-user-group",
       {"--user-group-id", "shop-users", "--engine", "redis", "--user-ids", "app-default", "app"});
  }
};

TEST_F(AccessControl, TlsWithTheHomesCaAndAnAuthTokenRotatedThenSet) {
  auto [address, port] =
      create_redis("tls", {"--transit-encryption-enabled", "--auth-token", kToken});
  json d = ok("describe-cache-clusters", {"--cache-cluster-id", "tls"})["CacheClusters"][0];
  EXPECT_EQ(d["TransitEncryptionEnabled"], true);
  EXPECT_EQ(d["TransitEncryptionMode"], "required");
  EXPECT_EQ(d["AuthTokenEnabled"], true);
  EXPECT_EQ(d["ClientDownloadLandingPage"], "file://" + ca());

  EXPECT_EQ(tls_cli(address, port, {"-a", kToken}, {"PING"}).out, "PONG\n");
  EXPECT_NE(tls_cli(address, port, {}, {"PING"}).out.find("NOAUTH"), std::string::npos);
  // Plain text on the TLS port: no answer a client could read.
  RunResult plain = redis_cli(address, port, {"--no-auth-warning", "-a", kToken, "PING"});
  EXPECT_EQ(plain.out.find("PONG"), std::string::npos) << plain.out;

  // redis-py trusting the CA: a client connected before the rotation keeps
  // working through ROTATE and SET; during the rotation new connections
  // are accepted with either token, after SET with the new one only.
  const std::string script = R"(
import subprocess, sys, redis
cachectl, home, host, port, ca, old, new = sys.argv[1:]
def connect(password):
    c = redis.Redis(host=host, port=int(port), ssl=True, ssl_ca_certs=ca, password=password)
    try:
        return c.ping() and c
    except (redis.exceptions.AuthenticationError, redis.exceptions.ResponseError):
        return None
def modify(*args):
    subprocess.run([cachectl, "--state-dir", home, "modify-cache-cluster", "--cache-cluster-id",
                    "tls", "--apply-immediately", *args], check=True, stdout=subprocess.DEVNULL)
existing = connect(old)
existing.set("k", "v")
modify("--auth-token", new, "--auth-token-update-strategy", "ROTATE")
print("rotate", existing.get("k").decode(), bool(connect(old)), bool(connect(new)))
modify("--auth-token", new, "--auth-token-update-strategy", "SET")
print("set", existing.get("k").decode(), bool(connect(old)), bool(connect(new)))
)";
  RunResult py = run_program({"/usr/bin/python3", "-c", script, bin_dir_ + "/cachectl", home_,
                              address, std::to_string(port), ca(), kToken, kNewToken});
  EXPECT_EQ(py.exit_code, 0) << py.err;
  EXPECT_EQ(py.out, "rotate v True True\nset v False True\n") << py.err;
  EXPECT_NE(tls_cli(address, port, {"-a", kToken}, {"PING"}).err.find("WRONGPASS"),
            std::string::npos);
  EXPECT_EQ(tls_cli(address, port, {"-a", kNewToken}, {"PING"}).out, "PONG\n");

  // DELETE: no token any more; ROTATE then has nothing to rotate from.
  ok("modify-cache-cluster", {"--cache-cluster-id", "tls", "--auth-token-update-strategy", "DELETE",
                              "--apply-immediately"});
  EXPECT_EQ(tls_cli(address, port, {}, {"PING"}).out, "PONG\n");
  RunResult rotate = cachectl({"modify-cache-cluster", "--cache-cluster-id", "tls", "--auth-token",
                               kToken, "--auth-token-update-strategy", "ROTATE"});
  EXPECT_EQ(rotate.exit_code, 254);
  EXPECT_NE(rotate.err.find("(InvalidParameterCombination)"), std::string::npos) << rotate.err;
  EXPECT_EQ(tls_cli(address, port, {}, {"PING"}).out, "PONG\n");
}

// A replica added later is the group's: TLS, the token, and a copy of the
// data over TLS.
TEST_F(AccessControl, AReplicaAddedToATlsGroupSpeaksTlsAndAsksForTheToken) {
  json g = create_group(
      "sec", {"--num-cache-clusters", "1", "--transit-encryption-enabled", "--auth-token", kToken});
  const json& primary = g["NodeGroups"][0]["PrimaryEndpoint"];
  EXPECT_EQ(tls_cli(primary["Address"], primary["Port"], {"-a", kToken}, {"SET", "k", "v"}).out,
            "OK\n");
  ok("increase-replica-count",
     {"--replication-group-id", "sec", "--new-replica-count", "1", "--apply-immediately"});
  wait_group_available("sec");
  json added = describe_group("sec")["NodeGroups"][0]["NodeGroupMembers"][1]["ReadEndpoint"];
  std::string address = added["Address"];
  int port = added["Port"];
  EXPECT_NE(tls_cli(address, port, {}, {"PING"}).out.find("NOAUTH"), std::string::npos);
  EXPECT_TRUE(wait_until(
      [&] {
        return tls_cli(address, port, {"-a", kToken}, {"GET", "k"}).out == "v\n";
      },
      std::chrono::seconds(10)));
}

TEST_F(AccessControl, UsersOfAUserGroupAreTheNodesAclUsers) {
  make_users_and_group();
  // The rules ElastiCache has for groups, with nothing changed.
  RunResult no_default = cachectl(
      {"create-user-group", "--user-group-id", "bad", "--engine", "redis", "--user-ids", "app"});
  EXPECT_NE(no_default.err.find("(DefaultUserRequired)"), std::string::npos) << no_default.err;
  RunResult restricted =
      cachectl({"create-user", "--user-id", "cfg", "--user-name", "cfg", "--engine", "redis",
                "--access-string", "on ~* +config", "--no-password-required"});
  EXPECT_NE(restricted.err.find("(InvalidParameterValue)"), std::string::npos) << restricted.err;
  EXPECT_EQ(ok("describe-users", {})["Users"].size(), 3u);  // default (built in), app, app-default

  json g = create_group("shop", {"--num-cache-clusters", "2", "--transit-encryption-enabled",
                                 "--user-group-ids", "shop-users"});
  EXPECT_EQ(g["UserGroupIds"], json::array({"shop-users"}));
  const json& primary = g["NodeGroups"][0]["PrimaryEndpoint"];
  std::string address = primary["Address"];
  int port = primary["Port"];
  std::vector<std::string> app = {"--user", "app", "-a", kAppPassword};
  EXPECT_EQ(tls_cli(address, port, app, {"SET", "app:1", "x"}).out, "OK\n");
  EXPECT_NE(tls_cli(address, port, app, {"SET", "other:1", "x"}).out.find("NOPERM"),
            std::string::npos);
  EXPECT_NE(tls_cli(address, port, app, {"FLUSHALL"}).out.find("NOPERM"), std::string::npos);
  EXPECT_NE(tls_cli(address, port, {}, {"GET", "app:1"}).out.find("NOAUTH"), std::string::npos);
  EXPECT_EQ(tls_cli(address, port, {"-a", kDefaultPassword}, {"GET", "app:1"}).out, "x\n");
  json ug = ok("describe-user-groups", {"--user-group-id", "shop-users"})["UserGroups"][0];
  EXPECT_EQ(ug["ReplicationGroups"], json::array({"shop"}));
  RunResult in_use = cachectl({"delete-user-group", "--user-group-id", "shop-users"});
  EXPECT_NE(in_use.err.find("(InvalidUserGroupState)"), std::string::npos) << in_use.err;

  // A change to a user reaches the nodes at once: `app` may no longer SET.
  ok("modify-user", {"--user-id", "app", "--access-string", "on ~app:* +get"});
  EXPECT_NE(tls_cli(address, port, app, {"SET", "app:2", "x"}).out.find("NOPERM"),
            std::string::npos);
  EXPECT_EQ(tls_cli(address, port, app, {"GET", "app:1"}).out, "x\n");
  // Removed from the group: refused at once, on every member.
  ok("modify-user-group", {"--user-group-id", "shop-users", "--user-ids-to-remove", "app"});
  for (const auto& member : g["NodeGroups"][0]["NodeGroupMembers"]) {
    const json& ep = member["ReadEndpoint"];
    RunResult refused = tls_cli(ep["Address"], ep["Port"], app, {"GET", "app:1"});
    EXPECT_NE(refused.err.find("WRONGPASS"), std::string::npos) << refused.out << refused.err;
  }
  EXPECT_EQ(ok("describe-users", {"--user-id", "app"})["Users"][0]["UserGroupIds"], json::array());
}

TEST_F(AccessControl, NoSecretInFilesOthersCanReadInArgumentsOrInDebugOutput) {
  make_users_and_group();
  create_group("shop", {"--num-cache-clusters", "1", "--transit-encryption-enabled",
                        "--user-group-ids", "shop-users"});
  create_redis("tls", {"--transit-encryption-enabled", "--auth-token", kToken});
  const std::vector<std::string> secrets = {kToken, kDefaultPassword, kAppPassword};

  std::vector<std::string> open_to_others, holding_a_secret;
  struct stat st {};
  ASSERT_EQ(::lstat(home_.c_str(), &st), 0);
  if (st.st_mode & 077) open_to_others.push_back(home_);
  for (const auto& e : fs::recursive_directory_iterator(home_)) {
    ASSERT_EQ(::lstat(e.path().c_str(), &st), 0);
    if ((st.st_mode & 077) && !S_ISLNK(st.st_mode)) open_to_others.push_back(e.path().string());
    if (!S_ISREG(st.st_mode)) continue;
    std::string text = read_text(e.path());
    for (const auto& s : secrets)
      if (text.find(s) != std::string::npos) holding_a_secret.push_back(e.path().string());
  }
  EXPECT_TRUE(open_to_others.empty()) << ::testing::PrintToString(open_to_others);
  EXPECT_TRUE(holding_a_secret.empty()) << ::testing::PrintToString(holding_a_secret);
  EXPECT_TRUE(fs::exists(home_ + "/tls/ca.key"));

  // Every process's arguments (ps's view), the daemons and engines running.
  std::vector<std::string> shown;
  for (const auto& p : fs::directory_iterator("/proc")) {
    std::string cmdline = read_text(p.path() / "cmdline");
    for (const auto& s : secrets)
      if (cmdline.find(s) != std::string::npos) shown.push_back(p.path().string());
  }
  EXPECT_TRUE(shown.empty()) << ::testing::PrintToString(shown);

  RunResult debug = cachectl({"--debug", "modify-cache-cluster", "--cache-cluster-id", "tls",
                              "--auth-token", kNewToken, "--auth-token-update-strategy", "SET"});
  EXPECT_EQ(debug.exit_code, 0) << debug.err;
  EXPECT_EQ(debug.err.find(kNewToken), std::string::npos) << debug.err;
  EXPECT_NE(debug.err.find("\"AuthToken\":\"****\""), std::string::npos) << debug.err;
  RunResult user_debug =
      cachectl({"--debug", "modify-user", "--user-id", "app", "--passwords", kNewToken});
  EXPECT_EQ(user_debug.exit_code, 0) << user_debug.err;
  EXPECT_EQ(user_debug.err.find(kNewToken), std::string::npos) << user_debug.err;
}

// Through cachectl serve: aws-cli's create-user and describe-users get the
// documents cachectl prints.
class AccessControlServed : public ServeTest {};

TEST_F(AccessControlServed, AwsCliCreatesAndDescribesUsers) {
  start_server();
  RunResult created = aws({"elasticache", "create-user", "--user-id", "reader", "--user-name",
                           "reader", "--engine", "redis", "--access-string", "on ~* +@read",
                           "--passwords", kAppPassword, "--output", "json"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  json served = json::parse(created.out);
  EXPECT_EQ(served["UserId"], "reader");
  EXPECT_EQ(served["Authentication"], json({{"Type", "password"}, {"PasswordCount", 1}}));
  RunResult described = aws({"elasticache", "describe-users", "--output", "json"});
  ASSERT_EQ(described.exit_code, 0) << described.err;
  RunResult direct = cli({"describe-users"});
  ASSERT_EQ(direct.exit_code, 0) << direct.err;
  expect_same_document("describe-users", json::parse(described.out), json::parse(direct.out));
  RunResult missing = aws({"elasticache", "describe-users", "--user-id", "nobody"});
  EXPECT_NE(missing.err.find("(UserNotFound)"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace cachectl::testing
