#include "core/events.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>

#include "core/files.h"

namespace cachectl::core {

namespace {

using namespace std::chrono;

constexpr std::string_view kSegmentSuffix = ".events";
constexpr std::size_t kDateKeyLength = 27;  // 2026-12-04T22:51:11.123456Z
constexpr std::string_view kLinePrefix = "{\"date\":\"";

// Dates as the store writes them: fixed width, so that comparing two of
// them as text compares the times (no parsing while scanning).
std::string date_key(TimePoint t) {
  auto us = duration_cast<microseconds>(t.time_since_epoch()).count();
  if (us < 0) us = 0;
  auto day = floor<days>(sys_time<microseconds>(microseconds(us)));
  year_month_day ymd{day};
  auto in_day = microseconds(us) - duration_cast<microseconds>(day.time_since_epoch());
  long long s = duration_cast<seconds>(in_day).count();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), s / 3600, s / 60 % 60, s % 60,
                static_cast<long long>(in_day.count() % 1000000));
  return buf;
}

bool digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
  if (at + n > s.size()) return false;
  for (std::size_t i = at; i < at + n; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  std::from_chars(s.data() + at, s.data() + at + n, out);
  return true;
}

// The start of the hour "YYYY-MM-DDTHH" (the first 13 characters of `s`).
std::optional<TimePoint> parse_hour(std::string_view s) {
  int y, mo, d, h;
  if (s.size() < 13 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || s[10] != 'T' || !digits(s, 11, 2, h) || h > 23)
    return std::nullopt;
  year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  return TimePoint(sys_days(ymd)) + hours(h);
}

std::optional<TimePoint> parse_date_key(std::string_view s) {
  int mi, se, us;
  if (s.size() != kDateKeyLength || s[13] != ':' || !digits(s, 14, 2, mi) || mi > 59 ||
      s[16] != ':' || !digits(s, 17, 2, se) || se > 59 || s[19] != '.' || !digits(s, 20, 6, us) ||
      s[26] != 'Z')
    return std::nullopt;
  auto hour = parse_hour(s);
  if (!hour) return std::nullopt;
  return *hour + minutes(mi) + seconds(se) + microseconds(us);
}

std::string segment_name(TimePoint t) {
  return date_key(t).substr(0, 13) + std::string(kSegmentSuffix);
}

// The hour a segment holds, or nullopt for a name that is not a segment's.
std::optional<TimePoint> segment_hour(std::string_view name) {
  if (name.size() != 13 + kSegmentSuffix.size() || !name.ends_with(kSegmentSuffix))
    return std::nullopt;
  return parse_hour(name);
}

ApiError cannot_record(const fs::path& file, const std::string& why) {
  return ApiError{kInvalidConfiguration, "cannot record an event in " + file.string() + ": " + why};
}

// A read-only view of a whole file (empty for an empty or missing one).
class MappedFile {
 public:
  explicit MappedFile(const fs::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      error_ = errno == ENOENT ? 0 : errno;
      return;
    }
    struct stat st {};
    if (::fstat(fd, &st) == 0 && st.st_size > 0) {
      void* p =
          ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
      if (p != MAP_FAILED) {
        data_ = static_cast<const char*>(p);
        size_ = static_cast<std::size_t>(st.st_size);
      } else {
        error_ = errno;
      }
    }
    ::close(fd);
  }
  ~MappedFile() {
    if (data_) ::munmap(const_cast<char*>(data_), size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  std::string_view text() const { return {data_ ? data_ : "", size_}; }
  int error() const { return error_; }

 private:
  const char* data_ = nullptr;
  std::size_t size_ = 0;
  int error_ = 0;
};

// The date key of a line without parsing it (every line this store writes
// starts with it), else by parsing; nullopt for a broken line.
std::optional<std::string_view> line_date(std::string_view line, std::string& scratch) {
  if (line.size() > kLinePrefix.size() + kDateKeyLength && line.starts_with(kLinePrefix) &&
      line[kLinePrefix.size() + kDateKeyLength] == '"')
    return line.substr(kLinePrefix.size(), kDateKeyLength);
  auto e = parse_event_line(line);
  if (!e) return std::nullopt;
  scratch = date_key(e->date);
  return scratch;
}

}  // namespace

