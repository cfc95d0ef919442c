// The supervisor's restart, backoff and restore-failed logic, against a fake
// engine host: no process is started, time is given, not waited for.
#include "node/supervisor.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <vector>

namespace cachectl::node {
namespace {

using namespace std::chrono_literals;

int killed_by(int sig) { return sig & 0x7f; }  // a wait status: killed by `sig`
int exited_with(int code) { return (code & 0xff) << 8; }

class FakeHost final : public EngineHost {
 public:
  pid_t start(const EngineLaunch&, std::string& error) override {
    ++starts;
    probe_done = nullptr;  // as the real host: a new engine drops the probe in flight
    if (fail_start) {
      error = "cannot start redis-server: No such file or directory";
      return -1;
    }
    return ++last_pid;
  }
  bool adopt(pid_t pid, const EngineLaunch&) override {
    adopted.push_back(pid);
    probe_done = nullptr;
    return adopt_matches;
  }
  void signal(pid_t pid, int sig) override { signals.push_back({pid, sig}); }
  bool ask_to_stop() override {
    ++asked_to_stop;
    return can_ask;
  }
  // Only asked: the test answers, when it likes, with answer().
  void probe(ProbeDone done) override {
    ++probes;
    probe_done = std::move(done);
  }
  // The engine's answer to the probe in flight; false when none is.
  bool answer(bool answered, SteadyTime now) {
    if (!probe_done) return false;
    ProbeDone done = std::move(probe_done);
    probe_done = nullptr;
    done(answered, now);
    return true;
  }

  int starts = 0;
  int probes = 0;
  ProbeDone probe_done;
  pid_t last_pid = 1000;
  bool fail_start = false;
  bool can_ask = true;
  bool adopt_matches = true;
  std::vector<pid_t> adopted;
  int asked_to_stop = 0;
  std::vector<std::pair<pid_t, int>> signals;
};

class SupervisorTest : public ::testing::Test {
 protected:
  SupervisorTest()
      : supervisor_({"0001", "/nonexistent",
                     [] {
                       return EngineLaunch{{"redis-server"}, {}, "", {}};
                     },
                     [this] { return hold_; }},
                    host_, [this](const std::string& m) { events_.push_back(m); }) {}

  // Starts the engine and lets it answer.
  void start_available() {
    supervisor_.start(t_);
    supervisor_.tick(t_);
    ASSERT_TRUE(host_.answer(true, t_));
    ASSERT_EQ(supervisor_.node_status(), "available");
  }

