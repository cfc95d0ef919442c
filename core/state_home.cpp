#include "core/state_home.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <set>
#include <sstream>
#include <system_error>

#include "core/files.h"
#include "core/listeners.h"
#include "core/prefix_reservations.h"
#include "core/toml_fields.h"

namespace cachectl::core {

namespace {

// Best effort: on a disk already full there is simply no reserve.
void make_reserve(const fs::path& file) {
  constexpr off_t kReserve = 256 * 1024;
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return;
  bool ok = ::posix_fallocate(fd, 0, kReserve) == 0;
  ::close(fd);
  if (!ok) ::unlink(file.c_str());
}

}  // namespace

Result<StateHome> StateHome::locate(const std::optional<std::string>& flag) {
  if (flag && !flag->empty()) return StateHome(fs::absolute(*flag));
  if (const char* h = std::getenv("CACHECTL_HOME"); h && *h) return StateHome(fs::absolute(h));
  if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x)
    return StateHome(fs::absolute(fs::path(x) / "cachectl"));
  if (const char* home = std::getenv("HOME"); home && *home)
    return StateHome(fs::path(home) / ".local" / "state" / "cachectl");
  return ApiError{kInvalidConfiguration,
                  "cannot find a state home: set --state-dir, CACHECTL_HOME or HOME"};
}

fs::path StateHome::cluster_file(std::string_view id) const {
  return clusters_dir() / (std::string(id) + ".toml");
}
fs::path StateHome::lock_file(std::string_view id) const {
  return root_ / "locks" / (std::string(id) + ".lock");
}
fs::path StateHome::node_dir(std::string_view cluster, std::string_view node) const {
  return root_ / "nodes" / std::string(cluster) / std::string(node);
}
fs::path StateHome::admin_socket(std::string_view address) const {
  return root_ / "run" / (std::string(address) + ".sock");
}
fs::path StateHome::ready_socket(std::string_view address) const {
  return root_ / "run" / (std::string(address) + ".up");
}
fs::path StateHome::engine_socket(std::string_view address) const {
  return root_ / "run" / (std::string(address) + ".redis");
}

Status StateHome::prepare() const {
  // The common case (everything exists) costs two stats. The home is the
  // owner's only (0700): a home made by an older cachectl is fixed here.
  std::error_code ec;
  struct stat st {};
  if (::stat(root_.c_str(), &st) == 0 && (st.st_mode & 077) != 0 &&
      ::chmod(root_.c_str(), 0700) != 0) {
    return ApiError{kInvalidConfiguration, "cannot make " + root_.string() +
                                               " private (mode 0700): " + std::strerror(errno)};
  }
  if (fs::exists(settings_file(), ec)) {
    if (!fs::exists(reserve_file(), ec)) make_reserve(reserve_file());
    return std::nullopt;
  }
  if (!fs::exists(root_, ec)) {
    fs::create_directories(root_.parent_path(), ec);
    if (::mkdir(root_.c_str(), 0700) != 0 && errno != EEXIST) {
      return ApiError{kInvalidConfiguration,
                      "cannot create " + root_.string() + ": " + std::strerror(errno)};
    }
    if (::chmod(root_.c_str(), 0700) != 0) {
      return ApiError{kInvalidConfiguration,
                      "cannot make " + root_.string() + " private: " + std::strerror(errno)};
    }
  }
  for (const fs::path& dir : {clusters_dir(), root_ / "locks", addresses_dir(), root_ / "nodes",
                              root_ / "run", root_ / "parameter-groups", root_ / "snapshots"}) {
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      return ApiError{kInvalidConfiguration,
                      "cannot create " + dir.string() + ": " + std::strerror(errno)};
    }
  }
  // The longest socket name: an engine's (engine_socket).
  if ((root_ / "run" / "127.255.255.255.redis").string().size() >= 108) {
    return ApiError{kInvalidConfiguration,
                    "the state home path " + root_.string() +
                        " is too long for admin and engine sockets (Unix socket paths are "
                        "limited to 107 bytes); choose a shorter --state-dir"};
  }
  // 127.N.0.0/16 by the path's hash, moved on past every N something on
  // this machine already listens in (another state home, another user's)
  // or another live home has reserved (core/prefix_reservations.h): two
  // homes on one /16 would race for the same addresses.
  auto h = std::hash<std::string>{}(root_.string());
  std::set<int> busy;
  for (std::uint32_t a : listening_ipv4_addresses()) {
    std::uint32_t host = ntohl(a);
    if ((host >> 24) == 127) busy.insert(static_cast<int>((host >> 16) & 0xff));
  }
  int octet = 1 + static_cast<int>(h % 254);
  if (auto reserved = reserve_address_octet(root_, octet, busy)) {
    octet = *reserved;
  } else {
    for (int tries = 0; tries < 254 && busy.count(octet); ++tries) octet = octet % 254 + 1;
  }
  toml::table t{{"address_prefix", "127." + std::to_string(octet)}};
  std::ostringstream os;
  os << "# cachectl state home settings\n" << t << "\n";
  make_reserve(reserve_file());
  if (create_file_exclusive(settings_file(), os.str()) == CreateResult::kFailed) {
    return ApiError{kInvalidConfiguration,
                    "cannot write " + settings_file().string() + ": " + std::strerror(errno)};
  }
  return std::nullopt;
}

Result<std::string> address_prefix_from_toml(std::string_view text, std::string_view origin) {
  auto parsed = parse_state_file(text, origin);
  if (!parsed) return parsed.error();
  const toml::table& t = *parsed;
  TomlFields f(t, std::string(origin));
  std::string prefix = f.str("address_prefix");
  int octet = -1;
  if (f.ok() && prefix.rfind("127.", 0) == 0 && prefix.size() > 4 && prefix.size() <= 7 &&
      prefix.find_first_not_of("0123456789", 4) == std::string::npos)
    octet = std::stoi(prefix.substr(4));
  if (f.ok() && (octet < 0 || octet > 255))
    f.fail("address_prefix", "expected \"127.N\" with N in 0..255");
  if (!f.ok()) return ApiError{kRegistryFileInvalid, f.error()};
  return prefix;
}

Result<std::string> StateHome::address_prefix() const {
  auto text = read_file(settings_file());
  if (!text)
    return ApiError{kRegistryFileInvalid,
                    settings_file().string() + ": cannot read: " + std::strerror(errno)};
  return address_prefix_from_toml(*text, settings_file().string());
}

}  // namespace cachectl::core
