// Time comes through a Clock so that windows and retention can be tested
// without waiting (ninja's habit: one real implementation, one for tests).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace cachectl::core {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

// A clock that only moves when told to.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start) : now_(start) {}
  TimePoint now() const override { return now_; }
  void advance(std::chrono::system_clock::duration d) { now_ += d; }
  void set(TimePoint t) { now_ = t; }

 private:
  TimePoint now_;
};

}  // namespace cachectl::core

namespace cachectl::core {

// Reads "now" from a file holding an ISO 8601 time, so that tests can move
// the clock of running daemons (maintenance and backup windows) without
// waiting. While the file is missing or bad it keeps the last time it read
// (a writer that truncates then writes must not send the clock to today's
// date for one read); before any good read it is the system clock.
class FileClock final : public Clock {
 public:
  explicit FileClock(std::string path) : path_(std::move(path)) {}
  TimePoint now() const override;

 private:
  std::string path_;
  mutable std::optional<TimePoint> last_;
};

// FileClock when $CACHECTL_FAKE_CLOCK names a file, else SystemClock.
std::unique_ptr<Clock> clock_from_environment();

}  // namespace cachectl::core
