// The maintenance window's Memcached node count change. Adding or removing
// nodes claims addresses and starts or stops node daemons: that is
// modify-cache-cluster's work (cli/), so the scheduler runs that command
// rather than doing it a second way.
#pragma once

#include <string>
#include <vector>

#include "core/files.h"

namespace cachectl::node {

// Starts, without waiting, `cachectl wait cache-cluster-available` and then
// `cachectl modify-cache-cluster --num-cache-nodes N [--cache-node-ids-to-remove
// ...] --apply-immediately` for `cluster`, with the `cachectl` next to this
// program; its output goes to `log`. Returns the child's pid, or -1.
int start_node_count_change(const std::string& state_dir, const std::string& cluster, int count,
                            const std::vector<std::string>& remove, const core::fs::path& log);

}  // namespace cachectl::node
