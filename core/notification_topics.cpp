#include "core/notification_topics.h"

#include <toml++/toml.h>

#include <cerrno>
#include <cstring>

#include "core/files.h"
#include "core/toml_fields.h"

namespace cachectl::core {

std::optional<std::string> NotificationTopics::url_of(const std::string& topic_arn) const {
  if (auto it = urls.find(topic_arn); it != urls.end()) return it->second;
  auto colon = topic_arn.rfind(':');
  if (colon != std::string::npos)
    if (auto it = urls.find(topic_arn.substr(colon + 1)); it != urls.end()) return it->second;
  return std::nullopt;
}

fs::path notification_topics_file(const StateHome& home) {
  return home.root() / "notification-topics.toml";
}

Result<NotificationTopics> notification_topics_from_toml(std::string_view text,
                                                         std::string_view origin) {
  auto parsed = parse_state_file(text, origin);
  if (!parsed) return parsed.error();
  NotificationTopics out;
  std::string where(origin);
  for (const auto& [key, value] : *parsed) {
    if (key.str() != "topics")
      return ApiError{kRegistryFileInvalid,
                      where + ": key '" + std::string(key.str()) + "': expected only [topics]"};
  }
  auto node = (*parsed)["topics"];
  if (!node) return out;
  const toml::table* topics = node.as_table();
  if (!topics) return ApiError{kRegistryFileInvalid, where + ": key 'topics': expected a table"};
  for (const auto& [key, value] : *topics) {
    std::string topic(key.str());
    const auto* url = value.as_string();
    if (!url || !(url->get().rfind("http://", 0) == 0 || url->get().rfind("https://", 0) == 0))
      return ApiError{kRegistryFileInvalid, where + ": topic '" + topic +
                                                "': expected the URL to POST to (http:// or "
                                                "https://)"};
    out.urls[topic] = url->get();
  }
  return out;
}

Result<NotificationTopics> load_notification_topics(const StateHome& home) {
  fs::path file = notification_topics_file(home);
  auto text = read_file(file);
  if (!text) {
    if (errno == ENOENT) return NotificationTopics{};
    return ApiError{kRegistryFileInvalid, file.string() + ": " + std::strerror(errno)};
  }
  return notification_topics_from_toml(*text, file.string());
}

}  // namespace cachectl::core
