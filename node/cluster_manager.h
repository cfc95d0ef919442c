// The cluster manager of a cluster-mode replication group: `cachectl-node
// --group ID --cluster-manager`, a child of the group daemon
// (node/cluster_group_daemon.cpp). It makes the members' Redis Cluster be
// what the group record says, again and again, so that whatever was left
// half-done (a command or a manager killed mid-migration, a node restarted)
// is finished by the next pass:
//   - every member's engine knows every other (CLUSTER MEET), and nodes that
//     are no member any more are forgotten (CLUSTER FORGET);
//   - in each node group one member is primary and the others replicate it
//     (CLUSTER REPLICATE); which one is primary after a failover is Redis
//     Cluster's decision, which the manager writes into the record;
//   - every slot is served by its node group's primary: unassigned slots
//     are assigned (CLUSTER ADDSLOTSRANGE), slots of another node group are
//     migrated with Redis Cluster's own protocol (SETSLOT IMPORTING /
//     MIGRATING, MIGRATE batches of keys, SETSLOT NODE), and a migration
//     left open is completed;
//   - a group restored from a snapshot gets the snapshot's keys, each sent
//     (MIGRATE from a private redis-server that loaded the RDB) to the node
//     serving its slot, whatever the snapshot's number of node groups.
// It talks to the engines as the members' admin user (ACL,
// core/restricted_commands.h) and blocks on them (RedisConnection): it is a
// process of its own so that no daemon's loop ever waits. The group daemon
// and the manager speak JSON lines: requests on its stdin ({"look": true},
// {"failover": "0002", "request": N}), reports and answers on its stdout
// ({"report": ClusterReport}, {"reply": N, "ok": true|false, "error": ...}).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/admin_api.h"
#include "core/events.h"
#include "core/registry.h"
#include "core/replication_group.h"
#include "node/cluster_nodes.h"
#include "node/daemon.h"
#include "node/redis_connection.h"

namespace cachectl::node {

int run_cluster_manager(const DaemonOptions& options);

// One member's engine as a pass found it.
struct MemberView {
  std::string cluster;     // member cluster id
  std::string node_group;  // its node group in the record
  std::string address;
  int port = 0;
  bool reachable = false;
  std::string id;  // the engine's cluster node id
  std::vector<ClusterNode> nodes;
  bool state_ok = false;  // CLUSTER INFO: cluster_state:ok
};

class ClusterManager {
 public:
  ClusterManager(core::StateHome home, std::string group, std::string key);

  // One look at the engines and one round of work towards the record.
  // Returns the report; `busy` says whether work remains that the next pass
  // should do at once (slots still to move, gossip to wait for).
  core::admin::ClusterReport pass(const core::ReplicationGroupRecord& group, bool& busy);
  // test-failover: a replica of the node group takes over (CLUSTER FAILOVER
  // on it), waited for; an error message, or "" when done.
  std::string failover(const core::ReplicationGroupRecord& group, const std::string& node_group);
  // Whether the last pass moved slots (the next one should follow at once).
  bool moved_slots() const { return moved_; }

 private:
  RedisConnection& connection(const std::string& cluster, const std::string& address, int port);
  std::vector<MemberView> look(const core::ReplicationGroupRecord& group);
  core::Result<RespValue> run(MemberView& m, const std::vector<std::string>& args);
  bool migrate_slots(MemberView& from, MemberView& to, const std::vector<int>& slots,
                     std::vector<MemberView>& all, std::string& error);
  bool restore_keys(const core::ReplicationGroupRecord& group, std::vector<MemberView>& members,
                    std::string& error);
  void record_primaries(const core::ReplicationGroupRecord& group,
                        const std::map<std::string, std::string>& primaries);
  void event(const std::string& message);

  core::StateHome home_;
  core::Registry registry_;
  core::ReplicationGroupStore groups_;
  core::EventLog events_;
  std::string group_;
  std::string key_;
  std::map<std::string, std::unique_ptr<RedisConnection>> connections_;
  // Progress towards the layout last seen: how many slots it had to move.
  int layout_seen_ = 0;
  int to_move_at_start_ = 0;
  int converged_layout_ = 0;
  bool moved_ = false;
};

}  // namespace cachectl::node
