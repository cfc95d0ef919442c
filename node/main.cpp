// cachectl-node --state-dir DIR --cluster ID --node 0001 [--ready-fd N]
//               --state-dir DIR --group ID [--cluster-manager] [--ready-fd N]
// Started by cachectl (detached); not meant to be run by hand, though it
// can be, in the foreground, for debugging.
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/cluster.h"
#include "node/cluster_manager.h"
#include "node/config_endpoint.h"
#include "node/daemon.h"
#include "node/group_daemon.h"

int main(int argc, char** argv) {
  // The node's files (redis.conf with the auth token, the engine's RDB and
  // logs, which the engine inherits this from) are the owner's only.
  ::umask(077);
  CLI::App app{"cachectl-node: runs and supervises one cache node's engine"};
  cachectl::node::DaemonOptions o;
  app.add_option("--state-dir", o.state_dir, "the state home")->required();
  std::string group;
  auto* cluster = app.add_option("--cluster", o.cluster, "cache cluster id");
  auto* node = app.add_option("--node", o.node,
                              "cache node id, e.g. 0001, or cfg for the configuration endpoint");
  auto* group_option =
      app.add_option("--group", group, "replication group id: run the group's daemon");
  group_option->excludes(cluster)->excludes(node);
  cluster->needs(node);
  bool cluster_manager = false;
  app.add_flag("--cluster-manager", cluster_manager,
               "with --group: run the group's cluster manager (the group daemon starts it)")
      ->needs(group_option);
  app.add_option("--ready-fd", o.ready_fd, "descriptor to report readiness on");
  app.add_option("--engine-pid", o.engine_pid,
                 "the engine the launcher started for this node (our child); 0 for none")
      ->needs(node);
  CLI11_PARSE(app, argc, argv);
  if (group.empty() && (o.cluster.empty() || o.node.empty())) {
    std::fprintf(stderr, "cachectl-node: give --cluster and --node, or --group\n");
    return 2;
  }
  // A daemon keeps no directory busy (a mount it was started from can be
  // unmounted): it works from / with absolute paths.
  std::error_code ec;
  o.state_dir = std::filesystem::absolute(o.state_dir, ec).string();
  if (ec || ::chdir("/") != 0) {
    std::fprintf(stderr, "cachectl-node: cannot work from /: %s\n", std::strerror(errno));
    return 1;
  }
  if (!group.empty()) {
    o.cluster = group;
    if (cluster_manager) return cachectl::node::run_cluster_manager(o);
    return cachectl::node::run_group_daemon(o);
  }
  if (o.node == cachectl::core::kConfigEndpointId) return cachectl::node::run_config_endpoint(o);
  return cachectl::node::run_daemon(o);
}
