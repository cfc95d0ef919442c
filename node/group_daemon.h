// cachectl-node --group ID: the daemon of a replication group (cluster mode
// disabled). It runs Redis Sentinel (automatic failover on) as its engine,
// follows Sentinel's choice of primary into the group's record (and tells
// the other members to follow the new primary at once), and restarts
// members whose daemon
// died: at once when failover is off (the group waits for its primary), and
// for a dead primary with failover on only once Sentinel has promoted a
// replica, so that the old primary rejoins as a replica and not as an empty
// primary the replicas would copy.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "node/daemon.h"
#include "node/tls_certificates.h"

namespace cachectl::node {

int run_group_daemon(const DaemonOptions& options);

// Sentinel's configuration for a group whose primary is at
// `primary_address`:`port` (pure, for tests). `command_key` names the
// members' renamed CONFIG, REPLICAOF and SLAVEOF and is the admin user's
// password, which Sentinel uses on every member. With `tls` (transit
// encryption) Sentinel talks to the members over TLS.
std::string sentinel_conf(const std::string& group, const std::string& listen_address,
                          const std::string& primary_address, int port,
                          const std::string& command_key, const std::string& dir,
                          const std::optional<TlsFiles>& tls = std::nullopt);

}  // namespace cachectl::node
