#include "core/files.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

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

// Closes `fd` keeping the errno of an earlier failure.
bool close_keeping_errno(int fd, bool ok) {
  int saved = errno;
  bool closed = ::close(fd) == 0;
  if (!ok) errno = saved;
  return ok && closed;
}

// Removes `name` keeping errno (the failure being reported).
void unlink_keeping_errno(const fs::path& name) {
  int saved = errno;
  ::unlink(name.c_str());
  errno = saved;
}

fs::path parent_or_dot(const fs::path& path) {
  fs::path dir = path.parent_path();
  return dir.empty() ? fs::path(".") : dir;
}

// A complete temporary beside `path` holding `content`, fsync'ed when `sync`.
bool write_temp(const fs::path& path, std::string_view content, fs::path& tmp, bool sync = true) {
  int fd = create_temporary(path, tmp);
  if (fd < 0) return false;
  bool ok = write_all(fd, content) && (!sync || ::fsync(fd) == 0);
  ok = close_keeping_errno(fd, ok);
  if (!ok) unlink_keeping_errno(tmp);
  return ok;
}

// Publishes the complete temporary `tmp` as `path` with link(2), which never
// replaces anything (a symbolic link at `path` included), then makes it durable.
CreateResult publish_new(const fs::path& tmp, const fs::path& path, bool durable) {
  int rc = ::link(tmp.c_str(), path.c_str());
  int saved = errno;
  ::unlink(tmp.c_str());
  if (rc != 0) {
    errno = saved;
    return saved == EEXIST ? CreateResult::kExists : CreateResult::kFailed;
  }
  if (durable && !sync_directory(parent_or_dot(path))) return CreateResult::kFailed;
  return CreateResult::kCreated;
}

}  // namespace

int create_temporary(const fs::path& path, fs::path& name) {
  static std::atomic<unsigned> counter{0};
  // A dot-name beside `path` (same filesystem, so rename/link are atomic;
  // listings skip it). A name already taken, by a leftover or by something
  // planted, is skipped: O_EXCL never opens an existing file or link.
  std::string base = "." + path.filename().string() + ".tmp." + std::to_string(::getpid()) + ".";
  for (int attempt = 0; attempt < 100; ++attempt) {
    name = path.parent_path() / (base + std::to_string(counter++));
    int fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  errno = EEXIST;
  return -1;
}

bool sweep_dead_temporary(const fs::path& dir, const std::string& n) {
  std::size_t tmp = n.rfind(".tmp.");
  if (n.empty() || n[0] != '.' || tmp == std::string::npos) return false;
  std::size_t dot = n.find('.', tmp + 5);
  if (dot == std::string::npos || dot == tmp + 5) return false;
  std::string pid_text = n.substr(tmp + 5, dot - tmp - 5);
  if (pid_text.find_first_not_of("0123456789") != std::string::npos || pid_text.size() > 9)
    return false;
  pid_t pid = static_cast<pid_t>(std::stol(pid_text));
  if (pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH) ::unlink((dir / n).c_str());
  return true;
}

void sweep_dead_temporaries(const fs::path& dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    sweep_dead_temporary(dir, e.path().filename().string());
}

bool sync_directory(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::fsync(fd) == 0;
  return close_keeping_errno(fd, ok);
}

bool sync_file(const fs::path& file) {
  int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::fsync(fd) == 0;
  return close_keeping_errno(fd, ok);
}

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

namespace {

// A temporary renamed over `path`; with `durable`, both fsync'ed.
bool replace(const fs::path& path, std::string_view content, bool durable) {
  fs::path tmp;
  if (!write_temp(path, content, tmp, durable)) return false;
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    unlink_keeping_errno(tmp);
    return false;
  }
  return !durable || sync_directory(parent_or_dot(path));
}

}  // namespace

bool write_file_atomic(const fs::path& path, std::string_view content) {
  return replace(path, content, /*durable=*/true);
}

