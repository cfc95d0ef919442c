// Starting the notification sender (notify/, cachectl-notify) for a state
// home: whoever records an event that has a notification topic calls this,
// and it returns at once. The sender holds STATE/notify/sender.lock while it
// runs; when someone holds it, nothing is started (the running sender sees
// the new event within its poll interval).
#pragma once

#include <filesystem>

namespace cachectl::os {

// The sender's files: its lock, its progress through the events, its log.
std::filesystem::path notify_dir(const std::filesystem::path& state_root);
std::filesystem::path notify_lock(const std::filesystem::path& state_root);

// Starts cachectl-notify detached (its own session, output to
// STATE/notify/notify.log) unless one holds the lock. False when it could
// not be started (the event stays recorded; the next one tries again).
bool start_notification_sender(const std::filesystem::path& state_root);

}  // namespace cachectl::os
