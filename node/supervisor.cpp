#include "node/supervisor.h"

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "os/spawn.h"

namespace cachectl::node {
namespace {

using namespace std::chrono_literals;

constexpr auto kProbeInterval = 2ms;
constexpr auto kStopGrace = 5s;
constexpr auto kQuickFailure = 1s;  // an engine that dies sooner is failing to start
constexpr auto kMaxBackoff = 5s;
// Quick failures in a row after which the node shows "failed".
constexpr int kFailedAfter = 3;

std::string binary_name(const std::vector<std::string>& argv) {
  if (argv.empty()) return "engine";
  auto slash = argv[0].rfind('/');
  return slash == std::string::npos ? argv[0] : argv[0].substr(slash + 1);
}

}  // namespace

using os::describe_wait_status;

Supervisor::Supervisor(SupervisorConfig config, EngineHost& host, EventSink events)
    : config_(std::move(config)), host_(host), events_(std::move(events)) {}

void Supervisor::spawn(SteadyTime now, const EngineLaunch* composed) {
  if (starts_ > 0 && why_ == Why::kRecovery && config_.hold && config_.hold()) {
    state_ = State::kBackoff;
    next_action_ = now + 100ms;
    return;
  }
  EngineLaunch launch = composed ? *composed : config_.launch();
  std::string error;
  pid_ = host_.start(launch, error);
  started_at_ = now;
  ++starts_;
  if (pid_ < 0) {
    last_error_ = error;
    state_ = State::kBackoff;
    next_action_ = now + std::min<std::chrono::steady_clock::duration>(
                             100ms * (1 << std::min(quick_failures_, 6)), kMaxBackoff);
    ++quick_failures_;
    return;
  }
  state_ = State::kStarting;
  next_action_ = now;
}

void Supervisor::start(SteadyTime now) {
  stop_requested_ = false;
  spawn(now);
}

void Supervisor::adopt(pid_t pid, SteadyTime now) {
  stop_requested_ = false;
  // Composed as for a start (the launch also tells the daemon's parts what
  // the engine runs with), then compared with what was started.
  EngineLaunch launch = config_.launch();
  if (!host_.adopt(pid, launch)) {
    host_.signal(pid, SIGKILL);  // reaped by the daemon's loop, not ours
    spawn(now, &launch);
    return;
  }
  pid_ = pid;
  started_at_ = now;
  ++starts_;
  state_ = State::kStarting;
  next_action_ = now;
}

void Supervisor::on_exit(pid_t pid, int ws, SteadyTime now) {
  if (pid != pid_) return;
  pid_ = -1;
  if (stop_requested_) {
    state_ = State::kStopped;
    return;
  }
  if (state_ == State::kStopping) {  // a reboot: start again at once
    spawn(now);
    return;
  }
  if (restoring_ && !ever_available_) {
    restore_failed(binary_name(config_.launch().argv) + " " + describe_wait_status(ws) +
                   " while loading the data to restore (see " +
                   (config_.dir / "engine.log").string() + ")");
    return;
  }
  // The engine died by itself: ElastiCache calls this recovery.
  std::string what = binary_name(config_.launch().argv) + " (pid " + std::to_string(pid) + ") " +
                     describe_wait_status(ws);
  last_error_ = what;
  // One event per episode, however many attempts it takes (an engine that
  // cannot start must not flood the event log).
  if (why_ != Why::kRecovery) {
    events_("Recovering cache nodes " + config_.node_id + ": " + what);
  }
  why_ = Why::kRecovery;
  ++restarts_;
  if (now - started_at_ < kQuickFailure) {
    ++quick_failures_;
  } else {
    quick_failures_ = 0;
  }
  if (quick_failures_ == 0) {
    spawn(now);
  } else {
    state_ = State::kBackoff;
    next_action_ = now + std::min<std::chrono::steady_clock::duration>(
                             100ms * (1 << std::min(quick_failures_ - 1, 6)), kMaxBackoff);
  }
}

void Supervisor::tick(SteadyTime now) {
  if (now < next_action_) return;
  switch (state_) {
    case State::kStarting:
      // Nothing more is due until the answer comes (the host's probe has
      // its own deadline).
      next_action_ = SteadyTime::max();
      host_.probe(
          [this, start = starts_](bool answered, SteadyTime at) { on_probe(start, answered, at); });
      break;
    case State::kBackoff:
      spawn(now);
      break;
    case State::kStopping:
      // The engine ignored SIGTERM for too long.
      if (now >= stop_deadline_ && pid_ > 0) host_.signal(pid_, SIGKILL);
      next_action_ = now + 100ms;
      break;
    case State::kAvailable:
    case State::kStopped:
    case State::kRestoreFailed:
      next_action_ = SteadyTime::max();
      break;
  }
}

void Supervisor::engine_says_ready(SteadyTime now) {
  // While a probe is out, next_action_ is max: its answer is on its way.
  if (state_ == State::kStarting && next_action_ != SteadyTime::max()) next_action_ = now;
}

void Supervisor::on_probe(int start, bool answered, SteadyTime now) {
  // An answer about an engine since replaced, or one being stopped, says
  // nothing about the current one.
  if (start != starts_ || state_ != State::kStarting) return;
  if (!answered) {
    next_action_ = now + kProbeInterval;
    return;
  }
  state_ = State::kAvailable;
  next_action_ = SteadyTime::max();
  quick_failures_ = 0;
  if (why_ == Why::kRecovery) {
    events_("Finished recovery for cache nodes " + config_.node_id);
  } else if (why_ == Why::kReboot) {
    events_("Cache node " + config_.node_id + " restarted");
  }
  why_ = Why::kNone;
  ever_available_ = true;
}

SteadyTime Supervisor::next_deadline(SteadyTime now) const {
  if (state_ == State::kAvailable || state_ == State::kStopped || state_ == State::kRestoreFailed)
    return SteadyTime::max();
  return std::max(now, next_action_);
}

void Supervisor::restore_failed(const std::string& why) {
  state_ = State::kRestoreFailed;
  last_error_ = why;
  events_("Restore failed for cache node " + config_.node_id + ": " + why);
}

void Supervisor::reboot(SteadyTime now) {
  if (stop_requested_) return;
  why_ = Why::kReboot;
  ++restarts_;
  if (pid_ > 0) {
    terminate(now);
  } else {
    spawn(now);
  }
}

void Supervisor::terminate(SteadyTime now) {
  // An answering engine stops by its own immediate shutdown; one that is
  // starting, loading or stuck gets SIGTERM; SIGKILL after the grace.
  bool asked = state_ == State::kAvailable && host_.ask_to_stop();
  state_ = State::kStopping;
  stop_deadline_ = now + kStopGrace;
  next_action_ = stop_deadline_;
  if (!asked) host_.signal(pid_, SIGTERM);
}

void Supervisor::stop(SteadyTime now) {
  stop_requested_ = true;
  if (state_ == State::kRestoreFailed) state_ = State::kStopped;
  if (pid_ > 0) {
    if (state_ != State::kStopping) terminate(now);
  } else {
    state_ = State::kStopped;
  }
}

std::string Supervisor::node_status() const {
  if (stop_requested_) return "deleting";
  switch (state_) {
    case State::kAvailable:
      return "available";
    case State::kStarting:
      if (quick_failures_ >= kFailedAfter) return "failed";
      return ever_available_ || why_ != Why::kNone ? "rebooting" : "creating";
    case State::kBackoff:
      // An engine that keeps dying at start is failed (still retried): a
      // cluster that cannot run must stay deletable.
      if (quick_failures_ >= kFailedAfter) return "failed";
      return ever_available_ ? "rebooting" : "creating";
    case State::kStopping:
      return "rebooting";
    case State::kStopped:
      return "deleting";
    case State::kRestoreFailed:
      return "restore-failed";
  }
  return "creating";
}

}  // namespace cachectl::node
