// Notifications: an event of a cluster whose topic is active is POSTed to the
// topic's URL (STATE/notification-topics.toml) by cachectl-notify, retried
// while the receiver is down, and not sent while the topic is inactive.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>

#include "tests/integration/harness.h"

namespace cachectl::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

const std::string kTopic = "arn:aws:sns:us-east-1:000000000000:ops";

// A local HTTP receiver: answers every request 200 and keeps its body and
// its x-amz-sns-topic-arn header.
class Receiver {
 public:
  explicit Receiver(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    listening_ =
        ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && ::listen(fd_, 16) == 0;
    thread_ = std::thread([this] { serve(); });
  }
  ~Receiver() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  bool listening() const { return listening_; }
  std::vector<json> bodies() {
    std::lock_guard<std::mutex> l(mutex_);
    return bodies_;
  }
  std::vector<std::string> topics() {
    std::lock_guard<std::mutex> l(mutex_);
    return topics_;
  }
  // The events' messages received so far.
  std::vector<std::string> messages() {
    std::vector<std::string> out;
    for (const auto& b : bodies())
      out.push_back(json::parse(b["Message"].get<std::string>())["Message"]);
    return out;
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      std::string in;
      char buf[4096];
      std::size_t need = std::string::npos;
      while (in.size() < need) {
        ssize_t n = ::read(c, buf, sizeof buf);
        if (n <= 0) break;
        in.append(buf, static_cast<std::size_t>(n));
        auto end = in.find("\r\n\r\n");
        if (end != std::string::npos && need == std::string::npos) {
          auto at = in.find("Content-Length: ");
          std::size_t length = at == std::string::npos ? 0 : std::stoul(in.substr(at + 16));
          need = end + 4 + length;
        }
      }
      std::string reply = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      (void)!::write(c, reply.data(), reply.size());
      ::close(c);
      auto end = in.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      std::string topic;
      auto at = in.find("x-amz-sns-topic-arn: ");
      if (at != std::string::npos) topic = in.substr(at + 21, in.find("\r\n", at) - at - 21);
      std::lock_guard<std::mutex> l(mutex_);
      bodies_.push_back(json::parse(in.substr(end + 4), nullptr, false));
      topics_.push_back(topic);
    }
  }
  int fd_ = -1;
  bool listening_ = false;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<json> bodies_;
  std::vector<std::string> topics_;
};

// A port nothing listens on (for now).
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

class Notifications : public CachectlTest {
 protected:
  void SetUp() override {
    CachectlTest::SetUp();
    ::setenv("CACHECTL_NOTIFY_MAX_BACKOFF_MS", "200", 1);
    ::setenv("CACHECTL_NOTIFY_IDLE_EXIT_MS", "1000", 1);
    port_ = free_port();
    std::ofstream(home_ + "/notification-topics.toml")
        << "[topics]\nops = \"http://127.0.0.1:" << port_ << "/elasticache\"\n";
  }
  void TearDown() override {
    ::unsetenv("CACHECTL_NOTIFY_MAX_BACKOFF_MS");
    ::unsetenv("CACHECTL_NOTIFY_IDLE_EXIT_MS");
    CachectlTest::TearDown();
  }
  int port_ = 0;
};

TEST_F(Notifications, EventsReachTheReceiverRetriedWhileItWasDownNotWhileInactive) {
  create_redis("notified", {"--notification-topic-arn", kTopic});
  // The receiver is down: the sender keeps trying.
  std::this_thread::sleep_for(500ms);
  Receiver receiver(port_);
  ASSERT_TRUE(receiver.listening());
  auto has = [&](const std::string& m) {
    auto all = receiver.messages();
    return std::find(all.begin(), all.end(), m) != all.end();
  };
  ASSERT_TRUE(wait_until([&] { return has("Cache cluster created"); }, 10s))
      << ::testing::PrintToString(receiver.messages());
  EXPECT_TRUE(has("Added cache node 0001 in availability zone us-east-1a"));
  json first = receiver.bodies().front();
  EXPECT_EQ(first["Type"], "Notification");
  EXPECT_EQ(first["TopicArn"], kTopic);
  EXPECT_EQ(receiver.topics().front(), kTopic);

  // A replication group's events go to its topic too.
  create_group("grouped", {"--num-cache-clusters", "1", "--notification-topic-arn", kTopic});
  ASSERT_TRUE(wait_until([&] { return has("Replication group grouped created"); }, 10s))
      << ::testing::PrintToString(receiver.messages());

  // Inactive: the group's deletion and the reboot's events are recorded, not sent.
  ok("modify-replication-group",
     {"--replication-group-id", "grouped", "--notification-topic-status", "inactive",
      "--apply-immediately"});
  ok("delete-replication-group", {"--replication-group-id", "grouped"});
  ASSERT_EQ(cachectl({"wait", "replication-group-deleted", "--replication-group-id", "grouped"})
                .exit_code,
            0);
  ok("modify-cache-cluster",
     {"--cache-cluster-id", "notified", "--notification-topic-status", "inactive"});
  ok("reboot-cache-cluster",
     {"--cache-cluster-id", "notified", "--cache-node-ids-to-reboot", "0001"});
  ASSERT_EQ(
      cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "notified"}).exit_code, 0);
  json events =
      ok("describe-events", {"--source-type", "cache-cluster", "--source-identifier", "notified"});
  ASSERT_NE(events.dump().find("Cache node 0001 restarted"), std::string::npos) << events.dump(2);
  ok("modify-cache-cluster",
     {"--cache-cluster-id", "notified", "--notification-topic-status", "active"});
  ok("delete-cache-cluster", {"--cache-cluster-id", "notified"});
  // Delivered in order: once the deletion is in, the reboot would have been.
  ASSERT_TRUE(wait_until([&] { return has("Cache cluster deleted"); }, 10s))
      << ::testing::PrintToString(receiver.messages());
  EXPECT_FALSE(has("Cache node 0001 restarted"));
  EXPECT_FALSE(has("Replication group deleted"));
  // Each event once (the group's member was created with the topic too).
  int created = 0;
  for (const auto& b : receiver.bodies()) {
    json event = json::parse(b["Message"].get<std::string>());
    if (event["SourceIdentifier"] == "notified" && event["Message"] == "Cache cluster created")
      ++created;
  }
  EXPECT_EQ(created, 1);
}

}  // namespace
}  // namespace cachectl::testing
