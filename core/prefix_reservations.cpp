#include "core/prefix_reservations.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

#include "core/files.h"

namespace cachectl::core {
namespace {

enum class Take { kTaken, kOthers, kFailed };

Take try_take(const std::filesystem::path& file, const std::string& home) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd >= 0) {
      bool written = ::write(fd, home.data(), home.size()) == static_cast<ssize_t>(home.size());
      ::close(fd);
      if (written) return Take::kTaken;
      ::unlink(file.c_str());
      return Take::kFailed;
    }
    if (errno != EEXIST) return Take::kFailed;
    auto owner = read_file(file);
    if (!owner) continue;  // removed meanwhile: try again
    if (*owner == home) return Take::kTaken;
    std::error_code ec;
    // A home being prepared has its directory already; one that is gone
    // (a test's removed home) leaves its N to the next. Another user's
    // stale file cannot be removed (sticky directory): that N stays theirs.
    if (owner->empty() || std::filesystem::exists(*owner, ec) || ec) return Take::kOthers;
    if (::unlink(file.c_str()) != 0 && errno != ENOENT) return Take::kOthers;
  }
  return Take::kOthers;
}

}  // namespace

std::optional<int> reserve_address_octet(const std::filesystem::path& home, int preferred,
                                         const std::set<int>& busy,
                                         const std::filesystem::path& dir) {
  if (::mkdir(dir.c_str(), 0777) == 0) {
    ::chmod(dir.c_str(), 01777);  // the umask took bits away
  } else if (errno != EEXIST) {
    return std::nullopt;
  }
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return std::nullopt;
  const std::string me = home.string();
  int octet = preferred;
  for (int tries = 0; tries < 254; ++tries, octet = octet % 254 + 1) {
    if (busy.count(octet)) continue;
    switch (try_take(dir / std::to_string(octet), me)) {
      case Take::kTaken:
        return octet;
      case Take::kOthers:
        continue;
      case Take::kFailed:
        return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace cachectl::core
