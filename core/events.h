// Events (DescribeEvents): an append-only TOML file of [[events]] blocks.
// Each event is one write(2) with O_APPEND, so concurrent writers (the CLI
// and every node daemon) never interleave, and a reader skips a torn block.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "core/state_home.h"

namespace cachectl::core {

struct Event {
  std::string source_identifier;
  std::string source_type;  // "cache-cluster", ...
  std::string message;
  TimePoint date;
};

struct EventFilter {
  std::optional<std::string> source_identifier;
  std::optional<std::string> source_type;
  TimePoint start;
  TimePoint end;
};

class EventLog {
 public:
  explicit EventLog(fs::path file) : file_(std::move(file)) {}
  Status append(const Event& event) const;
  // Matching events, oldest first.
  std::vector<Event> read(const EventFilter& filter) const;

 private:
  fs::path file_;
};

}  // namespace cachectl::core
