// node/engine_probe.cpp: the probe of a starting engine, served by a poll
// loop. Against loopback sockets this test holds, never a real engine.
#include "node/engine_probe.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>

namespace cachectl::node {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A listening loopback socket on a free port; connections wait in its
// backlog until accept() is called, if ever.
struct Listener {
  Listener() {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
    EXPECT_EQ(::listen(fd, 8), 0);
    socklen_t len = sizeof sa;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
    port = ntohs(sa.sin_port);
  }
  ~Listener() {
    if (peer >= 0) ::close(peer);
    ::close(fd);
  }
  // Accepts the probe's connection once it is there; reads what it sent.
  std::string serve(const std::string& reply) {
    if (peer < 0) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 0) <= 0) return {};
      peer = ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
    }
    char buf[512];
    ssize_t n = ::recv(peer, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) {
      received.append(buf, static_cast<std::size_t>(n));
      if (!reply.empty()) (void)!::send(peer, reply.data(), reply.size(), MSG_NOSIGNAL);
    }
    return received;
  }
  int fd = -1;
  int peer = -1;
  int port = 0;
  std::string received;
};

// Runs the daemon's loop for the probe (and the fake engine's side) until
// the probe has answered or `limit` has passed.
std::optional<bool> run(EngineProbe& probe, std::optional<bool>& answer, Listener* engine,
                        const std::string& reply, std::chrono::milliseconds limit) {
  auto until = Clock::now() + limit;
  while (!answer && Clock::now() < until) {
    std::vector<pollfd> fds;
    probe.collect(fds);
    ::poll(fds.data(), fds.size(), 5);
    if (engine) engine->serve(reply);
    probe.handle(fds.data(), fds.size(), Clock::now());
  }
  return answer;
}

TEST(EngineProbe, NothingListeningIsNoFromTheLoopNotFromStart) {
  // Port 1 on loopback: nothing listens.
  EngineProbe probe("redis", {"127.0.0.1", 1, "", ""}, 200ms);
  std::optional<bool> answer;
  probe.start([&](bool a, SteadyTime) { answer = a; }, Clock::now());
  EXPECT_FALSE(answer.has_value()) << "never from inside start()";
  EXPECT_EQ(run(probe, answer, nullptr, "", 2s), std::optional<bool>(false));
  EXPECT_FALSE(probe.running());
}

TEST(EngineProbe, AnEngineThatDoesNotAnswerNeverHoldsTheLoop) {
  // It accepts (the kernel does, from the backlog) and never replies: the
  // probe must give the loop back at once and say no at its deadline only.
  Listener silent;
  EngineProbe probe("redis", {"127.0.0.1", silent.port, "", ""}, 10s);
  std::optional<bool> answer;
  auto before = Clock::now();
  probe.start([&](bool a, SteadyTime) { answer = a; }, before);
  std::vector<pollfd> fds;
  probe.collect(fds);
  ::poll(fds.data(), fds.size(), 50);
  probe.handle(fds.data(), fds.size(), Clock::now());
  probe.tick(Clock::now());
  EXPECT_LT(Clock::now() - before, 2s) << "start, handle and tick waited for the engine";
  EXPECT_FALSE(answer.has_value());
  EXPECT_TRUE(probe.running());
  EXPECT_EQ(probe.next_deadline(), before + 10s);
  probe.tick(before + 10s);
  EXPECT_EQ(answer, std::optional<bool>(false));
}

TEST(EngineProbe, PongIsYesLoadingIsNotYet) {
  for (auto [reply, expected] : {std::pair<std::string, bool>{"+PONG\r\n", true},
                                 {"-LOADING Redis is loading the dataset in memory\r\n", false}}) {
    Listener engine;
    EngineProbe probe("redis", {"127.0.0.1", engine.port, "", ""}, 2s);
    std::optional<bool> answer;
    probe.start([&](bool a, SteadyTime) { answer = a; }, Clock::now());
    EXPECT_EQ(run(probe, answer, &engine, reply, 5s), std::optional<bool>(expected)) << reply;
    EXPECT_EQ(engine.received, "*1\r\n$4\r\nPING\r\n");
  }
}

TEST(EngineProbe, AuthGoesFirstAndMemcachedIsAskedItsVersion) {
  {
    Listener engine;
    EngineProbe probe("redis", {"127.0.0.1", engine.port, "cachectl-admin", "secret-token-0123"},
                      2s);
    std::optional<bool> answer;
    probe.start([&](bool a, SteadyTime) { answer = a; }, Clock::now());
    EXPECT_EQ(run(probe, answer, &engine, "+OK\r\n+PONG\r\n", 5s), std::optional<bool>(true));
    EXPECT_EQ(engine.received,
              "*3\r\n$4\r\nAUTH\r\n$14\r\ncachectl-admin\r\n$17\r\nsecret-token-0123\r\n"
              "*1\r\n$4\r\nPING\r\n");
  }
  {
    Listener engine;
    EngineProbe probe("memcached", {"127.0.0.1", engine.port, "", ""}, 2s);
    std::optional<bool> answer;
    probe.start([&](bool a, SteadyTime) { answer = a; }, Clock::now());
    EXPECT_EQ(run(probe, answer, &engine, "VERSION 1.6.18\r\n", 5s), std::optional<bool>(true));
    EXPECT_EQ(engine.received, "version\r\n");
  }
}

TEST(EngineProbe, ANewStartOrCancelDropsTheProbeInFlight) {
  Listener silent;
  EngineProbe probe("redis", {"127.0.0.1", silent.port, "", ""}, 10s);
  int first = 0, second = 0;
  auto now = Clock::now();
  probe.start([&](bool, SteadyTime) { ++first; }, now);
  probe.start([&](bool, SteadyTime) { ++second; }, now);
  probe.tick(now + 10s);
  EXPECT_EQ(first, 0);
  EXPECT_EQ(second, 1);
  probe.start([&](bool, SteadyTime) { ++second; }, now);
  probe.cancel();
  probe.tick(now + 20s);
  EXPECT_EQ(second, 1);
  EXPECT_FALSE(probe.running());
}

TEST(EngineProbe, Replies) {
  EXPECT_EQ(judge_probe_reply("redis", "+PO"), ProbeReply::kIncomplete);
  EXPECT_EQ(judge_probe_reply("redis", "+OK\r\n"), ProbeReply::kIncomplete);
  EXPECT_EQ(judge_probe_reply("redis", "+OK\r\n+PONG\r\n"), ProbeReply::kAnswers);
  EXPECT_EQ(judge_probe_reply("redis", "-WRONGPASS invalid\r\n"), ProbeReply::kNotYet);
  EXPECT_EQ(judge_probe_reply("memcached", "VERSION 1.6"), ProbeReply::kIncomplete);
  EXPECT_EQ(judge_probe_reply("memcached", "VERSION 1.6\r\n"), ProbeReply::kAnswers);
}

}  // namespace
}  // namespace cachectl::node
