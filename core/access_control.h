// Who may use a Redis node, as Redis 7 ACL users: the one place cachectl
// makes them, for every Redis node (docs/architecture.md, "Access
// control"). A node's users are:
// - kAdminUser (core/restricted_commands.h), whose password is the node's
//   secret: every command. The node daemon, the group daemon, Sentinel, the
//   cluster manager and replicas (masteruser) use it, over the engine's
//   private Unix socket where they can (StateHome::engine_socket);
// - `default`, the user every client is before AUTH: with no user group,
//   every command, and the AuthToken (one or two, during a rotation) as its
//   passwords, else none; with a user group, that group's user named
//   `default`;
// - with a user group, each of its other users (its access string, its
//   passwords or none).
// Client users never get what the service keeps to itself: SYNC/PSYNC
// (copying the data is replication's, as the admin user) and, in cluster
// mode, CLUSTER's administration (MEET, ADDSLOTS, SETSLOT, FORGET,
// FAILOVER, ...); these are taken away after the user's own rules, never
// granted. The same list is written into redis.conf at every engine start
// and sent as ACL SETUSER / ACL DELUSER to a running engine when it
// changes (node/access_apply.h).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/cluster.h"
#include "core/state_home.h"
#include "core/users.h"

namespace cachectl::core {

struct AclUser {
  std::string name;
  // ACL SETUSER's rules after the name; the first is always "reset", so
  // applying them gives exactly this user whatever it was before.
  std::vector<std::string> rules;
  bool operator==(const AclUser&) const = default;
};

// What a node's users come from.
struct NodeAccess {
  std::vector<std::string> auth_token_hashes;  // the cluster's AuthToken digests
  bool cluster_mode = false;                   // a cluster-mode member
  // Its replication group's user group (at most one), and its users.
  std::string user_group;
  std::vector<UserRecord> users;
};

// ElastiCache's AuthToken rule: 16 to 128 printable ASCII characters, and
// the only characters that are not letters or digits are ! & # $ ^ < > -.
Status check_auth_token(std::string_view token);

// A Modify request's AuthToken and AuthTokenUpdateStrategy applied to the
// token digests a cluster or group has now (`current`, the current one
// first): nullopt when the request changes nothing of them, else the new
// digests. As ElastiCache: ROTATE (the default with an AuthToken) accepts
// the new token and the current one until the next SET; SET accepts the
// new one only; DELETE (no AuthToken) removes the token. A token needs
// transit encryption and no user group; ROTATE needs a token to rotate
// from (cachectl does not offer ElastiCache's open "no token or token"
// phase: use SET to add a token to a cluster without one).
Result<std::optional<std::vector<std::string>>> next_auth_token_hashes(
    const std::vector<std::string>& current, const nlohmann::json& request, bool transit_encryption,
    bool has_user_group);

// The CLUSTER subcommands clients may not run (Redis 7.0's administrative
// ones; the others are read-only, and cluster clients need them).
const std::vector<std::string_view>& admin_cluster_subcommands();

// kAdminUser first, then `default`, then the group's other users by name.
std::vector<AclUser> node_acl_users(const NodeAccess& access, const std::string& key);

// The access of `record`'s nodes as the state home has it now: its
// AuthToken, and for a replication group member its group's mode and user
// group. An error names the record that cannot be read (the caller then
// refuses to start the engine or to apply: a node is never more open than
// asked).
Result<NodeAccess> read_node_access(const StateHome& home, const CacheClusterRecord& record);

}  // namespace cachectl::core
