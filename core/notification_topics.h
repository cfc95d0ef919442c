// Local notification topics: STATE/notification-topics.toml maps a topic
// (--notification-topic-arn) to the HTTP(S) URL its events are POSTed to:
//
//   [topics]
//   "arn:aws:sns:us-east-1:000000000000:ops" = "http://127.0.0.1:8080/elasticache"
//   ops = "https://hooks.example.com/cache"    # by name: any region, any account
//
// A topic no entry names is recorded and shown, and its events are not
// sent anywhere. Read by cachectl-notify (notify/), the one sender.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/result.h"
#include "core/state_home.h"

namespace cachectl::core {

struct NotificationTopics {
  std::map<std::string, std::string> urls;  // ARN or topic name -> URL

  // The URL of a topic ARN: its own entry, else its name's; nullopt when
  // neither is there.
  std::optional<std::string> url_of(const std::string& topic_arn) const;
};

fs::path notification_topics_file(const StateHome& home);

// RegistryFileInvalid naming the file for a broken one (a URL that is not
// http:// or https:// included); no file: no topics.
Result<NotificationTopics> notification_topics_from_toml(std::string_view text,
                                                         std::string_view origin);
Result<NotificationTopics> load_notification_topics(const StateHome& home);

}  // namespace cachectl::core
