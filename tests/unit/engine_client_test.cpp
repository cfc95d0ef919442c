// RESP framing of the daemon's engine connection (node/engine_client.cpp).
#include "node/engine_client.h"

#include <gtest/gtest.h>

namespace cachectl::node {
namespace {

TEST(Resp, RepliesAreFramedWhole) {
  EXPECT_EQ(resp_reply_length("+OK\r\n"), 5u);
  EXPECT_EQ(resp_reply_length("+OK\r"), 0u);
  EXPECT_EQ(resp_reply_length("-ERR unknown command\r\n+OK\r\n"), 22u);
  EXPECT_EQ(resp_reply_length(":12\r\n"), 5u);
  EXPECT_EQ(resp_reply_length("$5\r\nhello\r\n"), 11u);
  EXPECT_EQ(resp_reply_length("$5\r\nhel"), 0u);
  EXPECT_EQ(resp_reply_length("$-1\r\n"), 5u);
  EXPECT_EQ(resp_reply_length("*2\r\n$1\r\na\r\n:1\r\n"), 15u);
  EXPECT_EQ(resp_reply_length("*2\r\n$1\r\na\r\n"), 0u);
  EXPECT_EQ(resp_reply_length("?what\r\n"), std::string::npos);
  EXPECT_EQ(resp_reply_length("$x\r\n"), std::string::npos);
  EXPECT_EQ(resp_reply_length(std::string(20, '*') + "\r\n"), std::string::npos);
}

TEST(Resp, ReplyText) {
  EXPECT_EQ(resp_reply_text("+OK\r\n"), "+OK");
  EXPECT_EQ(resp_reply_text("-ERR no\r\n"), "-ERR no");
  EXPECT_EQ(resp_reply_text("$5\r\nhello\r\n"), "hello");
  EXPECT_EQ(resp_reply_text("$-1\r\n"), "");
}

TEST(EngineClient, NoEngineMeansNoAnswerFromTheLoopNotFromSend) {
  // Port 1 on loopback: nothing listens.
  EngineClient client({"127.0.0.1", 1, "", ""});
  int calls = 0;
  EngineClient::Reply got = std::string("unset");
  auto now = std::chrono::steady_clock::now();
  client.send(
      {"INFO"},
      [&](const EngineClient::Reply& r) {
        ++calls;
        got = r;
      },
      std::chrono::milliseconds(500), now);
  EXPECT_EQ(calls, 0) << "never from inside send()";
  for (int i = 0; i < 50 && calls == 0; ++i) {
    std::vector<pollfd> fds;
    client.collect(fds);
    ::poll(fds.data(), fds.size(), 20);
    client.handle(fds.data(), fds.size(), std::chrono::steady_clock::now());
  }
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(got.has_value());
}

}  // namespace
}  // namespace cachectl::node
