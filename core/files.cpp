#include "core/files.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>

namespace cachectl::core {
namespace {

bool write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// A temporary next to `path` (same filesystem, so rename/link are atomic);
// its name starts with '.' so directory listings skip it.
fs::path temp_beside(const fs::path& path) {
  static std::atomic<unsigned> counter{0};
  return path.parent_path() / ("." + path.filename().string() + ".tmp." +
                               std::to_string(::getpid()) + "." + std::to_string(counter++));
}

bool write_temp(const fs::path& tmp, std::string_view content) {
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  bool ok = write_all(fd, content);
  ok = (::close(fd) == 0) && ok;
  if (!ok) ::unlink(tmp.c_str());
  return ok;
}

}  // namespace

std::optional<std::string> read_file(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out;
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      ::close(fd);
      errno = saved;
      return std::nullopt;
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

bool write_file_atomic(const fs::path& path, std::string_view content) {
  fs::path tmp = temp_beside(path);
  if (!write_temp(tmp, content)) return false;
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

CreateResult create_file_exclusive(const fs::path& path, std::string_view content) {
  fs::path tmp = temp_beside(path);
  if (!write_temp(tmp, content)) return CreateResult::kFailed;
  int rc = ::link(tmp.c_str(), path.c_str());
  int saved = errno;
  ::unlink(tmp.c_str());
  if (rc == 0) return CreateResult::kCreated;
  return saved == EEXIST ? CreateResult::kExists : CreateResult::kFailed;
}

FileLock::FileLock(const fs::path& path) {
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) return;
  while (::flock(fd_, LOCK_EX) != 0) {
    if (errno != EINTR) {
      ::close(fd_);
      fd_ = -1;
      return;
    }
  }
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);
}

bool is_locked(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool locked = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return locked;
}

std::string companion_program(const char* name, const char* env_override) {
  if (const char* env = env_override ? std::getenv(env_override) : nullptr; env && *env) return env;
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path beside = self.parent_path() / name;
    if (fs::exists(beside, ec)) return beside.string();
  }
  return name;
}

}  // namespace cachectl::core
