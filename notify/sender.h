// The notification sender's work (cachectl-notify, notify_main.cpp): it
// follows the event store (core/events.h) and POSTs each event that carries
// a topic to the topic's URL (core/notification_topics.h), in order for
// each topic, retrying with a growing backoff while the receiver fails.
//
// Its progress is STATE/notify/cursor (one line per segment: NAME OFFSET),
// the position before the first event not yet delivered (or given up): a
// sender killed and started again delivers from there, so an event may come
// twice, never not at all (as SNS: at least once). Kept without fsyncs: a
// cursor lost with the machine costs only redeliveries.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>

#include "core/events.h"
#include "core/state_home.h"

namespace cachectl::notify {

using SteadyTime = std::chrono::steady_clock::time_point;

struct SenderOptions {
  std::chrono::milliseconds first_backoff{250};
  std::chrono::milliseconds max_backoff{30000};
  // A delivery still failing after this long is given up (and logged).
  std::chrono::milliseconds give_up{3600 * 1000};
  // Events older than this when first read are not sent (a sender started
  // for the first time on an old home does not replay its history).
  std::chrono::hours too_old{24};
};

// POSTs `body` to `url` for `topic`; "" when the receiver took it (2xx),
// else why not.
using Post = std::function<std::string(const std::string& url, const std::string& topic,
                                       const std::string& body)>;

// What one notification POSTs: an SNS HTTP(S) notification whose Message is
// the event as DescribeEvents shows it; `id` names it (the same for every
// retry).
std::string notification_body(const core::Event& event, const std::string& id);

class Sender {
 public:
  Sender(core::StateHome home, Post post, SenderOptions options);

  // Reads what was recorded since, and tries every delivery that is due.
  // Returns how long until the next retry is due (max() when none waits).
  std::chrono::milliseconds pass(SteadyTime now);
  // Nothing read and not yet delivered.
  bool idle() const { return pending_.empty(); }
  // Whether events were recorded past what has been read.
  bool has_unread() const;

  const std::map<std::string, std::uint64_t>& cursor() const { return saved_; }

 private:
  struct Delivery {
    core::Event event;
    std::string segment;
    std::uint64_t start = 0;  // where its line begins (the cursor to keep while it waits)
    std::uint64_t end = 0;
    int attempts = 0;
    SteadyTime next_try{};
    SteadyTime first_try{};
    bool done = false;
  };
  void read_new(SteadyTime now);
  void save_cursor();

  core::StateHome home_;
  core::EventLog log_;
  Post post_;
  SenderOptions options_;
  std::map<std::string, std::uint64_t> read_;   // segment -> read up to
  std::map<std::string, std::uint64_t> saved_;  // the cursor as last written
  std::deque<Delivery> pending_;
};

}  // namespace cachectl::notify
