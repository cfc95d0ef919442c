// Events (DescribeEvents): STATE/events/, one append-only segment file per
// hour of event time (2026-12-04T22.events), each event one line of JSON.
//
// What it promises:
// - Every writer (the CLI, node daemons, group daemons) appends with one
//   write(2) of O_APPEND, so concurrent writers never interleave; the
//   write starts with a newline, so a line torn by a dying writer (or a
//   power cut) stays a line of its own: it is skipped by readers and never
//   swallows the next event.
// - A query reads only the segments its time window overlaps, newest
//   first, from their ends backwards, and stops once its page is full:
//   `describe-events --duration 60` costs the same with 100 events or
//   100,000 (bench/events.sh).
// - Events are kept 14 days, as on ElastiCache: a writer that starts a new
//   segment removes the segments that have left the retention window, and
//   readers never return older events.
// - Files are owner-only (0600, folder 0700), created O_NOFOLLOW.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "core/state_home.h"

namespace cachectl::core {

// How long events are kept (ElastiCache keeps them 14 days).
inline constexpr auto kEventRetention = std::chrono::hours(24 * 14);

struct Event {
  Event() = default;
  Event(std::string id, std::string type, std::string text, TimePoint when,
        std::string topic_arn = "")
      : source_identifier(std::move(id)),
        source_type(std::move(type)),
        message(std::move(text)),
        date(when),
        topic(std::move(topic_arn)) {}

  std::string source_identifier;
  std::string source_type;  // the API's SourceType: "cache-cluster", ...
  std::string message;
  TimePoint date;
  // The notification topic ARN of the source when the event was recorded
  // ("" = none, or notifications inactive): cachectl-notify delivers it.
  std::string topic;
};

// One event as a line of the store (without its newline), and back:
// nullopt for a line that is not a whole event (torn, or garbage).
std::string event_line(const Event& event);
std::optional<Event> parse_event_line(std::string_view line);

struct EventQuery {
  std::optional<std::string> source_identifier;
  std::optional<std::string> source_type;
  TimePoint start;
  TimePoint end;
  std::size_t max_records = 100;
  std::string marker;  // where the previous page stopped ("" = the newest)
  // Events older than this are never returned (now less the retention).
  TimePoint oldest_kept{};
};

struct EventPage {
  std::vector<Event> events;  // newest first
  std::string marker;         // "" when there are no more
};

// An event with the position after its line in its segment.
struct PositionedEvent {
  Event event;
  std::uint64_t end = 0;
};

class EventLog {
 public:
  explicit EventLog(fs::path dir) : dir_(std::move(dir)) {}
  const fs::path& dir() const { return dir_; }

  // InvalidConfiguration naming the file when the events cannot be written
  // whole. Several events of one hour are one write (and one fdatasync).
  [[nodiscard]] Status append(const Event& event) const { return append(std::vector{event}); }
  [[nodiscard]] Status append(const std::vector<Event>& events) const;

  // A page of matching events, newest first (in the order they were
  // recorded); InvalidParameterValue for a marker this store did not give.
  [[nodiscard]] Result<EventPage> newest_first(const EventQuery& query) const;

  // The segments' names, ascending (oldest hour first).
  std::vector<std::string> segments() const;
  // The whole events of segment `name` from byte `offset` on, oldest first.
  // A last line that is not a whole event may be a write in progress: it is
  // not passed (read again next time); a broken line before it is skipped.
  [[nodiscard]] Result<std::vector<PositionedEvent>> read_from(const std::string& name,
                                                               std::uint64_t offset) const;

 private:
  fs::path dir_;
};

}  // namespace cachectl::core