  FakeHost host_;
  std::vector<std::string> events_;
  bool hold_ = false;
  Supervisor supervisor_;
  SteadyTime t_ = SteadyTime{} + 1h;
};

TEST_F(SupervisorTest, ANewEngineIsCreatingUntilItAnswersThenAvailable) {
  supervisor_.start(t_);
  EXPECT_EQ(host_.starts, 1);
  EXPECT_EQ(supervisor_.node_status(), "creating");
  supervisor_.tick(t_);
  EXPECT_EQ(host_.probes, 1);
  ASSERT_TRUE(host_.answer(false, t_));
  EXPECT_EQ(supervisor_.node_status(), "creating");
  // Probed again soon, not at once (no busy loop).
  SteadyTime next = supervisor_.next_deadline(t_);
  EXPECT_GT(next, t_);
  supervisor_.tick(next - 1us);
  EXPECT_EQ(host_.probes, 1);
  supervisor_.tick(next);
  EXPECT_EQ(host_.probes, 2);
  ASSERT_TRUE(host_.answer(true, next));
  EXPECT_EQ(supervisor_.node_status(), "available");
  EXPECT_TRUE(events_.empty()) << "a first start is no recovery";
  EXPECT_EQ(supervisor_.next_deadline(t_), SteadyTime::max());
}

TEST_F(SupervisorTest, AnEngineStartedByTheLauncherIsAdoptedAsTheFirstStart) {
  supervisor_.adopt(4242, t_);
  EXPECT_EQ(host_.adopted, std::vector<pid_t>{4242});
  EXPECT_EQ(host_.starts, 0) << "nothing started again";
  EXPECT_EQ(supervisor_.engine_pid(), 4242);
  EXPECT_EQ(supervisor_.node_status(), "creating");
  supervisor_.tick(t_);
  ASSERT_TRUE(host_.answer(true, t_));
  EXPECT_EQ(supervisor_.node_status(), "available");
  // It is the engine: its death is a recovery, and it is restarted.
  supervisor_.on_exit(4242, killed_by(9), t_ + 1s);
  EXPECT_EQ(host_.starts, 1);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_NE(events_[0].find("(pid 4242) was killed by signal 9"), std::string::npos) << events_[0];
}

TEST_F(SupervisorTest, AnEngineStartedWithAnotherConfigurationIsKilledAndStartedAgain) {
  host_.adopt_matches = false;
  supervisor_.adopt(4242, t_);
  ASSERT_EQ(host_.signals.size(), 1u);
  EXPECT_EQ(host_.signals[0], (std::pair<pid_t, int>{4242, SIGKILL}));
  EXPECT_EQ(host_.starts, 1);
  EXPECT_EQ(supervisor_.engine_pid(), 1001);
  // The killed one's exit is not the engine's: no recovery, no restart.
  supervisor_.on_exit(4242, killed_by(9), t_);
  EXPECT_EQ(host_.starts, 1);
  EXPECT_TRUE(events_.empty());
  supervisor_.tick(t_);
  ASSERT_TRUE(host_.answer(true, t_));
  EXPECT_EQ(supervisor_.node_status(), "available");
}

TEST_F(SupervisorTest, TheProbeIsAskedAndItsAnswerAwaitedOffTheLoop) {
  supervisor_.start(t_);
  supervisor_.tick(t_);
  ASSERT_EQ(host_.probes, 1);
  // While the answer is out nothing is due: no second probe, no wake-up.
  EXPECT_EQ(supervisor_.next_deadline(t_), SteadyTime::max());
  supervisor_.tick(t_ + 1s);
  EXPECT_EQ(host_.probes, 1);
  EXPECT_EQ(supervisor_.node_status(), "creating");
  ASSERT_TRUE(host_.answer(true, t_ + 1s));
  EXPECT_EQ(supervisor_.node_status(), "available");
}

TEST_F(SupervisorTest, AnEngineThatSaysItIsReadyIsProbedAtOnceNotAtTheNextTick) {
  supervisor_.start(t_);
  supervisor_.tick(t_);
  ASSERT_TRUE(host_.answer(false, t_));  // not listening yet
  EXPECT_GT(supervisor_.next_deadline(t_), t_) << "the next probe waits for its tick";
  supervisor_.engine_says_ready(t_ + 100us);
  EXPECT_EQ(supervisor_.next_deadline(t_ + 100us), t_ + 100us);
  supervisor_.tick(t_ + 100us);
  EXPECT_EQ(host_.probes, 2);
  // Said again while that probe is out: nothing more is asked.
  supervisor_.engine_says_ready(t_ + 200us);
  supervisor_.tick(t_ + 200us);
  EXPECT_EQ(host_.probes, 2);
  ASSERT_TRUE(host_.answer(true, t_ + 300us));
  EXPECT_EQ(supervisor_.node_status(), "available");
  // An available engine saying it again changes nothing.
  supervisor_.engine_says_ready(t_ + 1s);
  EXPECT_EQ(supervisor_.next_deadline(t_ + 1s), SteadyTime::max());
}

TEST_F(SupervisorTest, AnAnswerAboutAReplacedEngineCountsForNothing) {
  supervisor_.start(t_);
  supervisor_.tick(t_);
  ASSERT_EQ(host_.probes, 1);
  FakeHost::ProbeDone stale = host_.probe_done;  // outlives the engine it asked
  supervisor_.on_exit(supervisor_.engine_pid(), killed_by(SIGKILL), t_ + 5s);
  EXPECT_EQ(host_.starts, 2) << "restarted at once";
  stale(true, t_ + 5s);
  EXPECT_EQ(supervisor_.node_status(), "rebooting");
  // Nor one about an engine being stopped.
  supervisor_.tick(t_ + 5s);
  ASSERT_EQ(host_.probes, 2);
  stale = host_.probe_done;
  supervisor_.stop(t_ + 5s);
  stale(true, t_ + 5s);
  EXPECT_EQ(supervisor_.node_status(), "deleting");
  ASSERT_FALSE(host_.signals.empty());
  EXPECT_EQ(host_.signals.back().second, SIGTERM) << "not asked: it never answered";
}

TEST_F(SupervisorTest, AnEngineThatDiesIsRestartedAtOnceWithEvents) {
  start_available();
  pid_t first = supervisor_.engine_pid();
  supervisor_.on_exit(first, killed_by(SIGKILL), t_ + 10s);
  EXPECT_EQ(host_.starts, 2) << "restarted at once";
  EXPECT_NE(supervisor_.engine_pid(), first);
  EXPECT_EQ(supervisor_.node_status(), "rebooting");
  EXPECT_EQ(supervisor_.restarts(), 1);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0],
            "Recovering cache nodes 0001: redis-server (pid 1001) was killed by signal 9");
  supervisor_.tick(t_ + 10s);
  ASSERT_TRUE(host_.answer(true, t_ + 10s));
  EXPECT_EQ(supervisor_.node_status(), "available");
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(events_[1], "Finished recovery for cache nodes 0001");
}

