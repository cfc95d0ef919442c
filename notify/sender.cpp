#include "notify/sender.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/files.h"
#include "core/notification_topics.h"
#include "core/time_format.h"
#include "os/notify_start.h"

namespace cachectl::notify {

namespace {

std::filesystem::path cursor_file(const core::StateHome& home) {
  return os::notify_dir(home.root()) / "cursor";
}

// FNV-1a: a stable id for a delivery, the same at every retry and run.
std::string message_id(const std::string& where) {
  auto fnv = [&](std::uint64_t h) {
    for (unsigned char c : where) h = (h ^ c) * 1099511628211ull;
    return h;
  };
  char buf[40];
  std::uint64_t a = fnv(14695981039346656037ull), b = fnv(a ^ 0x9e3779b97f4a7c15ull);
  std::snprintf(
      buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx",
      static_cast<unsigned long long>(a >> 32), static_cast<unsigned long long>(a >> 16 & 0xffff),
      static_cast<unsigned long long>(a & 0xffff), static_cast<unsigned long long>(b >> 48),
      static_cast<unsigned long long>(b & 0xffffffffffffull));
  return buf;
}

}  // namespace

std::string notification_body(const core::Event& e, const std::string& id) {
  nlohmann::ordered_json event{{"SourceIdentifier", e.source_identifier},
                               {"SourceType", e.source_type},
                               {"Message", e.message},
                               {"Date", core::to_iso8601(e.date)}};
  nlohmann::ordered_json body{
      {"Type", "Notification"},
      {"MessageId", id},
      {"TopicArn", e.topic},
      {"Subject", "ElastiCache Notification"},
      {"Message", event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)},
      {"Timestamp", core::to_iso8601(e.date)}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Sender::Sender(core::StateHome home, Post post, SenderOptions options)
    : home_(std::move(home)), log_(home_.events_dir()), post_(std::move(post)), options_(options) {
  if (auto text = core::read_file(cursor_file(home_))) {
    std::istringstream in(*text);
    std::string name;
    std::uint64_t offset = 0;
    while (in >> name >> offset) read_[name] = offset;
  }
  saved_ = read_;
}

void Sender::read_new(SteadyTime now) {
  auto segments = log_.segments();
  std::set<std::string> present(segments.begin(), segments.end());
  for (auto it = read_.begin(); it != read_.end();)  // removed by the retention
    it = present.count(it->first) ? std::next(it) : read_.erase(it);
  auto oldest = std::chrono::system_clock::now() - options_.too_old;
  for (const auto& name : segments) {
    std::uint64_t& offset = read_[name];
    auto events = log_.read_from(name, offset);
    if (!events) {
      std::fprintf(stderr, "cachectl-notify: %s\n", events.error().message.c_str());
      continue;
    }
    for (auto& p : *events) {
      if (!p.event.topic.empty() && p.event.date >= oldest) {
        Delivery d;
        d.segment = name;
        d.start = offset;
        d.end = p.end;
        d.event = std::move(p.event);
        d.next_try = now;
        d.first_try = now;
        pending_.push_back(std::move(d));
      }
      offset = p.end;
    }
  }
}

std::chrono::milliseconds Sender::pass(SteadyTime now) {
  read_new(now);
  auto topics = core::load_notification_topics(home_);
  auto next = SteadyTime::max();
  if (!topics) {
    // Nothing is dropped while the file is broken; it is read again.
    std::fprintf(stderr, "cachectl-notify: %s\n", topics.error().message.c_str());
    next = now + std::chrono::seconds(1);
  } else {
    std::set<std::string> blocked;  // topics whose earlier delivery waits
    for (auto& d : pending_) {
      if (blocked.count(d.event.topic)) continue;
      auto url = topics->url_of(d.event.topic);
      if (!url) {
        d.done = true;  // a topic with no URL: recorded, sent nowhere
        continue;
      }
      if (d.next_try > now) {
        blocked.insert(d.event.topic);
        next = std::min(next, d.next_try);
        continue;
      }
      std::string why =
          post_(*url, d.event.topic,
                notification_body(d.event, message_id(d.segment + "@" + std::to_string(d.end))));
      if (why.empty()) {
        d.done = true;
        continue;
      }
      ++d.attempts;
      if (now - d.first_try >= options_.give_up) {
        std::fprintf(stderr,
                     "cachectl-notify: gave up sending \"%s\" to %s after %d attempts: %s\n",
                     d.event.message.c_str(), url->c_str(), d.attempts, why.c_str());
        d.done = true;
        continue;
      }
      auto backoff = options_.first_backoff * (1LL << std::min(d.attempts - 1, 20));
      d.next_try = now + std::min<std::chrono::milliseconds>(backoff, options_.max_backoff);
      next = std::min(next, d.next_try);
      blocked.insert(d.event.topic);
    }
  }
  // The cursor: where each segment's first delivery still to come starts.
  std::map<std::string, std::uint64_t> cursor = read_;
  for (const auto& d : pending_)
    if (!d.done && d.start < cursor[d.segment]) cursor[d.segment] = d.start;
  pending_.erase(
      std::remove_if(pending_.begin(), pending_.end(), [](const Delivery& d) { return d.done; }),
      pending_.end());
  if (cursor != saved_) {
    saved_ = cursor;
    save_cursor();
  }
  if (next == SteadyTime::max()) return std::chrono::milliseconds::max();
  return std::chrono::duration_cast<std::chrono::milliseconds>(next - now);
}

bool Sender::has_unread() const {
  for (const auto& name : log_.segments()) {
    auto it = read_.find(name);
    auto events = log_.read_from(name, it == read_.end() ? 0 : it->second);
    if (events && !events->empty()) return true;
  }
  return false;
}

void Sender::save_cursor() {
  std::string text;
  for (const auto& [name, offset] : saved_) text += name + " " + std::to_string(offset) + "\n";
  ::mkdir(os::notify_dir(home_.root()).c_str(), 0700);
  if (!core::replace_file(cursor_file(home_), text))
    std::fprintf(stderr, "cachectl-notify: cannot write %s\n", cursor_file(home_).c_str());
}

}  // namespace cachectl::notify
