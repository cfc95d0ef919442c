// The admin server over a real Unix socket, driven by hand (no daemon): a
// deferred answer reaches the request that asked, never a later client that
// got the same descriptor number; a handler that throws is a 500.
#include "node/admin_server.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "tests/unit/temp_dir.h"

namespace cachectl::node {
namespace {

class AdminServerTest : public ::testing::Test {
 protected:
  test_support::TempDir tmp_{"admin-server-test"};
  void SetUp() override {
    dir_ = tmp_.path();
    std::string error;
    ASSERT_TRUE(server_.listen(dir_ / "a.sock", error)) << error;
  }

  int connect_client() {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strncpy(sa.sun_path, (dir_ / "a.sock").c_str(), sizeof sa.sun_path - 1);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
    return fd;
  }
  void send_request(int fd, const std::string& path) {
    std::string req = "POST " + path + " HTTP/1.1\r\nContent-Length: 0\r\n\r\n";
    ASSERT_EQ(::send(fd, req.data(), req.size(), MSG_NOSIGNAL), static_cast<ssize_t>(req.size()));
  }
  // Runs the server's loop until nothing is ready.
  void pump() {
    for (int i = 0; i < 20; ++i) {
      std::vector<pollfd> fds;
      auto now = std::chrono::steady_clock::now();
      server_.collect(fds, now);
      if (::poll(fds.data(), fds.size(), 20) <= 0) continue;
      server_.handle(fds.data(), fds.size(), now);
    }
  }
  std::string read_all(int fd) {
    std::string out;
    char buf[4096];
    pollfd p{fd, POLLIN, 0};
    while (::poll(&p, 1, 200) > 0) {
      ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }

  std::filesystem::path dir_;
  std::vector<std::pair<RequestId, std::string>> deferred_;
  AdminServer server_{[this](RequestId id, const HttpRequest& r, int& status, std::string& body) {
    if (r.path == "/throw") throw std::runtime_error("boom");
    if (r.path == "/now") {
      status = 200;
      body = "{\"now\":true}";
      return true;
    }
    deferred_.push_back({id, r.path});
    return false;
  }};
};

TEST_F(AdminServerTest, ALateAnswerNeverReachesTheNextClientOnTheSameDescriptor) {
  int first = connect_client();
  send_request(first, "/first");
  pump();
  ASSERT_EQ(deferred_.size(), 1u);
  ::close(first);  // the first client leaves before its answer
  pump();
  EXPECT_EQ(server_.connections(), 0u);
  int second = connect_client();
  send_request(second, "/second");
  pump();
  ASSERT_EQ(deferred_.size(), 2u);
  EXPECT_NE(deferred_[0].first, deferred_[1].first) << "ids are generations, not descriptors";
  server_.respond(deferred_[0].first, 200, "{\"for\":\"first\"}");
  pump();
  server_.respond(deferred_[1].first, 200, "{\"for\":\"second\"}");
  pump();
  std::string got = read_all(second);
  EXPECT_NE(got.find("{\"for\":\"second\"}"), std::string::npos) << got;
  EXPECT_EQ(got.find("first"), std::string::npos) << got;
  ::close(second);
}

TEST_F(AdminServerTest, AHandlerThatThrowsIsAnswered500AndTheServerGoesOn) {
  int c = connect_client();
  send_request(c, "/throw");
  pump();
  std::string got = read_all(c);
  EXPECT_EQ(got.rfind("HTTP/1.1 500 ", 0), 0u) << got;
  EXPECT_NE(got.find("{\"error\":\"internal error: boom\"}"), std::string::npos) << got;
  ::close(c);
  int d = connect_client();
  send_request(d, "/now");
  pump();
  EXPECT_NE(read_all(d).find("{\"now\":true}"), std::string::npos);
  ::close(d);
}

}  // namespace
}  // namespace cachectl::node
