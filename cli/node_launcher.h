// Starts node daemons, detached (double fork + setsid), and waits until each
// one serves its admin socket, so that a command that returns has left a
// daemon that answers.
#pragma once

#include <filesystem>
#include <string>

#include "core/result.h"
#include "core/state_home.h"

namespace cachectl::cli {

// $CACHECTL_NODE_BIN, else cachectl-node next to this executable, else PATH.
std::string node_binary();

core::Status launch_node(const core::StateHome& home, const std::string& cluster,
                         const std::string& node);

// A replication group's daemon (`cachectl-node --group ID`), its files in
// `dir` (core::group_dir).
core::Status launch_group_daemon(const core::StateHome& home, const std::string& group,
                                 const std::filesystem::path& dir);

}  // namespace cachectl::cli
