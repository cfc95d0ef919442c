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

namespace cachectl::node {

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

  void record_event(const std::string& message) const {
    // An event that cannot be recorded goes to node.log (our stderr) instead.
    if (auto err = events.append({options.cluster, "cache-cluster", message, clock->now()}))
      std::fprintf(stderr, "%s (event: %s)\n", err->message.c_str(), message.c_str());
  }
  // The engine's name for a restricted command the daemon uses.
  std::string command(std::string_view name) const {
    return core::renamed_command(name, command_key);
  }
};

}  // namespace cachectl::node
