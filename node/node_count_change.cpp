#include "node/node_count_change.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

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
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  // The child: its own session (a signal to the daemon's group is not for
  // it), output to the log, nothing else of the daemon's.
  ::setsid();
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::signal(SIGPIPE, SIG_DFL);
  int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  int in = ::open("/dev/null", O_RDONLY);
  if (out >= 0) {
    ::dup2(out, 1);
    ::dup2(out, 2);
  }
  if (in >= 0) ::dup2(in, 0);
  ::execl("/bin/sh", "sh", "-c", script, cachectl.c_str(), state_dir.c_str(), cluster.c_str(),
          n.c_str(), ids.c_str(), static_cast<char*>(nullptr));
  ::_exit(127);
}

}  // namespace cachectl::node
