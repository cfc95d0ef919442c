#include "core/intent.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <set>

namespace cachectl::core {

fs::path operation_lock_file(const StateHome& home, std::string_view cluster) {
  return home.lock_file(std::string(cluster) + ".op");
}

namespace {

// The clusters whose operation lock this process holds: POSIX record locks
// do not conflict within one process, so a second take here is refused by
// this set instead (and never closes the first's descriptor).
std::mutex held_mutex;
std::set<std::string>& held_here() {
  static std::set<std::string> held;
  return held;
}

ApiError busy(std::string_view cluster) {
  return ApiError{"InvalidCacheClusterState",
                  "Cache cluster " + std::string(cluster) +
                      " is being changed by another command; try again once it is available."};
}

}  // namespace

Result<OperationLock> OperationLock::try_take(const StateHome& home, std::string_view cluster) {
  std::lock_guard guard(held_mutex);
  if (held_here().count(std::string(cluster))) return busy(cluster);
  fs::path path = operation_lock_file(home, cluster);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return ApiError{kInvalidConfiguration,
                    "cannot open " + path.string() + ": " + std::strerror(errno)};
  }
  struct flock whole {};
  whole.l_type = F_WRLCK;
  whole.l_whence = SEEK_SET;
  while (::fcntl(fd, F_SETLK, &whole) != 0) {
    if (errno == EINTR) continue;
    int e = errno;
    ::close(fd);
    if (e == EACCES || e == EAGAIN) return busy(cluster);
    return ApiError{kInvalidConfiguration,
                    "cannot lock " + path.string() + ": " + std::strerror(e)};
  }
  held_here().insert(std::string(cluster));
  return OperationLock(fd, std::string(cluster));
}

void OperationLock::release() {
  if (fd_ < 0) return;
  std::lock_guard guard(held_mutex);
  ::close(fd_);  // drops the record lock
  held_here().erase(cluster_);
  fd_ = -1;
}

OperationLock& OperationLock::operator=(OperationLock&& other) noexcept {
  if (this != &other) {
    release();
    fd_ = other.fd_;
    cluster_ = std::move(other.cluster_);
    other.fd_ = -1;
  }
  return *this;
}

OperationLock::~OperationLock() { release(); }

bool has_unfinished_work(const CacheClusterRecord& r) {
  return !r.intent.empty() || !r.removing.empty() || r.lifecycle == Lifecycle::kDeleting;
}

Intent new_intent(std::string operation, TimePoint now) {
  Intent i;
  i.operation = std::move(operation);
  i.pid = static_cast<int>(::getpid());
  i.started = now;
  return i;
}

bool process_alive(int pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

}  // namespace cachectl::core
