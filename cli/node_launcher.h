// Starts node daemons, detached (double fork + setsid), and waits until each
// one serves its admin socket, so that a command that returns has left a
// daemon that answers.
#pragma once

#include <filesystem>
#include <string>

#include "core/cluster.h"
#include "core/result.h"
#include "core/state_home.h"

namespace cachectl::cli {

// $CACHECTL_NODE_BIN, else cachectl-node next to this executable, else PATH.
std::string node_binary();

core::Status launch_node(const core::StateHome& home, const std::string& cluster,
                         const std::string& node);

// A daemon started and not yet heard from: launch_node in two halves, so
// that a caller starting several daemons, or with work of its own to do
// meanwhile, need not wait for each before the next.
class PendingDaemon {
 public:
  PendingDaemon(int ready_fd, std::string log, std::string what)
      : ready_fd_(ready_fd), log_(std::move(log)), what_(std::move(what)) {}
  PendingDaemon(PendingDaemon&& other) noexcept;
  PendingDaemon& operator=(PendingDaemon&&) = delete;
  PendingDaemon(const PendingDaemon&) = delete;
  ~PendingDaemon();
  // Until the daemon serves its admin socket (its "ok"), or why it did not.
  core::Status wait();

 private:
  int ready_fd_;
  std::string log_;
  std::string what_;
};
// `record`: the cluster's record, given for a node's first start (a create):
// when the node's engine needs nothing of its daemon before it starts
// (node/engine_start.h), it is started here, as the daemon's child, just
// before the daemon, which adopts it.
core::Result<PendingDaemon> start_node(const core::StateHome& home, const std::string& cluster,
                                       const std::string& node,
                                       const core::CacheClusterRecord* record = nullptr);

// A replication group's daemon (`cachectl-node --group ID`), its files in
// `dir` (core::group_dir).
core::Status launch_group_daemon(const core::StateHome& home, const std::string& group,
                                 const std::filesystem::path& dir);

}  // namespace cachectl::cli
