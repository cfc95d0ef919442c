// How a node's engine is started: by its daemon (node/engine_host.cpp) or,
// for the first start of a new node, by the command that launches the
// daemon, just before the daemon's own start (cli/node_launcher.cpp), so
// that the engine's start, the longest step of a create, begins ~1 ms
// sooner. Either way the launch, its file and its process are made here.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "core/cluster.h"
#include "core/result.h"
#include "core/state_home.h"
#include "node/engine_config.h"
#include "os/spawn.h"

namespace cachectl::node {

// The engine's process: in the node's directory `dir`, output appended to
// engine.log, its own process group, dying with its parent (even one
// killed with SIGKILL).
os::SpawnOptions engine_spawn_options(const EngineLaunch& launch, const std::filesystem::path& dir);

// Writes the launch's configuration file (owner-only: redis.conf names the
// secret command names); nothing when it has none.
bool write_engine_config(const EngineLaunch& launch, std::string& error);

// The values of the cluster's parameter group, as the engine is started
// with them.
core::Result<GroupValues> parameter_group_values(const core::StateHome& home,
                                                 const core::CacheClusterRecord& record);

// Who may use a Redis engine (its users, its private Unix socket): the part
// of engine_security() (node/engine_security.h) that needs no certificate.
core::Result<EngineSecurity> engine_access(const core::StateHome& home,
                                           const core::CacheClusterRecord& record,
                                           const core::CacheNodeRecord& node,
                                           const std::string& command_key);

// The launch of node `node_id`'s first start when its launcher may start the
// engine: a Redis node outside any replication group, without transit
// encryption (certificates are the daemon's) or data to restore (placed by
// the daemon first), whose parameter group and users can be read. nullopt
// otherwise: the daemon starts it. Creates the node's data directory and
// command key, and writes the configuration file.
std::optional<EngineLaunch> early_engine_launch(const core::StateHome& home,
                                                const core::CacheClusterRecord& record,
                                                const std::string& node_id);

}  // namespace cachectl::node