bool replace_file(const fs::path& path, std::string_view content) {
  return replace(path, content, /*durable=*/false);
}

CreateResult create_file_exclusive(const fs::path& path, std::string_view content,
                                   Durability durability) {
  const bool durable = durability == Durability::kNow;
  fs::path tmp;
  if (!write_temp(path, content, tmp, durable)) return CreateResult::kFailed;
  return publish_new(tmp, path, durable);
}

CreateResult copy_file_exclusive(const fs::path& from, const fs::path& to) {
  int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return CreateResult::kFailed;
  fs::path tmp;
  int out = create_temporary(to, tmp);
  if (out < 0) {
    close_keeping_errno(in, false);
    return CreateResult::kFailed;
  }
  bool ok = true;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(in, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = n == 0;
      break;
    }
    if (!write_all(out, std::string_view(buf, static_cast<std::size_t>(n)))) {
      ok = false;
      break;
    }
  }
  ok = ok && ::fsync(out) == 0;
  ok = close_keeping_errno(out, ok);
  close_keeping_errno(in, ok);
  if (!ok) {
    unlink_keeping_errno(tmp);
    return CreateResult::kFailed;
  }
  return publish_new(tmp, to, /*durable=*/true);
}

FileLock::FileLock(const fs::path& path) {
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    error_ = "cannot open the lock file " + path.string() + ": " + std::strerror(errno);
    return;
  }
  while (::flock(fd_, LOCK_EX) != 0) {
    if (errno != EINTR) {
      error_ = "cannot lock " + path.string() + ": " + std::strerror(errno);
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

std::optional<std::vector<int>> flock_holders(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  std::ifstream locks("/proc/locks");
  if (!locks) return std::nullopt;
  // "1: FLOCK  ADVISORY  WRITE 4242 fe:00:10953053 0 EOF": the device's
  // major and minor in hex, the inode in decimal. A waiter's line has "->"
  // after the number; it holds nothing.
  char device[64];
  std::snprintf(device, sizeof device, "%02x:%02x:%llu", ::major(st.st_dev), ::minor(st.st_dev),
                static_cast<unsigned long long>(st.st_ino));
  std::vector<int> holders;
  std::string line;
  while (std::getline(locks, line)) {
    std::istringstream words(line);
    std::string number, kind, mode, access, pid, where;
    if (!(words >> number >> kind) || kind != "FLOCK") continue;
    if (!(words >> mode >> access >> pid >> where) || where != device) continue;
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    holders.push_back(std::stoi(pid));
  }
  return holders;
}

std::optional<std::chrono::milliseconds> process_age(int pid) {
  std::ifstream stat_file("/proc/" + std::to_string(pid) + "/stat");
  std::string stat_line;
  if (!std::getline(stat_file, stat_line)) return std::nullopt;
  // Fields after the command's closing parenthesis (which may itself hold
  // spaces and parentheses): state is field 3, starttime field 22.
  auto close = stat_line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(stat_line.substr(close + 1));
  std::string field;
  for (int n = 3; n <= 22; ++n)
    if (!(fields >> field)) return std::nullopt;
  std::ifstream uptime_file("/proc/uptime");
  double uptime = 0;
  if (!(uptime_file >> uptime)) return std::nullopt;
  long ticks = ::sysconf(_SC_CLK_TCK);
  if (ticks <= 0 || field.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  double started = std::stod(field) / static_cast<double>(ticks);
  return std::chrono::milliseconds(static_cast<long long>((uptime - started) * 1000));
}

bool socket_is_live(const fs::path& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.string().size() >= sizeof addr.sun_path) return false;
  std::strcpy(addr.sun_path, path.c_str());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return true;  // cannot tell: assume alive
  int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  int e = errno;
  ::close(fd);
  // Only "nobody there" proves it dead; a full backlog (EAGAIN) is alive.
  return rc == 0 || (e != ECONNREFUSED && e != ENOENT);
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
