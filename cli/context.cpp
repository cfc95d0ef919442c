#include "cli/context.h"

#include <algorithm>

#include "os/notify_start.h"

namespace cachectl::cli {

void Context::record(const std::vector<core::Event>& list) {
  auto err = events.append(list);
  if (err && !event_error) event_error = err;
  if (!err && std::any_of(list.begin(), list.end(), [](const auto& e) { return !e.topic.empty(); }))
    os::start_notification_sender(home().root());
}

void Context::record_event(const std::string& cluster_id, const std::string& message) {
  auto r = registry.get(cluster_id);
  record({{cluster_id, "cache-cluster", message, clock.now(), r ? r->active_topic() : ""}});
}

void Context::record_events(const core::CacheClusterRecord& cluster,
                            const std::vector<std::string>& messages) {
  std::vector<core::Event> list;
  core::TimePoint now = clock.now();
  for (const auto& m : messages)
    list.push_back({cluster.id, "cache-cluster", m, now, cluster.active_topic()});
  record(list);
}

void Context::record_group_event(const std::string& group_id, const std::string& message) {
  auto g = core::ReplicationGroupStore(home()).get(group_id);
  if (g) return record_group_event(*g, message);
  record({{group_id, "replication-group", message, clock.now(), ""}});
}

void Context::record_group_event(const core::ReplicationGroupRecord& group,
                                 const std::string& message) {
  record({{group.id, "replication-group", message, clock.now(), group.notification_topic_arn}});
}

void Context::record_source_event(const std::string& source_type, const std::string& id,
                                  const std::string& message) {
  record({{id, source_type, message, clock.now(), ""}});
}

}  // namespace cachectl::cli
