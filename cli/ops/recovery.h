// Finishing or undoing what a killed command left behind (core/intent.h).
// Every command that changes a cluster begins with begin_cluster_operation:
// it takes the cluster's operation lock, so a second command on the same
// cluster gets InvalidCacheClusterState with nothing changed, and it settles
// an intent left by a killed command before doing its own work. Commands
// that only read (describe) settle a cluster when nobody else is working on
// it; `cachectl resume` settles every cluster.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cli/context.h"
#include "core/intent.h"

namespace cachectl::cli {

struct ClusterOperation {
  core::OperationLock lock;
  core::CacheClusterRecord record;  // as it is once settled
};

// The lock, the settled record, and the cluster's leftovers removed.
// CacheClusterNotFound when there is no such cluster (or settling finished
// its deletion).
core::Result<ClusterOperation> begin_cluster_operation(Context& ctx, const std::string& id);

// What settling a cluster did: one sentence each, and whether the cluster
// is gone (a killed delete finished, or a create that cannot finish undone).
struct Settled {
  std::vector<std::string> done;
  std::vector<std::string> failed;  // why a step could not be done (it was undone)
  // A create that could not finish: the error that undid it (a daemon that
  // did not start, or a state file that could not be written or read).
  core::Status create_error;
  bool deleted = false;
};

// With the cluster's operation lock held: carries out the record's intent
// (the operations themselves use it after writing their intent, so that one
// piece of code does the work whether or not its first runner was killed):
// finishes a killed delete, create,
// node list change or engine restart, undoes a killed snapshot, stops the
// nodes still being removed, clears the intent, removes leftovers.
// `while_starting`, if given, runs while a create's daemons start (create's
// own durability); its error undoes the create.
core::Result<Settled> settle(Context& ctx, const std::string& id,
                             const std::function<core::Status()>& while_starting = {});

// For commands that only read: settles `record` if it carries unfinished
// work whose owner is gone, and returns the record as it is then.
core::Result<core::CacheClusterRecord> settle_if_abandoned(Context& ctx,
                                                           core::CacheClusterRecord record);

// Address claims and node directories of `cluster` that its record (if any)
// does not name: left by a command killed between claiming and writing.
// With the cluster's operation lock held. Returns what was removed
// (paths relative to the state home), or why a stray node's daemon could
// not be stopped (its pid file; the directory is then left).
core::Result<std::vector<std::string>> sweep_cluster_leftovers(Context& ctx,
                                                               const std::string& cluster,
                                                               bool every_claim = false);

// Temporary files and snapshot work directories (".NAME.tmp.PID[.N]" in
// the home's own folders) whose process is gone.
std::vector<std::string> sweep_temporary_files(Context& ctx);

// The clusters named by an address claim or a node directory: with a record
// or not (so that leftovers of a killed create are found too).
std::vector<std::string> clusters_with_traces(Context& ctx);

}  // namespace cachectl::cli
