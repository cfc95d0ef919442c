// cachectl-node: one daemon per cache node. Serves the admin socket and
// supervises the engine from a single poll loop.
#pragma once

#include <string>

namespace cachectl::node {

struct DaemonOptions {
  std::string state_dir;
  std::string cluster;
  std::string node;
  int ready_fd = -1;  // written "ok\n" (or "error: ...\n") once serving
  // The engine its launcher started for it, our child (node/engine_start.h);
  // 0: none, the daemon starts it.
  int engine_pid = 0;
};

// Runs until shut down; returns the process exit code.
int run_daemon(const DaemonOptions& options);

}  // namespace cachectl::node
