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
};

// Runs until shut down; returns the process exit code.
int run_daemon(const DaemonOptions& options);

}  // namespace cachectl::node
