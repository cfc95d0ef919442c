// notify/sender.h: delivery of events with a topic, in order per topic, with
// retries and backoff, and a cursor that a restarted sender resumes from.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/events.h"
#include "notify/sender.h"
#include "tests/unit/temp_dir.h"

namespace cachectl::notify {
namespace {

using namespace std::chrono;
const std::string kOps = "arn:aws:sns:us-east-1:000000000000:ops";
const std::string kOther = "arn:aws:sns:us-east-1:000000000000:other";

class SenderTest : public ::testing::Test {
 protected:
  test_support::TempDir tmp_{"ccnotify"};
  core::StateHome home_{tmp_.path()};
  SteadyTime t_ = SteadyTime{} + hours{1};

  void SetUp() override {
    std::ofstream(tmp_.path() / "notification-topics.toml")
        << "[topics]\n\"" << kOps << "\" = \"http://127.0.0.1:1/ops\"\nother = \"http://x/o\"\n";
  }
  void record(const std::string& message, const std::string& topic) {
    ASSERT_FALSE(core::EventLog(home_.events_dir())
                     .append({"c1", "cache-cluster", message, system_clock::now(), topic})
                     .has_value());
  }
  // A POST that fails while `down` is set, and remembers what it delivered.
  Sender make() {
    return Sender(
        home_,
        [this](const std::string& url, const std::string& topic, const std::string& body) {
          ++attempts;
          if (down.count(url)) return std::string("Connection refused");
          auto j = nlohmann::json::parse(body);
          EXPECT_EQ(j["TopicArn"], topic);
          EXPECT_EQ(j["Type"], "Notification");
          delivered.push_back(nlohmann::json::parse(j["Message"].get<std::string>())["Message"]);
          return std::string();
        },
        SenderOptions{milliseconds(100), milliseconds(400), seconds(10), hours(24)});
  }
  std::set<std::string> down;
  std::vector<std::string> delivered;
  int attempts = 0;
};

TEST_F(SenderTest, EventsWithATopicAreDeliveredInOrderTheOthersNot) {
  record("one", kOps);
  record("quiet", "");
  record("two", kOps);
  Sender s = make();
  s.pass(t_);
  EXPECT_EQ(delivered, (std::vector<std::string>{"one", "two"}));
  EXPECT_TRUE(s.idle());
  EXPECT_FALSE(s.has_unread());
}

TEST_F(SenderTest, AReceiverThatIsDownIsRetriedWithBackoffInOrder) {
  down.insert("http://127.0.0.1:1/ops");
  record("one", kOps);
  record("two", kOps);
  record("elsewhere", kOther);
  Sender s = make();
  milliseconds wait = s.pass(t_);
  EXPECT_EQ(wait, milliseconds(100));
  EXPECT_EQ(delivered, (std::vector<std::string>{"elsewhere"})) << "another topic is not held up";
  EXPECT_EQ(attempts, 2) << "one try for the head of ops, none for what waits behind it";
  s.pass(t_ + milliseconds(50));
  EXPECT_EQ(attempts, 2) << "not before the backoff";
  EXPECT_EQ(s.pass(t_ + milliseconds(100)), milliseconds(200));  // doubled
  EXPECT_EQ(s.pass(t_ + milliseconds(300)), milliseconds(400));
  EXPECT_EQ(s.pass(t_ + milliseconds(700)), milliseconds(400)) << "capped";
  down.clear();
  s.pass(t_ + milliseconds(1100));
  EXPECT_EQ(delivered, (std::vector<std::string>{"elsewhere", "one", "two"}));
  EXPECT_TRUE(s.idle());
}

TEST_F(SenderTest, ARestartedSenderResumesFromTheCursorAndDeliversWhatWaited) {
  record("one", kOps);
  {
    Sender s = make();
    s.pass(t_);
  }
  down.insert("http://127.0.0.1:1/ops");
  record("two", kOps);
  {
    Sender s = make();
    s.pass(t_);  // killed before "two" got through
  }
  down.clear();
  Sender again = make();
  again.pass(t_);
  EXPECT_EQ(delivered, (std::vector<std::string>{"one", "two"})) << "once each";
}

TEST_F(SenderTest, ATopicWithoutAUrlIsSentNowhereAndPassed) {
  record("nowhere", "arn:aws:sns:us-east-1:000000000000:unknown");
  record("one", kOps);
  Sender s = make();
  s.pass(t_);
  EXPECT_EQ(delivered, (std::vector<std::string>{"one"}));
  EXPECT_TRUE(s.idle());
}

TEST_F(SenderTest, ADeliveryFailingTooLongIsGivenUp) {
  down.insert("http://127.0.0.1:1/ops");
  record("lost", kOps);
  Sender s = make();
  s.pass(t_);
  s.pass(t_ + seconds(11));
  EXPECT_TRUE(s.idle());
  EXPECT_TRUE(delivered.empty());
}

TEST_F(SenderTest, ABrokenTopicsFileHoldsDeliveriesUntilItIsMended) {
  std::ofstream(tmp_.path() / "notification-topics.toml") << "[topics\n";
  record("one", kOps);
  Sender s = make();
  EXPECT_EQ(s.pass(t_), seconds(1));
  EXPECT_FALSE(s.idle());
  SetUp();
  s.pass(t_ + seconds(1));
  EXPECT_EQ(delivered, (std::vector<std::string>{"one"}));
}

TEST(NotificationBody, IsAnSnsNotificationOfTheEvent) {
  core::Event e{"c1", "cache-cluster", "Cache cluster created",
                core::TimePoint(sys_days{2026y / December / 1}), kOps};
  auto j = nlohmann::json::parse(notification_body(e, "id-1"));
  EXPECT_EQ(j["Type"], "Notification");
  EXPECT_EQ(j["MessageId"], "id-1");
  EXPECT_EQ(j["TopicArn"], kOps);
  auto m = nlohmann::json::parse(j["Message"].get<std::string>());
  EXPECT_EQ(m["SourceIdentifier"], "c1");
  EXPECT_EQ(m["SourceType"], "cache-cluster");
  EXPECT_EQ(m["Date"], "2026-12-01T00:00:00.000Z");
}

}  // namespace
}  // namespace cachectl::notify
