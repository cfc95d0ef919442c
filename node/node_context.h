// What every part of a node daemon shares: which node it is, the state home
// it reads and writes, its clock and event log, and the names under which it
// reaches the engine's restricted commands (core/restricted_commands.h).
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/cluster.h"
#include "core/events.h"
#include "core/registry.h"
#include "core/restricted_commands.h"
#include "core/snapshots.h"
#include "core/state_home.h"
#include "node/daemon.h"
#include "os/notify_start.h"

namespace cachectl::node {

// Records an event from a daemon: one with a topic starts cachectl-notify if
// need be; one that cannot be recorded goes to node.log (our stderr).
inline void record_daemon_event(const core::EventLog& log, const core::StateHome& home,
                                const core::Event& event) {
  if (auto err = log.append(event))
    std::fprintf(stderr, "%s (event: %s)\n", err->message.c_str(), event.message.c_str());
  else if (!event.topic.empty())
    os::start_notification_sender(home.root());
}

struct NodeContext {
  DaemonOptions options;
  core::StateHome home;
  mutable core::Registry registry;  // updates take its lock; nothing else changes
  core::EventLog events;
  core::SnapshotStore store;
  std::unique_ptr<core::Clock> clock;
  bool fake_clock = false;  // $CACHECTL_FAKE_CLOCK: the schedule is checked often
  std::string engine;       // "redis" | "memcached"
  core::CacheNodeRecord node;
  std::filesystem::path dir;  // the node's directory
  std::string command_key;    // the secret of the renamed commands

  // An event of this node's cluster, with the cluster's notification topic
  // when it is active.
  void record_event(const std::string& message) const {
    auto record = registry.get(options.cluster);
    record_daemon_event(events, home,
                        {options.cluster, "cache-cluster", message, clock->now(),
                         record ? record->active_topic() : ""});
  }
  // The engine's name for a restricted command the daemon uses.
  std::string command(std::string_view name) const {
    return core::renamed_command(name, command_key);
  }
};

}  // namespace cachectl::node
