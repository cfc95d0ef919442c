// node/engine_config.h: values written into redis.conf come back exactly as
// they were when Redis reads the file. The reader here follows Redis's own
// rules (config.c splits the file into lines and trims them; sds.c's
// sdssplitargs splits a line), written afresh from their description so the
// test does not share the quoting function's assumptions.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <random>

#include "core/cluster.h"
#include "core/restricted_commands.h"
#include "node/engine_config.h"

namespace cachectl::node {
namespace {

bool hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
int hex_value(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(c) - 'a' + 10;
}
bool space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// sdssplitargs: the arguments of one line, or nullopt where Redis reports
// unbalanced quotes. Like Redis, the line ends at its first NUL.
std::optional<std::vector<std::string>> split_args(const std::string& input) {
  std::string line = input.substr(0, input.find('\0'));
  std::vector<std::string> args;
  std::size_t i = 0;
  auto at = [&](std::size_t k) { return k < line.size() ? line[k] : '\0'; };
  for (;;) {
    while (at(i) && space(at(i))) ++i;
    if (!at(i)) return args;
    std::string arg;
    enum { kBare, kDouble, kSingle } mode = kBare;
    for (bool done = false; !done;) {
      char c = at(i);
      if (mode == kDouble) {
        if (c == '\\' && at(i + 1) == 'x' && hex(at(i + 2)) && hex(at(i + 3))) {
          arg += static_cast<char>(hex_value(at(i + 2)) * 16 + hex_value(at(i + 3)));
          i += 3;
        } else if (c == '\\' && at(i + 1)) {
          char e = at(++i);
          arg += e == 'n'   ? '\n'
                 : e == 'r' ? '\r'
                 : e == 't' ? '\t'
                 : e == 'b' ? '\b'
                 : e == 'a' ? '\a'
                            : e;
        } else if (c == '"') {
          if (at(i + 1) && !space(at(i + 1))) return std::nullopt;
          done = true;
        } else if (!c) {
          return std::nullopt;
        } else {
          arg += c;
        }
      } else if (mode == kSingle) {
        if (c == '\\' && at(i + 1) == '\'') {
          ++i;
          arg += '\'';
        } else if (c == '\'') {
          if (at(i + 1) && !space(at(i + 1))) return std::nullopt;
          done = true;
        } else if (!c) {
          return std::nullopt;
        } else {
          arg += c;
        }
      } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || !c) {
        done = true;
      } else if (c == '"') {
        mode = kDouble;
      } else if (c == '\'') {
        mode = kSingle;
      } else {
        arg += c;
      }
      if (at(i)) ++i;
    }
    args.push_back(arg);
  }
}

// config.c: the file is split at "\n", each line trimmed of " \t\r\n";
// empty lines and comments are skipped; the rest are split into arguments.
std::vector<std::vector<std::string>> read_conf(const std::string& text) {
  std::vector<std::vector<std::string>> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    std::string line =
        text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::size_t b = line.find_first_not_of(" \t\r\n"), e = line.find_last_not_of(" \t\r\n");
    line = b == std::string::npos ? "" : line.substr(b, e - b + 1);
    if (!line.empty() && line[0] != '#') {
      auto args = split_args(line);
      EXPECT_TRUE(args.has_value()) << "Redis would refuse the line: " << line;
      if (args) lines.push_back(*args);
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

// What `name value` reads back as, through a whole config file line.
std::optional<std::string> round_trip(const std::string& value) {
  auto lines = read_conf("requirepass " + redis_conf_quote(value) + "\n");
  if (lines.size() != 1 || lines[0].size() != 2 || lines[0][0] != "requirepass") return {};
  return lines[0][1];
}

TEST(RedisConfQuote, TheReaderFollowsRedisRules) {
  // The independent reader itself, on Redis's documented cases.
  EXPECT_EQ(split_args("set \"a\\x41\\n\" 'it\\'s' bare"),
            (std::vector<std::string>{"set", "aA\n", "it's", "bare"}));
  EXPECT_EQ(split_args("\"foo\"bar"), std::nullopt);
  EXPECT_EQ(split_args("\"unterminated"), std::nullopt);
  EXPECT_EQ(split_args("requirepass \"abc\\\""), std::nullopt);  // the old `ends in \` bug
  EXPECT_EQ(split_args("a\"b c\"d"), std::nullopt);
  EXPECT_EQ(split_args("\"\\xzz\""), (std::vector<std::string>{"xzz"}));
}

TEST(RedisConfQuote, TheExamplesOfTheIssueComeBackExactly) {
  // A backslash-x escape is kept literally; so is a trailing backslash.
  EXPECT_EQ(round_trip("abcdefghijklmnop\\x41"), "abcdefghijklmnop\\x41");
  EXPECT_EQ(round_trip("abcdefghijklmnop\\"), "abcdefghijklmnop\\");
  for (std::string v : {"",         " ",        "a b",    "\"",
                        "'",        "\\",       "\\\\\"", "#not a comment",
                        "x\ny",     "line\r\n", "\t",     "\"quoted\"x",
                        "'single'", "${HOME}",  "\x7f",   "\xc3\xa9t\xc3\xa9",
                        "\xff\xfe", "\\n",      "\\x4",   "\\xg1"})
    EXPECT_EQ(round_trip(v), v) << "value: " << v;
}

TEST(RedisConfQuote, EveryByteButNulRoundTrips) {
  for (int b = 1; b < 256; ++b) {
    std::string v(1, static_cast<char>(b));
    EXPECT_EQ(round_trip(v), v) << "byte " << b;
    EXPECT_EQ(round_trip("a" + v + "\\" + v + "b"), "a" + v + "\\" + v + "b") << "byte " << b;
  }
}

TEST(RedisConfQuote, ManyRandomStringsRoundTrip) {
  std::mt19937 rng(20261129);
  const std::string tricky = "\\\"' \t\r\nx#$";
  for (int i = 0; i < 20000; ++i) {
    std::string v(rng() % 40, ' ');
    for (char& c : v) {
      // Half from the characters Redis treats specially, half any byte but NUL.
      c = rng() % 2 ? tricky[rng() % tricky.size()] : static_cast<char>(1 + rng() % 255);
    }
    ASSERT_EQ(round_trip(v), v) << "case " << i;
  }
}

// A Redis cluster record and its node 0001, as the daemon reads them.
core::CacheClusterRecord redis_record(const std::string& id, const std::string& auth_token) {
  core::CacheClusterRecord c;
  c.id = id;
  c.engine = "redis";
  c.engine_version = "7.0.15";
  c.node_type = "cache.t3.micro";
  c.auth_token = auth_token;
  return c;
}

core::CacheNodeRecord node_at(const std::string& address) {
  core::CacheNodeRecord n;
  n.id = "0001";
  n.address = address;
  n.port = 6379;
  return n;
}

// The arguments after `name` on every line of `lines` that sets it.
std::vector<std::vector<std::string>> lines_setting(
    const std::vector<std::vector<std::string>>& lines, const std::string& name) {
  std::vector<std::vector<std::string>> found;
  for (const auto& line : lines)
    if (!line.empty() && line[0] == name) found.emplace_back(line.begin() + 1, line.end());
  return found;
}

// The arguments after `name`, on the only line that sets it.
std::vector<std::string> only_line_setting(const std::vector<std::vector<std::string>>& lines,
                                           const std::string& name) {
  auto found = lines_setting(lines, name);
  EXPECT_EQ(found.size(), 1u) << name;
  return found.empty() ? std::vector<std::string>{} : found.back();
}

TEST(RedisConfQuote, TheWholeRedisConfReadsBackTheRecordsValues) {
  core::CacheClusterRecord c = redis_record("r", "abcdefghijklmnop\\");
  core::CacheNodeRecord n = node_at("127.0.0.1");
  // A state home whose path has a space, a quote and a newline in it.
  const std::filesystem::path dir = "/tmp/my home/\"x\"\n/0001";
  EngineLaunch l = redis_launch(c, n, dir, {{"notify-keyspace-events", "KEg$"}});
  auto lines = read_conf(l.config_text);
  auto args_of = [&](const std::string& name) { return only_line_setting(lines, name); };
  EXPECT_EQ(args_of("requirepass"), std::vector<std::string>{c.auth_token});
  EXPECT_EQ(args_of("dir"), std::vector<std::string>{(dir / "data").string()});
  EXPECT_EQ(args_of("notify-keyspace-events"), std::vector<std::string>{"KEg$"});
  EXPECT_EQ(args_of("save"), std::vector<std::string>{""});
  EXPECT_EQ(args_of("bind"), std::vector<std::string>{"127.0.0.1"});
}

TEST(RedisConfQuote, AClusterModeMemberIsAClusterNodeWithTwoUsers) {
  core::CacheClusterRecord c = redis_record("g-0001-001", "abcdefghijklmnop");
  c.replication_group_id = "g";
  core::CacheNodeRecord n = node_at("127.0.0.5");
  ReplicationSetup setup;
  setup.member = true;
  setup.cluster = true;
  setup.configuration_endpoint = "127.0.0.9";
  setup.cluster_config_file = "/s/nodes/g-0001-001/0001/nodes.conf";
  setup.node_timeout_ms = 2000;
  const std::string key(32, 'a');
  EngineLaunch l = redis_launch(c, n, "/s/nodes/g-0001-001/0001", {}, key, setup);
  auto lines = read_conf(l.config_text);
  auto all_of = [&](const std::string& name) { return lines_setting(lines, name); };
  auto one = [&](const std::string& name) { return only_line_setting(lines, name); };
  EXPECT_EQ(one("cluster-enabled"), std::vector<std::string>{"yes"});
  EXPECT_EQ(one("cluster-config-file"),
            std::vector<std::string>{"/s/nodes/g-0001-001/0001/nodes.conf"});
  EXPECT_EQ(one("cluster-node-timeout"), std::vector<std::string>{"2000"});
  EXPECT_EQ(one("cluster-announce-ip"), std::vector<std::string>{"127.0.0.5"});
  EXPECT_EQ(one("cluster-allow-replica-migration"), std::vector<std::string>{"no"});
  // The ConfigurationEndpoint is bound once the node has joined, not at start.
  EXPECT_EQ(one("bind"), std::vector<std::string>{"127.0.0.5"});
  EXPECT_TRUE(all_of("replicaof").empty());
  // The auth token is the default user's password, not requirepass.
  EXPECT_TRUE(all_of("requirepass").empty());
  auto users = all_of("user");
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0][0], "default");
  EXPECT_EQ(users[0][2], ">abcdefghijklmnop");
  auto has = [](const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  EXPECT_TRUE(has(users[0], "-cluster"));
  EXPECT_TRUE(has(users[0], "+cluster|slots"));
  EXPECT_FALSE(has(users[0], "+cluster|meet"));
  EXPECT_TRUE(has(users[0], "-psync"));
  EXPECT_EQ(users[1][0], std::string(core::kAdminUser));
  EXPECT_EQ(users[1][2], ">" + key);
  EXPECT_EQ(one("masteruser"), std::vector<std::string>{std::string(core::kAdminUser)});
  EXPECT_EQ(one("masterauth"), std::vector<std::string>{key});
  // MIGRATE under the secret name (slots move with it); REPLICAOF gone.
  bool migrate = false, replicaof = false;
  for (const auto& r : all_of("rename-command")) {
    if (r[0] == "MIGRATE") migrate = r[1] == "MIGRATE-" + key;
    if (r[0] == "REPLICAOF") replicaof = r[1].empty();
  }
  EXPECT_TRUE(migrate);
  EXPECT_TRUE(replicaof);
  // Members share the ConfigurationEndpoint's port.
  ASSERT_EQ(l.env.size(), 2u);
  EXPECT_EQ(l.env[1], "CACHECTL_REUSEPORT_ADDRESSES=127.0.0.9");
}

}  // namespace
}  // namespace cachectl::node
