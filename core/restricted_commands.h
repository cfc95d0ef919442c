// The Redis commands ElastiCache keeps from its clients, and the names under
// which the node daemon still reaches the few it needs.
//
// A client of a node must not be able to stop it (a second local user could
// then bind its address and read the next client's commands), reconfigure
// it, read its files or load code into it. Each restricted command is
// renamed in redis.conf (`rename-command`): to "" (gone) when the daemon never
// uses it, else to NAME-KEY, where KEY is a per-node secret kept in a 0600
// file of the node's directory and never put in argv or a log.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/files.h"
#include "core/result.h"

namespace cachectl::core {

struct RestrictedCommand {
  std::string_view name;    // upper case, as Redis lists it
  bool used_by_daemon;      // renamed to a secret name, else to ""
  std::string_view reason;  // why a client may not have it (docs)
};

// ElastiCache's documented list (bgrewriteaof, bgsave, config, debug,
// migrate, replicaof, save, slaveof, shutdown, sync) plus PSYNC (SYNC's
// successor), MODULE (loads code) and ACL (would let a client make itself
// another user).
const std::vector<RestrictedCommand>& restricted_commands();

// Replication group members (core/replication_group.h) keep SYNC and PSYNC,
// which a replica sends its primary to copy the data (a second local user
// can read the data with GET anyway), and REPLICAOF, SLAVEOF and CONFIG are
// reached by Redis Sentinel under the group's secret names (its
// `sentinel rename-command`), so every member of a group shares one key.
bool needed_by_replication(std::string_view command);
bool used_by_sentinel(std::string_view command);

// Cluster mode: the cluster manager (node/cluster_manager.h) moves slots
// with MIGRATE, so a cluster-mode member renames it to its secret name
// instead of "" (and leaves REPLICAOF/SLAVEOF gone: Redis Cluster
// replicates through CLUSTER REPLICATE).
bool used_by_cluster_manager(std::string_view command);

// Cluster mode's access rules, the one place cachectl uses Redis ACLs.
// CLUSTER cannot be renamed per subcommand, and clients of a cluster need
// some of it (CLUSTER SLOTS, SHARDS, NODES, ...) while its administration
// (MEET, ADDSLOTS, SETSLOT, FORGET, FAILOVER, REPLICATE, RESET, ...) is the
// service's. So a cluster-mode member has two users:
// - `default` (every client): every command that is not renamed away, of
//   CLUSTER only `client_cluster_subcommands()`, and not SYNC/PSYNC;
// - kAdminUser, whose password is the group's secret (the same key as the
//   renamed commands'): everything. The cluster manager, MIGRATE's AUTH2
//   and the replicas (masteruser) use it.
inline constexpr std::string_view kAdminUser = "cachectl-admin";
// The CLUSTER subcommands a client may run (Redis 7.0's read-only ones).
const std::vector<std::string_view>& client_cluster_subcommands();
// The two `user` directives, each as its arguments (the first is "user");
// the default user's password is `auth_token` ("" = none). redis.conf
// quotes each argument.
std::vector<std::vector<std::string>> cluster_acl_users(const std::string& auth_token,
                                                        const std::string& key);

// The file holding a node's secret: NODE_DIR/admin-commands.key.
fs::path command_key_file(const fs::path& node_dir);
// Reads the node's secret, creating it (32 random hex digits, mode 0600,
// O_EXCL|O_NOFOLLOW) the first time. An error when it cannot be had.
Result<std::string> load_or_create_command_key(const fs::path& node_dir);
// The name the engine knows `command` by under `key` ("CONFIG" -> "CONFIG-KEY").
std::string renamed_command(std::string_view command, const std::string& key);

}  // namespace cachectl::core
