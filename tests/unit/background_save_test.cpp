// BackgroundSave over the daemon's engine connection, against a scripted
// Redis stand-in on a loopback port: the save is polled, never waited for.
#include "node/background_save.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>

namespace cachectl::node {
namespace {

// Answers each command with script(args); "" closes the connection.
class FakeRedis {
 public:
  using Script = std::function<std::string(const std::vector<std::string>&)>;
  explicit FakeRedis(Script script) : script_(std::move(script)) {
    listen_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
    ::listen(listen_, 4);
    socklen_t len = sizeof sa;
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&sa), &len);
    port_ = ntohs(sa.sin_port);
  }
  ~FakeRedis() {
    if (conn_ >= 0) ::close(conn_);
    ::close(listen_);
  }
  int port() const { return port_; }
  std::vector<std::vector<std::string>> seen;

  void serve() {
    if (conn_ < 0) conn_ = ::accept4(listen_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (conn_ < 0) return;
    char buf[4096];
    ssize_t n = ::recv(conn_, buf, sizeof buf, 0);
    if (n > 0) in_.append(buf, static_cast<std::size_t>(n));
    for (;;) {
      std::size_t len = resp_reply_length(in_);
      if (len == 0 || len == std::string::npos) return;
      std::vector<std::string> args = parse(in_.substr(0, len));
      in_.erase(0, len);
      seen.push_back(args);
      std::string reply = script_(args);
      if (reply.empty()) {
        ::close(conn_);
        conn_ = -1;
        in_.clear();
        return;
      }
      (void)!::send(conn_, reply.data(), reply.size(), MSG_NOSIGNAL);
    }
  }

 private:
  static std::vector<std::string> parse(const std::string& array) {
    std::vector<std::string> out;
    std::size_t pos = array.find("\r\n") + 2;
    while (pos < array.size()) {
      std::size_t eol = array.find("\r\n", pos);
      std::size_t n = std::stoul(array.substr(pos + 1, eol - pos - 1));
      out.push_back(array.substr(eol + 2, n));
      pos = eol + 2 + n + 2;
    }
    return out;
  }
  Script script_;
  int listen_ = -1;
  int conn_ = -1;
  int port_ = 0;
  std::string in_;
};

std::string bulk(const std::string& s) {
  return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n";
}

class BackgroundSaveTest : public ::testing::Test {
 protected:
  // Runs the client, the save's timer and the fake until `done` or 2 s.
  void run(FakeRedis& redis, EngineClient& client, BackgroundSave& save, const bool& done) {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (!done && std::chrono::steady_clock::now() < until) {
      std::vector<pollfd> fds;
      client.collect(fds);
      ::poll(fds.data(), fds.size(), 5);
      auto now = std::chrono::steady_clock::now();
      client.handle(fds.data(), fds.size(), now);
      redis.serve();
      save.tick(now);
    }
  }
};

TEST_F(BackgroundSaveTest, SendsTheRenamedBgsaveAndPollsUntilTheSaveIsDone) {
  int polls = 0;
  FakeRedis redis([&](const std::vector<std::string>& a) -> std::string {
    if (a[0] == "BGSAVE-KEY") return "+Background saving started\r\n";
    if (a[0] == "INFO") {
      // Before the save: 3 saves; then in progress twice; then done.
      if (polls++ == 0) return bulk("rdb_bgsave_in_progress:0\r\nrdb_saves:3\r\n");
      if (polls <= 3) return bulk("rdb_bgsave_in_progress:1\r\nrdb_saves:3\r\n");
      return bulk("rdb_bgsave_in_progress:0\r\nrdb_saves:4\r\nrdb_last_bgsave_status:ok\r\n");
    }
    return "-ERR unexpected\r\n";
  });
  EngineClient client({"127.0.0.1", redis.port(), "", ""});
  BackgroundSave save(client, "BGSAVE-KEY");
  bool done = false, ok = false;
  save.start(std::chrono::steady_clock::now(), [&](bool good, const std::string&) {
    done = true;
    ok = good;
  });
  EXPECT_TRUE(save.running());
  run(redis, client, save, done);
  ASSERT_TRUE(done);
  EXPECT_TRUE(ok);
  EXPECT_FALSE(save.running());
  ASSERT_GE(redis.seen.size(), 5u);
  EXPECT_EQ(redis.seen[1], std::vector<std::string>({"BGSAVE-KEY"}));
}

TEST_F(BackgroundSaveTest, ARefusedSaveFailsWithTheEnginesWords) {
  FakeRedis redis([](const std::vector<std::string>& a) -> std::string {
    if (a[0] == "INFO") return bulk("rdb_saves:0\r\n");
    return "-ERR Background save already in progress\r\n";
  });
  EngineClient client({"127.0.0.1", redis.port(), "", ""});
  BackgroundSave save(client, "BGSAVE-KEY");
  bool done = false, ok = true;
  std::string why;
  save.start(std::chrono::steady_clock::now(), [&](bool good, const std::string& w) {
    done = true;
    ok = good;
    why = w;
  });
  run(redis, client, save, done);
  ASSERT_TRUE(done);
  EXPECT_FALSE(ok);
  EXPECT_EQ(why, "BGSAVE was refused: -ERR Background save already in progress");
}

TEST_F(BackgroundSaveTest, AFailedSaveIsReportedAsFailed) {
  int polls = 0;
  FakeRedis redis([&](const std::vector<std::string>& a) -> std::string {
    if (a[0] == "INFO")
      return polls++ == 0 ? bulk("rdb_bgsave_in_progress:0\r\nrdb_saves:0\r\n")
                          : bulk(
                                "rdb_bgsave_in_progress:0\r\nrdb_saves:1\r\n"
                                "rdb_last_bgsave_status:err\r\n");
    return "+Background saving started\r\n";
  });
  EngineClient client({"127.0.0.1", redis.port(), "", ""});
  BackgroundSave save(client, "BGSAVE-KEY");
  bool done = false, ok = true;
  std::string why;
  save.start(std::chrono::steady_clock::now(), [&](bool good, const std::string& w) {
    done = true;
    ok = good;
    why = w;
  });
  run(redis, client, save, done);
  ASSERT_TRUE(done);
  EXPECT_FALSE(ok);
  EXPECT_EQ(why, "BGSAVE failed (see engine.log)");
}

TEST_F(BackgroundSaveTest, AnEngineThatGoesAwayMidSaveEndsIt) {
  int polls = 0;
  FakeRedis redis([&](const std::vector<std::string>& a) -> std::string {
    if (a[0] == "INFO") {
      if (polls++ == 0) return bulk("rdb_bgsave_in_progress:0\r\nrdb_saves:0\r\n");
      return "";  // the engine dies: the connection closes
    }
    return "+Background saving started\r\n";
  });
  EngineClient client({"127.0.0.1", redis.port(), "", ""});
  BackgroundSave save(client, "BGSAVE-KEY");
  bool done = false, ok = true;
  save.start(std::chrono::steady_clock::now(), [&](bool good, const std::string&) {
    done = true;
    ok = good;
  });
  run(redis, client, save, done);
  ASSERT_TRUE(done) << "not left polling another engine's counters";
  EXPECT_FALSE(ok);
}

TEST_F(BackgroundSaveTest, AuthIsSentFirst) {
  FakeRedis redis([](const std::vector<std::string>& a) -> std::string {
    if (a[0] == "AUTH") return "+OK\r\n";
    if (a[0] == "INFO") return bulk("rdb_bgsave_in_progress:0\r\nrdb_saves:0\r\n");
    return "+Background saving started\r\n";
  });
  EngineClient client({"127.0.0.1", redis.port(), "cachectl-admin", "secret-token"});
  bool answered = false;
  client.send(
      {"INFO", "persistence"}, [&](const EngineClient::Reply& r) { answered = r.has_value(); },
      std::chrono::seconds(1), std::chrono::steady_clock::now());
  BackgroundSave idle(client, "unused");
  run(redis, client, idle, answered);
  EXPECT_TRUE(answered);
  ASSERT_FALSE(redis.seen.empty());
  EXPECT_EQ(redis.seen[0], std::vector<std::string>({"AUTH", "cachectl-admin", "secret-token"}));
}

}  // namespace
}  // namespace cachectl::node
