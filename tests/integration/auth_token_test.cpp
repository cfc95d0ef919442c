// AuthToken end to end: ElastiCache's character rule is enforced before
// anything is created, an accepted token authenticates exactly, and what
// cachectl writes into redis.conf is read back by a real redis-server as
// written, escapes and trailing backslashes included.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/cluster.h"
#include "node/engine_config.h"
#include "tests/integration/harness.h"

extern char** environ;

namespace cachectl::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

class AuthToken : public CachectlTest {
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
TEST_F(AuthToken, TokensOutsideElastiCachesRuleAreRefusedWithNothingCreated) {
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
TEST_F(AuthToken, ATokenWithEveryAllowedSpecialCharacterAuthenticatesExactly) {
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
  EXPECT_EQ(redis_cli(address, port, {"--no-auth-warning", "-a", token, "PING"}).out, "PONG\n");
  for (const std::string& wrong :
       std::vector<std::string>{token.substr(0, token.size() - 1), token + "-", std::string("")}) {
    RunResult bad = redis_cli(address, port, {"--no-auth-warning", "-a", wrong, "PING"});
    EXPECT_EQ(bad.out.find("PONG"), std::string::npos) << wrong << ": " << bad.out;
  }
}

// What redis_launch writes, read by a real redis-server: a record holding a
// token ElastiCache would refuse (one written before the rule was enforced)
// still gets exactly that token, `\x41` and a trailing backslash included.
TEST_F(AuthToken, RedisReadsTheWrittenConfigExactly) {
  const std::string tokens[] = {"abcdefghijklmnop\\x41", "abcdefghijklmnop\\",
                                "with \"quotes\" and 'spaces' \\n"};
  int i = 0;
  for (const std::string& token : tokens) {
    core::CacheClusterRecord c;
    c.id = "raw";
    c.engine = "redis";
    c.engine_version = "7.0.15";
    c.node_type = "cache.t3.micro";
    c.auth_token = token;
    core::CacheNodeRecord n;
    n.id = "000" + std::to_string(++i);
    n.address = "127.0.0.1";
    n.port = 0;  // no TCP: the test talks over a Unix socket
    // Under home/nodes/, where TearDown finds (and kills) what runs from it.
    fs::path dir = fs::path(home_) / "nodes" / "raw" / n.id;
    fs::create_directories(dir / "data");
    node::EngineLaunch l = node::redis_launch(c, n, dir);
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
    ASSERT_EQ(::posix_spawnp(&pid, "redis-server", nullptr, nullptr, argv.data(), environ), 0);
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

}  // namespace
}  // namespace cachectl::testing
