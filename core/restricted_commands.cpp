#include "core/restricted_commands.h"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cachectl::core {

const std::vector<RestrictedCommand>& restricted_commands() {
  static const std::vector<RestrictedCommand> kList = {
      {"SHUTDOWN", true, "stops the node (delete uses it: SHUTDOWN NOSAVE)"},
      {"CONFIG", true,
       "reconfigures the engine, can write files (parameter groups use CONFIG SET)"},
      {"BGSAVE", true, "writes the data to disk (snapshots and modifications use it)"},
      {"SAVE", false, "blocks the engine while writing the data"},
      {"BGREWRITEAOF", false, "writes the append-only file"},
      {"DEBUG", false, "can crash, stall or reload the engine"},
      {"REPLICAOF", false, "makes the node a replica of any server"},
      {"SLAVEOF", false, "REPLICAOF's old name"},
      {"SYNC", false, "copies the whole dataset to the caller"},
      {"PSYNC", false, "SYNC's successor"},
      {"MIGRATE", false, "moves keys to any server"},
      {"MODULE", false, "loads code into the engine"},
      {"ACL", false, "adds users and changes their passwords"},
  };
  return kList;
}

bool needed_by_replication(std::string_view command) {
  return command == "SYNC" || command == "PSYNC";
}

bool used_by_sentinel(std::string_view command) {
  return command == "REPLICAOF" || command == "SLAVEOF" || command == "CONFIG";
}

bool used_by_cluster_manager(std::string_view command) { return command == "MIGRATE"; }

const std::vector<std::string_view>& client_cluster_subcommands() {
  static const std::vector<std::string_view> kList = {
      "slots",         "shards", "nodes", "info",     "keyslot", "countkeysinslot",
      "getkeysinslot", "myid",   "links", "replicas", "slaves",  "count-failure-reports",
      "help"};
  return kList;
}

std::vector<std::vector<std::string>> cluster_acl_users(const std::string& auth_token,
                                                        const std::string& key) {
  std::vector<std::string> client = {"user", "default", "on"};
  client.push_back(auth_token.empty() ? "nopass" : ">" + auth_token);
  for (const char* rule : {"~*", "&*", "+@all", "-cluster"}) client.push_back(rule);
  for (auto sub : client_cluster_subcommands()) client.push_back("+cluster|" + std::string(sub));
  // A replica's copy of the data is the admin user's (masteruser).
  client.push_back("-sync");
  client.push_back("-psync");
  std::vector<std::string> admin = {"user", std::string(kAdminUser), "on", ">" + key, "~*", "&*",
                                    "+@all"};
  return {client, admin};
}

fs::path command_key_file(const fs::path& node_dir) { return node_dir / "admin-commands.key"; }

std::string renamed_command(std::string_view command, const std::string& key) {
  return std::string(command) + "-" + key;
}

namespace {

bool is_key(const std::string& s) {
  if (s.size() != 32) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

Result<std::string> load_or_create_command_key(const fs::path& node_dir) {
  const fs::path file = command_key_file(node_dir);
  auto fail = [&](const std::string& what) {
    return ApiError{kInvalidConfiguration,
                    what + " " + file.string() + ": " + std::strerror(errno)};
  };
  for (int attempt = 0; attempt < 2; ++attempt) {
    int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
      char buf[64];
      ssize_t n = ::read(fd, buf, sizeof buf);
      ::close(fd);
      std::string key(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
      while (!key.empty() && key.back() == '\n') key.pop_back();
      if (is_key(key)) return key;
      return ApiError{kRegistryFileInvalid,
                      file.string() +
                          " is broken: it must hold 32 hex digits (remove it to make "
                          "a new one; the engine then needs a restart)"};
    }
    if (errno != ENOENT) return fail("cannot read");
    unsigned char raw[16];
    if (::getrandom(raw, sizeof raw, 0) != static_cast<ssize_t>(sizeof raw))
      return fail("no random bytes for");
    std::string key;
    const char* hex = "0123456789abcdef";
    for (unsigned char b : raw) {
      key += hex[b >> 4];
      key += hex[b & 15];
    }
    // A temporary name, then link(2): the key appears whole or not at all,
    // and a concurrent creator's key wins consistently.
    fs::path tmp = file;
    tmp += ".tmp." + std::to_string(::getpid());
    ::unlink(tmp.c_str());
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return fail("cannot create");
    std::string line = key + "\n";
    bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    ::close(fd);
    int linked = written ? ::link(tmp.c_str(), file.c_str()) : -1;
    int saved = errno;
    ::unlink(tmp.c_str());
    errno = saved;
    if (linked == 0) return key;
    if (!written || errno != EEXIST) return fail("cannot write");
  }
  return ApiError{kInvalidConfiguration, "cannot create " + file.string()};
}

}  // namespace cachectl::core
