// Events (DescribeEvents): an append-only TOML file of [[events]] blocks.
// Each event is one write(2) with O_APPEND, so concurrent writers (the CLI
// and every node daemon) never interleave. A block that cannot be read is an
// error naming the file and its line, never skipped: nothing is dropped
// silently, on either side.
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

// The events of a file's text (the whole of EventLog::read but the file).
Result<std::vector<Event>> parse_events(std::string_view text, std::string_view origin,
                                        const EventFilter& filter);

class EventLog {
 public:
  explicit EventLog(fs::path file) : file_(std::move(file)) {}
  // InvalidConfiguration naming the file when the event cannot be written
  // whole.
  [[nodiscard]] Status append(const Event& event) const;
  // Matching events, oldest first; RegistryFileInvalid naming the file and
  // line of a block that cannot be read.
  [[nodiscard]] Result<std::vector<Event>> read(const EventFilter& filter) const;
  const fs::path& file() const { return file_; }

 private:
  fs::path file_;
};

}  // namespace cachectl::core
