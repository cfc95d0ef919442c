// Values that reach an engine's configuration, end to end: ElastiCache's
// AuthToken rule is enforced before anything is created, an accepted token
// authenticates exactly, what cachectl writes into redis.conf is read back
// by a real redis-server as written (escapes and trailing backslashes
// included), and parameter values the engine would not read are refused.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/access_control.h"
#include "core/cluster.h"
#include "core/secret_hash.h"
#include "node/engine_config.h"
#include "tests/integration/harness.h"

extern char** environ;

namespace cachectl::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

class EngineConfigValues : public CachectlTest {
 protected:
  RunResult create_with_token(const std::string& id, const std::string& token) {
    return cachectl({"create-cache-cluster", "--cache-cluster-id", id, "--engine", "redis",
                     "--cache-node-type", "cache.t3.micro", "--num-cache-nodes", "1",
                     "--transit-encryption-enabled", "--auth-token", token});
  }
  std::size_t files_in(const std::string& folder) {
    std::error_code ec;
    std::size_t n = 0;
    for (auto it = fs::directory_iterator(home_ + "/" + folder, ec);
         !ec && it != fs::directory_iterator(); ++it)
      ++n;
    return n;
  }
};

// The issue's examples: `\x41` was read by Redis as "A", and a trailing
// backslash left the engine unable to start. ElastiCache allows only
// letters, digits and ! & # $ ^ < > -, so these are refused with nothing
// created.
TEST_F(EngineConfigValues, TokensOutsideElastiCachesRuleAreRefusedWithNothingCreated) {
  for (std::string token : {"abcdefghijklmnop\\x41", "abcdefghijklmnop\\", "abcdefghijklmnop@",
                            "abcdefghijklmnop\"", "abcdefghijklmnop/", "abcdefgh ijklmnop",
                            "abcdefghijklmnop'", "abcdefghijklmnop%", "abcdefghijklmno"}) {
    RunResult r = create_with_token("tok", token);
    EXPECT_EQ(r.exit_code, 254) << token << "\n" << r.err;
    EXPECT_NE(r.err.find("(InvalidParameterValue)"), std::string::npos) << token << "\n" << r.err;
    EXPECT_NE(r.err.find("AuthToken"), std::string::npos) << r.err;
  }
  RunResult d = cachectl({"describe-cache-clusters"});
  EXPECT_EQ(d.exit_code, 0) << d.err;
  EXPECT_EQ(d.json()["CacheClusters"].size(), 0u);
  EXPECT_EQ(files_in("clusters"), 0u);
  EXPECT_EQ(files_in("addresses"), 0u);
  EXPECT_TRUE(running_pids().empty());
}

// Every special character ElastiCache allows, and nothing is interpreted.
TEST_F(EngineConfigValues, ATokenWithEveryAllowedSpecialCharacterAuthenticatesExactly) {
  const std::string token = "Ab1!&#$^<>-Zz9!&#$^<>-";
  RunResult r = create_with_token("tok", token);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  RunResult w = cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "tok"});
  ASSERT_EQ(w.exit_code, 0) << w.err;
  auto d = ok("describe-cache-clusters", {"--cache-cluster-id", "tok", "--show-cache-node-info"});
  ASSERT_FALSE(d.is_null());
  const auto& ep = d["CacheClusters"][0]["CacheNodes"][0]["Endpoint"];
  std::string address = ep["Address"];
  int port = ep["Port"];
  // The token requires transit encryption: the port speaks TLS.
  const std::string ca = home_ + "/tls/ca.pem";
  EXPECT_EQ(
      redis_cli(address, port, {"--tls", "--cacert", ca, "--no-auth-warning", "-a", token, "PING"})
          .out,
      "PONG\n");
  for (const std::string& wrong :
       std::vector<std::string>{token.substr(0, token.size() - 1), token + "-", std::string("")}) {
    RunResult bad = redis_cli(address, port,
                              {"--tls", "--cacert", ca, "--no-auth-warning", "-a", wrong, "PING"});
    EXPECT_EQ(bad.out.find("PONG"), std::string::npos) << wrong << ": " << bad.out;
  }
}

