// What every operation handler gets: the state home and its registry, the
// event log, the clock, the region, and a client for the admin sockets.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/admin_client.h"
#include "cli/command_line.h"
#include "core/clock.h"
#include "core/events.h"
#include "core/registry.h"

namespace cachectl::cli {

struct Context {
  Context(core::StateHome home, GlobalOptions global, std::string region)
      : registry(home),
        events(home.events_file()),
        global(std::move(global)),
        region(std::move(region)) {}

  const core::StateHome& home() const { return registry.home(); }
  AdminClient& admin() {
    if (!admin_) admin_ = std::make_unique<AdminClient>();
    return *admin_;
  }
  // An event that cannot be written is not dropped silently: the first
  // failure is kept, and the command reports it (exit 253) once done.
  void record_event(const std::string& source_id, const std::string& message) {
    auto err = events.append({source_id, "cache-cluster", message, clock.now()});
    if (err && !event_error) event_error = err;
  }
  void record_group_event(const std::string& group_id, const std::string& message) {
    auto err = events.append({group_id, "replication-group", message, clock.now()});
    if (err && !event_error) event_error = err;
  }
  core::Status event_error;

  // A waiter's long poll (cli/node_status.cpp): when status_wait is set, a
  // node last seen in a passing status ("creating", "rebooting", ...) is
  // asked for its status once it changes, up to status_wait, rather than as
  // it is now. next_look_waits says the next look will wait so (a node
  // was seen in a passing status), so that the waiter need not sleep.
  std::chrono::milliseconds status_wait{0};
  std::map<std::string, std::string> last_status;  // admin socket -> status
  bool next_look_waits = false;

  core::Registry registry;
  core::EventLog events;
  core::SystemClock clock;
  GlobalOptions global;
  std::string region;

 private:
  std::unique_ptr<AdminClient> admin_;
};

// An operation: the API request in, the API response (or error) out.
using Handler = core::Result<nlohmann::json> (*)(Context&, const nlohmann::json& request);

// nullptr when cachectl does not implement the operation (yet).
Handler find_handler(const std::string& api_operation);

}  // namespace cachectl::cli
