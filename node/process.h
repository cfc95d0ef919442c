// Starting and stopping the engine process: the one place the node daemon
// forks.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace cachectl::node {

// Starts argv[0] (looked up on PATH) in `dir`, with standard output and
// error appended to `log`. The child dies with the daemon (PR_SET_PDEATHSIG),
// so a daemon killed with SIGKILL never leaves its engine behind.
// Returns the pid, or -1 with errno set.
pid_t spawn_engine(const std::vector<std::string>& argv, const std::filesystem::path& dir,
                   const std::filesystem::path& log);

}  // namespace cachectl::node
