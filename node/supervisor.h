// Keeps one engine process running: starts it, notices when it answers,
// restarts it when it dies (with backoff if it keeps dying), and reboots or
// stops it on request. Owns the engine's lifecycle and the node's status.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>

#include "node/engine_config.h"

namespace cachectl::node {

using SteadyTime = std::chrono::steady_clock::time_point;

struct SupervisorConfig {
  std::string engine;  // "redis" | "memcached"
  std::string node_id;
  std::string address;
  int port = 0;
  std::string auth_token;
  std::filesystem::path dir;  // the node's directory
  // Called before every start, so that a reboot picks up a changed record.
  std::function<EngineLaunch()> launch;
};

class Supervisor {
 public:
  using EventSink = std::function<void(const std::string& message)>;
  Supervisor(SupervisorConfig config, EventSink events);

  void start(SteadyTime now);
  // The first start loads data given by the user (a snapshot or an RDB file):
  // if the engine dies before it ever answers, the data is bad and the node
  // is "restore-failed" instead of being restarted.
  void expect_restore() { restoring_ = true; }
  // Gives up before starting: the data to restore could not be had.
  void restore_failed(const std::string& why);
  void on_exit(pid_t pid, int wait_status, SteadyTime now);
  // Probes a starting engine and restarts after backoff; call at least by
  // next_deadline().
  void tick(SteadyTime now);
  SteadyTime next_deadline(SteadyTime now) const;

  void reboot(SteadyTime now);
  void stop();  // for shutdown: the engine is stopped and not restarted

  // The API's CacheNodeStatus: creating, available, rebooting or deleting.
  std::string node_status() const;
  bool stopped() const { return state_ == State::kStopped; }
  pid_t engine_pid() const { return pid_; }
  int restarts() const { return restarts_; }
  const std::string& last_error() const { return last_error_; }

 private:
  enum class State { kStarting, kAvailable, kStopping, kBackoff, kStopped, kRestoreFailed };
  enum class Why { kNone, kReboot, kRecovery };

  void spawn(SteadyTime now);

  SupervisorConfig config_;
  EventSink events_;
  State state_ = State::kStopped;
  Why why_ = Why::kNone;  // why the engine is (re)starting
  bool ever_available_ = false;
  bool stop_requested_ = false;
  bool restoring_ = false;
  pid_t pid_ = -1;
  int restarts_ = 0;
  int quick_failures_ = 0;
  SteadyTime started_at_{};
  SteadyTime next_action_{};
  SteadyTime stop_deadline_{};
  std::string last_error_;
};

// "killed by signal 9", "exited with status 1".
std::string describe_wait_status(int wait_status);

}  // namespace cachectl::node
