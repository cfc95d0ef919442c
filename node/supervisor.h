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

// What the supervisor does to the world, behind one small interface so that
// its restart, backoff and restore-failed logic is tested with a fake
// (tests/unit/supervisor_test.cpp), as ninja tests its builder against a
// fake disk. The daemon's implementation is node/engine_host.cpp.
class EngineHost {
 public:
  virtual ~EngineHost() = default;
  // Writes the launch's configuration file and starts the engine: its pid,
  // or -1 with `error` set.
  virtual pid_t start(const EngineLaunch& launch, std::string& error) = 0;
  // The engine `pid`, started before the daemon ran by its launcher
  // (node/engine_start.h): true if it was started with `launch` (then it is
  // the engine); false if not (then it is stopped and started again).
  virtual bool adopt(pid_t pid, const EngineLaunch& launch) = 0;
  virtual void signal(pid_t pid, int signal) = 0;
  // Asks an answering engine to stop at once by its own means (Redis: the
  // renamed SHUTDOWN NOSAVE); false when it cannot be asked (then SIGTERM).
  virtual bool ask_to_stop() = 0;
  // Asks whether the engine answers (a PING), while it starts, without
  // waiting for it: `done` runs later, from the daemon's loop, never from
  // inside probe(). start() drops a probe in flight (its `done` never runs).
  using ProbeDone = std::function<void(bool answered, SteadyTime now)>;
  virtual void probe(ProbeDone done) = 0;
};

struct SupervisorConfig {
  std::string node_id;
  std::filesystem::path dir;  // the node's directory
  // Called before every start, so that a reboot picks up a changed record.
  std::function<EngineLaunch()> launch;
  // Asked before every restart after the engine died by itself (recovery,
  // not a reboot): true keeps the engine down for
  // now (asked again 100 ms later), with no event and no back-off. A
  // replication group's primary that died waits so for Sentinel to promote
  // a replica, instead of coming back empty and wiping the replicas.
  std::function<bool()> hold;
};

class Supervisor {
 public:
  using EventSink = std::function<void(const std::string& message)>;
  Supervisor(SupervisorConfig config, EngineHost& host, EventSink events);

  void start(SteadyTime now);
  // The first start was made by the daemon's launcher (engine `pid`, our
  // child): taken as this start when it was made with what start() would
  // use, else that engine is killed and start() does it again.
  void adopt(pid_t pid, SteadyTime now);
  // The first start loads data given by the user (a snapshot or an RDB file):
  // if the engine dies before it ever answers, the data is bad and the node
  // is "restore-failed" instead of being restarted.
  void expect_restore() { restoring_ = true; }
  // Gives up before starting: the data to restore could not be had.
  void restore_failed(const std::string& why);
  void on_exit(pid_t pid, int wait_status, SteadyTime now);
  // Probes a starting engine (asks, and is told later: nothing is due
  // while a probe is out) and restarts after backoff; call at least by
  // next_deadline().
  void tick(SteadyTime now);
  SteadyTime next_deadline(SteadyTime now) const;
  // The engine said it is ready (node/ready_notice.h): a starting engine
  // waiting for its next probe is probed now.
  void engine_says_ready(SteadyTime now);

  void reboot(SteadyTime now);
  void stop(SteadyTime now);  // for shutdown: the engine is stopped and not restarted

  // The API's CacheNodeStatus: creating, available, rebooting or deleting.
  std::string node_status() const;
  bool stopped() const { return state_ == State::kStopped; }
  pid_t engine_pid() const { return pid_; }
  int restarts() const { return restarts_; }
  // Every start so far (a new engine process: the daemon's engine
  // connection must reconnect).
  int starts() const { return starts_; }
  const std::string& last_error() const { return last_error_; }

 private:
  enum class State { kStarting, kAvailable, kStopping, kBackoff, kStopped, kRestoreFailed };
  enum class Why { kNone, kReboot, kRecovery };

  // `composed`: the launch, already asked of config_.launch.
  void spawn(SteadyTime now, const EngineLaunch* composed = nullptr);
  void terminate(SteadyTime now);
  // The answer to the probe of the engine of start number `start`.
  void on_probe(int start, bool answered, SteadyTime now);

  SupervisorConfig config_;
  EngineHost& host_;
  EventSink events_;
  State state_ = State::kStopped;
  Why why_ = Why::kNone;  // why the engine is (re)starting
  bool ever_available_ = false;
  bool stop_requested_ = false;
  bool restoring_ = false;
  pid_t pid_ = -1;
  int restarts_ = 0;
  int starts_ = 0;
  int quick_failures_ = 0;
  SteadyTime started_at_{};
  SteadyTime next_action_{};
  SteadyTime stop_deadline_{};
  std::string last_error_;
};

}  // namespace cachectl::node
