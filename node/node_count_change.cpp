#include "node/node_count_change.h"

#include "os/spawn.h"

namespace cachectl::node {

int start_node_count_change(const std::string& state_dir, const std::string& cluster, int count,
                            const std::vector<std::string>& remove, const core::fs::path& log) {
  const std::string cachectl = core::companion_program("cachectl");
  // The cluster may be modifying (a node type change of the same window):
  // wait for it, then change the node list.
  const char* script =
      "\"$0\" --state-dir \"$1\" wait cache-cluster-available --cache-cluster-id \"$2\" && "
      "exec \"$0\" --state-dir \"$1\" modify-cache-cluster --cache-cluster-id \"$2\" "
      "--num-cache-nodes \"$3\" --apply-immediately ${4:+--cache-node-ids-to-remove $4}";
  std::string ids;
  for (const auto& id : remove) ids += (ids.empty() ? "" : " ") + id;
  const std::string n = std::to_string(count);
  // Its own session (a signal to the daemon's group is not for it), output
  // to the log, nothing else of the daemon's.
  os::SpawnOptions o;
  o.argv = {"/bin/sh", "-c", script, cachectl, state_dir, cluster, n, ids};
  o.log = log;
  o.new_session = true;
  return os::spawn(o).pid;
}

}  // namespace cachectl::node
