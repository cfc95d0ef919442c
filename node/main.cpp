// cachectl-node --state-dir DIR --cluster ID --node 0001 [--ready-fd N]
// Started by cachectl (detached); not meant to be run by hand, though it
// can be, in the foreground, for debugging.
#include <sys/stat.h>

#include <CLI/CLI.hpp>

#include "core/cluster.h"
#include "node/config_endpoint.h"
#include "node/daemon.h"

int main(int argc, char** argv) {
  // The node's files (redis.conf with the auth token, the engine's RDB and
  // logs, which the engine inherits this from) are the owner's only.
  ::umask(077);
  CLI::App app{"cachectl-node: runs and supervises one cache node's engine"};
  cachectl::node::DaemonOptions o;
  app.add_option("--state-dir", o.state_dir, "the state home")->required();
  app.add_option("--cluster", o.cluster, "cache cluster id")->required();
  app.add_option("--node", o.node,
                 "cache node id, e.g. 0001, or cfg for the configuration endpoint")
      ->required();
  app.add_option("--ready-fd", o.ready_fd, "descriptor to report readiness on");
  CLI11_PARSE(app, argc, argv);
  if (o.node == cachectl::core::kConfigEndpointId) return cachectl::node::run_config_endpoint(o);
  return cachectl::node::run_daemon(o);
}