TEST_F(SupervisorTest, AHeldEngineStaysDownAfterItDiedUntilReleased) {
  hold_ = true;  // a replication group's primary waiting for its promotion
  start_available();
  EXPECT_EQ(host_.starts, 1) << "a first start is never held";
  supervisor_.on_exit(supervisor_.engine_pid(), killed_by(SIGKILL), t_ + 10s);
  EXPECT_EQ(host_.starts, 1);
  for (int i = 1; i <= 5; ++i) supervisor_.tick(t_ + 10s + i * 100ms);
  EXPECT_EQ(host_.starts, 1) << "held: not restarted";
  EXPECT_EQ(supervisor_.next_deadline(t_ + 10s + 500ms), t_ + 10s + 600ms)
      << "asked again 100 ms later, without back-off";
  hold_ = false;
  supervisor_.tick(t_ + 10s + 600ms);
  EXPECT_EQ(host_.starts, 2);
  // A reboot is never held.
  hold_ = true;
  supervisor_.tick(t_ + 11s);
  ASSERT_TRUE(host_.answer(true, t_ + 11s));
  ASSERT_EQ(supervisor_.node_status(), "available");
  supervisor_.reboot(t_ + 12s);
  supervisor_.on_exit(supervisor_.engine_pid(), exited_with(0), t_ + 12s);
  EXPECT_EQ(host_.starts, 3);
}

TEST_F(SupervisorTest, AnEngineThatKeepsDyingIsRestartedWithGrowingBackoff) {
  start_available();
  SteadyTime now = t_ + 10s;
  supervisor_.on_exit(supervisor_.engine_pid(), exited_with(1), now);  // after a long run
  EXPECT_EQ(host_.starts, 2);
  std::vector<std::chrono::milliseconds> waits;
  for (int i = 0; i < 8; ++i) {
    now += 10ms;  // dies at once: failing to start
    supervisor_.on_exit(supervisor_.engine_pid(), exited_with(1), now);
    SteadyTime next = supervisor_.next_deadline(now);
    waits.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(next - now));
    int starts = host_.starts;
    supervisor_.tick(next - 1ms);
    EXPECT_EQ(host_.starts, starts) << "not before the backoff";
    supervisor_.tick(next);
    EXPECT_EQ(host_.starts, starts + 1);
    now = next;
  }
  EXPECT_EQ(waits.front(), 100ms);
  for (std::size_t i = 1; i < waits.size(); ++i) EXPECT_GE(waits[i], waits[i - 1]);
  EXPECT_EQ(waits.back(), 5000ms) << "capped";
  // One recovery event for the whole episode, not one per attempt.
  EXPECT_EQ(std::count_if(events_.begin(), events_.end(),
                          [](const std::string& e) { return e.rfind("Recovering", 0) == 0; }),
            1);
  // Still retried, but shown failed: a cluster that cannot run stays deletable.
  EXPECT_EQ(supervisor_.node_status(), "failed");
}

TEST_F(SupervisorTest, AnEngineFailingToStartIsCreatingThenFailedThenAvailableOnceItAnswers) {
  supervisor_.start(t_);
  SteadyTime now = t_;
  std::vector<std::string> seen;
  for (int i = 0; i < 4; ++i) {
    now += 10ms;
    supervisor_.on_exit(supervisor_.engine_pid(), exited_with(1), now);
    seen.push_back(supervisor_.node_status());
    now = supervisor_.next_deadline(now);
    supervisor_.tick(now);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"creating", "creating", "failed", "failed"}));
  supervisor_.tick(now);
  ASSERT_TRUE(host_.answer(true, now));
  EXPECT_EQ(supervisor_.node_status(), "available");
}

TEST_F(SupervisorTest, AnEngineThatCannotBeStartedIsRetriedAfterBackoff) {
  host_.fail_start = true;
  supervisor_.start(t_);
  EXPECT_EQ(supervisor_.engine_pid(), -1);
  EXPECT_EQ(supervisor_.last_error(), "cannot start redis-server: No such file or directory");
  EXPECT_EQ(supervisor_.node_status(), "creating");
  SteadyTime next = supervisor_.next_deadline(t_);
  EXPECT_EQ(next - t_, 100ms);
  host_.fail_start = false;
  supervisor_.tick(next);
  EXPECT_EQ(host_.starts, 2);
  EXPECT_GT(supervisor_.engine_pid(), 0);
}

