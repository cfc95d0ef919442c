#include "node/engine_start.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/access_control.h"
#include "core/parameter_groups.h"
#include "core/restricted_commands.h"

namespace cachectl::node {

os::SpawnOptions engine_spawn_options(const EngineLaunch& launch,
                                      const std::filesystem::path& dir) {
  os::SpawnOptions o;
  o.argv = launch.argv;
  o.env = launch.env;
  o.cwd = dir;
  o.log = dir / "engine.log";
  o.new_process_group = true;
  o.die_with_parent = true;
  return o;
}

bool write_engine_config(const EngineLaunch& launch, std::string& error) {
  if (launch.config_file.empty()) return true;
  const auto& path = launch.config_file;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 || ::fchmod(fd, 0600) != 0) {
    error = "cannot write " + path.string() + ": " + std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return false;
  }
  const std::string& text = launch.config_text;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  if (!ok) error = "cannot write " + path.string() + ": " + std::strerror(errno);
  ::close(fd);
  return ok;
}

core::Result<GroupValues> parameter_group_values(const core::StateHome& home,
                                                 const core::CacheClusterRecord& record) {
  auto group = core::ParameterGroupStore(home).get(record.parameter_group);
  if (!group) return group.error();
  return group->values;
}

core::Result<EngineSecurity> engine_access(const core::StateHome& home,
                                           const core::CacheClusterRecord& record,
                                           const core::CacheNodeRecord& node,
                                           const std::string& command_key) {
  EngineSecurity s;
  auto access = core::read_node_access(home, record);
  if (!access) return access.error();
  s.users = core::node_acl_users(*access, command_key);
  s.unix_socket = home.engine_socket(node.address);
  return s;
}

std::optional<EngineLaunch> early_engine_launch(const core::StateHome& home,
                                                const core::CacheClusterRecord& record,
                                                const std::string& node_id) {
  const core::CacheNodeRecord* node = record.find_node(node_id);
  if (!node || record.engine != "redis" || !record.replication_group_id.empty() ||
      record.transit_encryption_enabled || record.restores_data())
    return std::nullopt;
  const auto dir = home.node_dir(record.id, node_id);
  std::error_code ec;
  std::filesystem::create_directories(dir / "data", ec);
  if (ec) return std::nullopt;
  auto key = core::load_or_create_command_key(dir);
  if (!key) return std::nullopt;
  auto values = parameter_group_values(home, record);
  if (!values) return std::nullopt;
  auto access = engine_access(home, record, *node, *key);
  if (!access) return std::nullopt;
  EngineLaunch launch = engine_launch(record, *node, dir, *values, *key, ReplicationSetup{},
                                      home.ready_socket(node->address).string(), *access);
  std::string error;
  if (!write_engine_config(launch, error)) return std::nullopt;
  return launch;
}

}  // namespace cachectl::node
