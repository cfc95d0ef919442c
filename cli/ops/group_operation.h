// The replication group's side of cli/ops/recovery.h: a command that
// changes a group takes the group's operation lock (a second one gets
// InvalidReplicationGroupState with nothing changed), settles what a killed
// command left (the group record's intent), and then works.
#pragma once

#include "cli/context.h"
#include "cli/ops/recovery.h"
#include "core/intent.h"
#include "core/replication_group.h"

namespace cachectl::cli {

struct GroupOperation {
  core::OperationLock lock;
  core::ReplicationGroupRecord group;  // as it is once settled
};

// The group's lock, taken without waiting.
core::Result<core::OperationLock> lock_group(Context& ctx, const std::string& id);

// The lock and the settled record; ReplicationGroupNotFoundFault when there
// is none (or settling finished its deletion).
core::Result<GroupOperation> begin_group_operation(Context& ctx, const std::string& id);

// With the group's lock held: finishes or undoes the record's intent.
// create: start every member's daemon and the group daemon, or undo (tear
// down) when one cannot start; add: start the added members; remove and
// delete: finish them. Returns whether the group is gone.
core::Result<Settled> settle_group(Context& ctx, const std::string& id);

// For commands that only read: settles a group whose intent's owner is gone.
core::Result<core::ReplicationGroupRecord> settle_group_if_abandoned(
    Context& ctx, core::ReplicationGroupRecord group);

// Stops the group daemon, frees the endpoint addresses, removes the group's
// directory and record (its members are not touched).
core::Status remove_group(Context& ctx, const core::ReplicationGroupRecord& group);

// Deletes one member cluster: marks it deleting, stops its node, removes it.
core::Status delete_member(Context& ctx, const std::string& cluster);

// Starts the group daemon (Sentinel, the ReaderEndpoint, member watch)
// unless one runs.
core::Status ensure_group_daemon(Context& ctx, const core::ReplicationGroupRecord& group);

// Adds replicas to a group (increase-replica-count, create-cache-cluster
// --replication-group-id): each a member cluster planned from the group's
// settings (core::member_request), written with the group's "add" intent
// and started. `ids` are the new members' cluster ids, `zones` one each
// ("" = the first zone). With the group's lock held.
// New members `ids` planned from the group's settings (core::member_request;
// `zones` one each, "" = the first zone), each cluster's operation lock
// taken and its leftovers swept; CacheClusterAlreadyExists when an id is
// taken.
struct PlannedMembers {
  std::vector<core::CacheClusterRecord> records;
  std::vector<core::OperationLock> locks;
};
core::Result<PlannedMembers> plan_members(Context& ctx, const core::ReplicationGroupRecord& group,
                                          const std::vector<std::string>& ids,
                                          const std::vector<std::string>& zones);

// In cluster mode the replicas join `node_group` (required there).
core::Status add_members(Context& ctx, const core::ReplicationGroupRecord& group,
                         const std::vector<std::string>& ids, const std::vector<std::string>& zones,
                         const std::string& node_group = "");

// Tells a cluster-mode group's daemon that its record changed (its cluster
// manager looks at once rather than within a second).
void poke_group_daemon(Context& ctx, const core::ReplicationGroupRecord& group);

// The "reshard" intent (cluster mode): the added members started, and once
// the cluster manager reports the record's layout reached, the node groups
// being removed (drained of their slots by then) deleted. Returns whether
// the resharding is finished (the intent may then be cleared); false while
// slots still move.
core::Result<bool> settle_resharding(Context& ctx, const core::ReplicationGroupRecord& group,
                                     Settled& out);

// Removes replicas (decrease-replica-count, delete-cache-cluster of a
// replica) under the group's "remove" intent. With the group's lock held.
core::Status remove_members(Context& ctx, const core::ReplicationGroupRecord& group,
                            const std::vector<std::string>& ids);

}  // namespace cachectl::cli
