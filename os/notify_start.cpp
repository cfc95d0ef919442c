#include "os/notify_start.h"

#include <sys/stat.h>

#include "core/files.h"
#include "os/spawn.h"

namespace cachectl::os {

std::filesystem::path notify_dir(const std::filesystem::path& state_root) {
  return state_root / "notify";
}

std::filesystem::path notify_lock(const std::filesystem::path& state_root) {
  return notify_dir(state_root) / "sender.lock";
}

bool start_notification_sender(const std::filesystem::path& state_root) {
  if (core::is_locked(notify_lock(state_root))) return true;
  ::mkdir(notify_dir(state_root).c_str(), 0700);
  SpawnOptions options;
  options.argv = {core::companion_program("cachectl-notify", "CACHECTL_NOTIFY_BIN"), "--state-dir",
                  state_root.string()};
  options.log = notify_dir(state_root) / "notify.log";
  options.new_session = true;
  options.detach = true;
  return static_cast<bool>(spawn(options));
}

}  // namespace cachectl::os