std::string event_line(const Event& e) {
  auto quoted = [](const std::string& s) {
    return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  std::string line = std::string(kLinePrefix) + date_key(e.date) +
                     "\",\"type\":" + quoted(e.source_type) +
                     ",\"id\":" + quoted(e.source_identifier) + ",\"message\":" + quoted(e.message);
  if (!e.topic.empty()) line += ",\"topic\":" + quoted(e.topic);
  return line + "}";
}

std::optional<Event> parse_event_line(std::string_view line) {
  auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  auto text = [&](const char* key) -> const std::string* {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
  };
  const std::string *date = text("date"), *type = text("type"), *id = text("id"),
                    *message = text("message"), *topic = text("topic");
  if (!date || !type || !id || !message || (j.contains("topic") && !topic)) return std::nullopt;
  auto when = parse_date_key(*date);
  if (!when) return std::nullopt;
  return Event{*id, *type, *message, *when, topic ? *topic : ""};
}

Status EventLog::append(const std::vector<Event>& events) const {
  // One block per segment, each event behind a newline of its own.
  std::map<std::string, std::string> blocks;
  for (const auto& e : events) blocks[segment_name(e.date)] += "\n" + event_line(e);
  for (const auto& [name, block] : blocks) {
    fs::path file = dir_ / name;
    int flags = O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC;
    int fd = ::open(file.c_str(), flags | O_EXCL, 0600);
    bool created = fd >= 0;
    if (fd < 0 && errno == ENOENT) {
      ::mkdir(dir_.c_str(), 0700);
      fd = ::open(file.c_str(), flags | O_EXCL, 0600);
      created = fd >= 0;
    }
    if (fd < 0 && errno == EEXIST) fd = ::open(file.c_str(), flags, 0600);
    if (fd < 0) return cannot_record(file, std::strerror(errno));
    ssize_t n = ::write(fd, block.data(), block.size());
    int e_write = errno;
    bool synced = n == static_cast<ssize_t>(block.size()) && ::fdatasync(fd) == 0;
    int e_sync = errno;
    ::close(fd);
    if (n != static_cast<ssize_t>(block.size()))
      return cannot_record(file, n < 0 ? std::strerror(e_write) : "short write (disk full?)");
    if (!synced) return cannot_record(file, std::strerror(e_sync));
    if (created) {
      if (!sync_directory(dir_)) return cannot_record(file, std::strerror(errno));
      // A new hour: the segments that left the retention window go. Real
      // time decides, not the events' (a daemon under a test's fake clock
      // must not delete the present).
      auto horizon = system_clock::now() - kEventRetention - hours(1);
      for (const auto& old : segments()) {
        auto hour = segment_hour(old);
        if (hour && *hour < horizon) ::unlink((dir_ / old).c_str());
      }
    }
  }
  return std::nullopt;
}

std::vector<std::string> EventLog::segments() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    std::string name = e.path().filename().string();
    if (segment_hour(name)) out.push_back(std::move(name));
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<EventPage> EventLog::newest_first(const EventQuery& q) const {
  EventPage page;
  TimePoint start = std::max(q.start, q.oldest_kept);
  if (q.end < start || q.max_records == 0) return page;
  const std::string start_key = date_key(start), end_key = date_key(q.end);

  // The marker: SEGMENT@OFFSET, the part of SEGMENT still to read.
  std::string from_segment;
  std::uint64_t from_offset = UINT64_MAX;
  if (!q.marker.empty()) {
    auto at = q.marker.find('@');
    const char* last = q.marker.data() + q.marker.size();
    bool valid = at != std::string::npos && segment_hour(q.marker.substr(0, at)) &&
                 std::from_chars(q.marker.data() + at + 1, last, from_offset).ptr == last &&
                 at + 1 < q.marker.size();
    if (!valid) return invalid_value("Invalid Marker: " + q.marker);
    from_segment = q.marker.substr(0, at);
  }
  std::optional<std::string> id_text;
  if (q.source_identifier) id_text = "\"id\":" + nlohmann::json(*q.source_identifier).dump();

  const auto names = segments();
  std::string scratch;
  for (auto it = names.rbegin(); it != names.rend(); ++it) {
    const std::string& name = *it;
    TimePoint hour = *segment_hour(name);
    if (hour > q.end) continue;
    if (hour + hours(1) <= start) break;  // this one and all before are older
    if (!from_segment.empty() && name > from_segment) continue;
    MappedFile file(dir_ / name);
    if (file.error()) {
      return ApiError{kRegistryFileInvalid,
                      (dir_ / name).string() + ": " + std::strerror(file.error())};
    }
    std::string_view text = file.text();
    std::size_t p =
        name == from_segment ? std::min<std::uint64_t>(from_offset, text.size()) : text.size();
    // Lines from the end backwards.
    while (p > 0) {
      const void* nl = ::memrchr(text.data(), '\n', p);
      std::size_t begin =
          nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - text.data()) + 1 : 0;
      std::string_view line = text.substr(begin, p - begin);
      std::size_t line_end = p;
      p = begin > 0 ? begin - 1 : 0;
      if (line.empty()) continue;
      auto date = line_date(line, scratch);
      if (!date || *date < start_key || *date > end_key) continue;  // broken, or out of the window
      if (id_text && line.find(*id_text) == std::string_view::npos) continue;
      auto e = parse_event_line(line);
      if (!e) continue;
      if (q.source_identifier && e->source_identifier != *q.source_identifier) continue;
      if (q.source_type && e->source_type != *q.source_type) continue;
      if (page.events.size() == q.max_records) {
        page.marker = name + "@" + std::to_string(line_end);
        return page;
      }
      page.events.push_back(std::move(*e));
    }
  }
  return page;
}

Result<std::vector<PositionedEvent>> EventLog::read_from(const std::string& name,
                                                         std::uint64_t offset) const {
  std::vector<PositionedEvent> out;
  if (!segment_hour(name)) return out;
  MappedFile file(dir_ / name);
  if (file.error())
    return ApiError{kRegistryFileInvalid,
                    (dir_ / name).string() + ": " + std::strerror(file.error())};
  std::string_view text = file.text();
  std::size_t p = std::min<std::uint64_t>(offset, text.size());
  while (p < text.size()) {
    std::size_t nl = text.find('\n', p);
    std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(p, end - p);
    if (!line.empty()) {
      auto e = parse_event_line(line);
      if (e) {
        out.push_back({std::move(*e), end});
      } else if (nl == std::string_view::npos) {
        break;  // maybe a write in progress: not passed
      }
    }
    if (nl == std::string_view::npos) break;
    p = nl + 1;
  }
  return out;
}

}  // namespace cachectl::core
