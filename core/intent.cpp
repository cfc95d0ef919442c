#include "core/intent.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cachectl::core {

fs::path operation_lock_file(const StateHome& home, std::string_view cluster) {
  return home.lock_file(std::string(cluster) + ".op");
}

Result<OperationLock> OperationLock::try_take(const StateHome& home, std::string_view cluster) {
  fs::path path = operation_lock_file(home, cluster);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return ApiError{kInvalidConfiguration,
                    "cannot open " + path.string() + ": " + std::strerror(errno)};
  }
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    int e = errno;
    ::close(fd);
    if (e == EWOULDBLOCK) {
      return ApiError{"InvalidCacheClusterState",
                      "Cache cluster " + std::string(cluster) +
                          " is being changed by another command; try again once it is available."};
    }
    return ApiError{kInvalidConfiguration,
                    "cannot lock " + path.string() + ": " + std::strerror(e)};
  }
  return OperationLock(fd);
}

OperationLock& OperationLock::operator=(OperationLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

OperationLock::~OperationLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor drops the flock
}

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
