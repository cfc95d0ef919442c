// Who may act on a cluster's multi-step operation (cluster.h's Intent).
// An operation holds the cluster's operation lock, a kernel lock on
// STATE/locks/ID.op.lock, from before it writes its intent until after it
// clears it. The kernel drops the lock when the holder dies, so "an intent
// whose lock nobody holds" is exactly "an intent left by a killed process",
// with no pid to trust. A second operation on the same cluster finds the lock
// taken and gets InvalidCacheClusterState, with nothing changed.
// It is a POSIX record lock (fcntl F_SETLK), not an flock: a record lock is
// not inherited by fork(2), so a child the operation forks (a node daemon on
// its way to exec) never keeps it alive after the operation was killed.
#pragma once

#include <string>
#include <string_view>

#include "core/cluster.h"
#include "core/state_home.h"

namespace cachectl::core {

class OperationLock {
 public:
  // Takes the lock without waiting: InvalidCacheClusterState when another
  // process holds it, InvalidConfiguration when the lock file cannot be opened.
  static Result<OperationLock> try_take(const StateHome& home, std::string_view cluster);

  OperationLock(OperationLock&& other) noexcept
      : fd_(other.fd_), cluster_(std::move(other.cluster_)) {
    other.fd_ = -1;
  }
  OperationLock& operator=(OperationLock&& other) noexcept;
  OperationLock(const OperationLock&) = delete;
  OperationLock& operator=(const OperationLock&) = delete;
  ~OperationLock();

 private:
  OperationLock(int fd, std::string cluster) : fd_(fd), cluster_(std::move(cluster)) {}
  void release();
  int fd_ = -1;
  std::string cluster_;
};

// The lock file of a cluster's operations.
fs::path operation_lock_file(const StateHome& home, std::string_view cluster);

// Whether a record carries work a killed process may have left: an intent,
// nodes still being removed, or a delete not finished.
bool has_unfinished_work(const CacheClusterRecord& record);

// An intent of `operation` for this process, started `now`.
Intent new_intent(std::string operation, TimePoint now);

// Whether the process `pid` exists (used only for temporary files named by
// pid, where no lock can tell).
bool process_alive(int pid);

}  // namespace cachectl::core