TEST_F(SupervisorTest, DataThatKillsTheEngineBeforeItAnswersIsRestoreFailedNotRestarted) {
  supervisor_.expect_restore();
  supervisor_.start(t_);
  supervisor_.on_exit(supervisor_.engine_pid(), exited_with(1), t_ + 50ms);
  EXPECT_EQ(supervisor_.node_status(), "restore-failed");
  EXPECT_EQ(host_.starts, 1) << "not restarted";
  EXPECT_EQ(supervisor_.next_deadline(t_), SteadyTime::max());
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(
      events_[0].rfind("Restore failed for cache node 0001: redis-server exited with status 1", 0),
      0u)
      << events_[0];
  // Deleting it still works.
  supervisor_.stop(t_ + 1s);
  EXPECT_TRUE(supervisor_.stopped());
}

TEST_F(SupervisorTest, RestoredDataThatLoadedIsRecoveredLikeAnyOther) {
  supervisor_.expect_restore();
  start_available();
  supervisor_.on_exit(supervisor_.engine_pid(), killed_by(SIGKILL), t_ + 10s);
  EXPECT_EQ(host_.starts, 2);
  EXPECT_EQ(supervisor_.node_status(), "rebooting");
}

TEST_F(SupervisorTest, RestoreFailedBeforeStartingNeverStarts) {
  supervisor_.restore_failed("the download of x did not finish");
  EXPECT_EQ(supervisor_.node_status(), "restore-failed");
  supervisor_.tick(t_);
  EXPECT_EQ(host_.starts, 0);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0], "Restore failed for cache node 0001: the download of x did not finish");
}

TEST_F(SupervisorTest, ARebootAsksAnAnsweringEngineToStopThenStartsAgain) {
  start_available();
  pid_t first = supervisor_.engine_pid();
  supervisor_.reboot(t_);
  EXPECT_EQ(host_.asked_to_stop, 1);
  EXPECT_TRUE(host_.signals.empty()) << "its own shutdown, no signal";
  EXPECT_EQ(supervisor_.node_status(), "rebooting");
  supervisor_.on_exit(first, exited_with(0), t_ + 20ms);
  EXPECT_EQ(host_.starts, 2);
  supervisor_.tick(t_ + 20ms);
  ASSERT_TRUE(host_.answer(true, t_ + 20ms));
  EXPECT_EQ(supervisor_.node_status(), "available");
  EXPECT_EQ(events_.back(), "Cache node 0001 restarted");
  EXPECT_EQ(supervisor_.restarts(), 1);
}

TEST_F(SupervisorTest, AnEngineThatIsNotAnsweringGetsSigtermThenSigkillAfterTheGrace) {
  supervisor_.start(t_);  // starting: cannot be asked
  pid_t pid = supervisor_.engine_pid();
  supervisor_.stop(t_);
  EXPECT_EQ(host_.asked_to_stop, 0);
  ASSERT_EQ(host_.signals.size(), 1u);
  EXPECT_EQ(host_.signals[0], std::make_pair(pid, SIGTERM));
  EXPECT_EQ(supervisor_.node_status(), "deleting");
  supervisor_.tick(t_ + 4s);
  EXPECT_EQ(host_.signals.size(), 1u) << "within the grace";
  supervisor_.tick(t_ + 5s);
  ASSERT_EQ(host_.signals.size(), 2u);
  EXPECT_EQ(host_.signals[1], std::make_pair(pid, SIGKILL));
  supervisor_.on_exit(pid, killed_by(SIGKILL), t_ + 5s);
  EXPECT_TRUE(supervisor_.stopped());
  EXPECT_EQ(host_.starts, 1) << "a stopped engine is not restarted";
  EXPECT_TRUE(events_.empty()) << "a shutdown is no recovery";
}

TEST_F(SupervisorTest, AnEngineThatCannotBeAskedGetsSigterm) {
  start_available();
  host_.can_ask = false;
  supervisor_.stop(t_);
  EXPECT_EQ(host_.asked_to_stop, 1);
  ASSERT_EQ(host_.signals.size(), 1u);
  EXPECT_EQ(host_.signals[0].second, SIGTERM);
}

TEST_F(SupervisorTest, OtherChildrenExitingAreNotTheEngine) {
  start_available();
  supervisor_.on_exit(4242, exited_with(0), t_ + 1s);  // e.g. the maintenance cachectl
  EXPECT_EQ(supervisor_.node_status(), "available");
  EXPECT_EQ(host_.starts, 1);
  EXPECT_TRUE(events_.empty());
}

}  // namespace
}  // namespace cachectl::node