// What redis_launch writes, read by a real redis-server: a record holding a
// token ElastiCache would refuse (one written before the rule was enforced)
// still gets exactly that token (as its digest, the default user's
// password), `\x41` and a trailing backslash included.
TEST_F(EngineConfigValues, RedisReadsTheWrittenConfigExactly) {
  const std::string tokens[] = {"abcdefghijklmnop\\x41", "abcdefghijklmnop\\",
                                "with \"quotes\" and 'spaces' \\n"};
  int i = 0;
  const std::string key(32, 'f');
  for (const std::string& token : tokens) {
    core::CacheClusterRecord c;
    c.id = "raw";
    c.engine = "redis";
    c.engine_version = "7.0.15";
    c.node_type = "cache.t3.micro";
    c.auth_token_hashes = {core::sha256_hex(token)};
    core::CacheNodeRecord n;
    n.id = "000" + std::to_string(++i);
    n.address = "127.0.0.1";
    n.port = 0;  // no TCP: the test talks over a Unix socket
    // Under home/nodes/, where TearDown finds (and kills) what runs from it.
    fs::path dir = fs::path(home_) / "nodes" / "raw" / n.id;
    fs::create_directories(dir / "data");
    node::EngineSecurity security;
    security.users = core::node_acl_users({c.auth_token_hashes, false, {}, {}}, key);
    node::EngineLaunch l = node::redis_launch(c, n, dir, {}, key, {}, {}, security);
    std::string sock = (dir / "r.sock").string();
    {
      std::ofstream out(l.config_file);
      out << l.config_text << "unixsocket " << node::redis_conf_quote(sock) << "\n";
    }
    std::vector<std::string> args = {"redis-server", l.config_file.string()};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    posix_spawn_file_actions_t fa;
    ::posix_spawn_file_actions_init(&fa);
    std::string log = (dir / "engine.log").string();
    ::posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int rc = ::posix_spawnp(&pid, "redis-server", &fa, nullptr, argv.data(), environ);
    ::posix_spawn_file_actions_destroy(&fa);
    ASSERT_EQ(rc, 0);
    auto cli = [&](std::vector<std::string> more) {
      std::vector<std::string> a = {"redis-cli", "-s", sock, "--no-auth-warning"};
      a.insert(a.end(), more.begin(), more.end());
      return run_program(a).out;
    };
    bool up = wait_until([&] { return fs::exists(sock) && !cli({"PING"}).empty(); }, 10s);
    EXPECT_TRUE(up) << "redis-server did not start with:\n" << l.config_text;
    if (up) {
      EXPECT_EQ(cli({"-a", token, "PING"}), "PONG\n") << token;
      std::string unescaped = token == tokens[0] ? "abcdefghijklmnopA" : token.substr(0, 16);
      EXPECT_EQ(cli({"-a", unescaped, "PING"}).find("PONG"), std::string::npos) << token;
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
}

// "+300" and "0300" are numbers to strtoll but not to Redis, which would
// refuse to start (or to CONFIG SET) with them: refused at the API, the
// group unchanged.
TEST_F(EngineConfigValues, IntegersRedisWouldNotReadAreRefusedByTheParameterGroup) {
  ok("create-cache-parameter-group",
     {"--cache-parameter-group-name", "g", "--cache-parameter-group-family", "redis7",
      "--description", "d"});
  for (std::string value : {"+300", "0300", "-0", "300\n"}) {
    RunResult r = cachectl({"modify-cache-parameter-group", "--cache-parameter-group-name", "g",
                            "--parameter-name-values",
                            R"([{"ParameterName": "timeout", "ParameterValue": ")" +
                                std::string(value == "300\n" ? "300\\n" : value) + R"("}])"});
    EXPECT_EQ(r.exit_code, 254) << value << "\n" << r.err;
    EXPECT_NE(r.err.find("(InvalidParameterValue)"), std::string::npos) << r.err;
  }
  auto d =
      ok("describe-cache-parameters", {"--cache-parameter-group-name", "g", "--source", "user"});
  EXPECT_EQ(d["Parameters"].size(), 0u) << d.dump();
}

}  // namespace
}  // namespace cachectl::testing
