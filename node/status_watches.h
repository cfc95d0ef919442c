// Requests for the node's status once it changes (POST /v1/status/change:
// a waiter's long poll), held until the status is no longer what the asker
// saw or its wait is over. The daemon's loop offers them the current status
// after every round of work.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "node/admin_server.h"

namespace cachectl::node {

using SteadyTime = std::chrono::steady_clock::time_point;

class StatusWatches {
 public:
  void add(RequestId id, std::string from, SteadyTime deadline);
  // Answers (with `answer`) every watch whose status changed from what it
  // saw, or whose wait is over; keeps the others.
  void offer(const std::string& status, SteadyTime now,
             const std::function<void(RequestId)>& answer);
  // The earliest wait to end (max when none).
  SteadyTime next_deadline() const;
  bool empty() const { return watches_.empty(); }

 private:
  struct Watch {
    RequestId id;
    std::string from;
    SteadyTime deadline;
  };
  std::vector<Watch> watches_;
};

}  // namespace cachectl::node
