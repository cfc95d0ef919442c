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
#include "core/replication_group.h"

namespace cachectl::cli {

struct Context {
  Context(core::StateHome home, GlobalOptions global, std::string region)
      : registry(home),
        events(home.events_dir()),
        global(std::move(global)),
        region(std::move(region)) {}

  const core::StateHome& home() const { return registry.home(); }
  AdminClient& admin() {
    if (!admin_) admin_ = std::make_unique<AdminClient>();
    return *admin_;
  }
  // Events. An event that cannot be written is not dropped silently: the
  // first failure is kept, and the command reports it (exit 253) once done.
  // An event of a source whose notification topic is active carries the
  // topic, and cachectl-notify is started to deliver it (cli/context.cpp).
  // A cluster's event (its topic read from its record, when it still has one).
  void record_event(const std::string& cluster_id, const std::string& message);
  // Several events of one cluster, in this order, as one write.
  void record_events(const core::CacheClusterRecord& cluster,
                     const std::vector<std::string>& messages);
  void record_group_event(const std::string& group_id, const std::string& message);
  void record_group_event(const core::ReplicationGroupRecord& group, const std::string& message);
  // An event of another source type (cache-parameter-group, ...): no topic.
  void record_source_event(const std::string& source_type, const std::string& id,
                           const std::string& message);
  void record(const std::vector<core::Event>& events);
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
