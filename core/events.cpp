#include "core/events.h"

#include <fcntl.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/files.h"
#include "core/time_format.h"
#include "core/toml_fields.h"

namespace cachectl::core {

namespace {

// Blocks are separated by this line; every block starts with a newline so
// that a block torn by a dying writer cannot swallow the next header.
constexpr std::string_view kSeparator = "\n[[events]]\n";

// A TOML basic string on one line, whatever the text holds.
std::string toml_quoted(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out + "\"";
}

}  // namespace

Status EventLog::append(const Event& e) const {
  std::string block =
      std::string(kSeparator) + "source_identifier = " + toml_quoted(e.source_identifier) +
      "\nsource_type = " + toml_quoted(e.source_type) + "\nmessage = " + toml_quoted(e.message) +
      "\ndate = " + to_iso8601(e.date) + "\n";
  int fd = ::open(file_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return ApiError{kInvalidConfiguration,
                    "cannot record an event in " + file_.string() + ": " + std::strerror(errno)};
  ssize_t n = ::write(fd, block.data(), block.size());
  int e_write = errno;
  bool synced = n == static_cast<ssize_t>(block.size()) && ::fdatasync(fd) == 0;
  int e_sync = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(block.size())) {
    return ApiError{kInvalidConfiguration,
                    "cannot record an event in " + file_.string() + ": " +
                        (n < 0 ? std::strerror(e_write) : "short write (disk full?)")};
  }
  if (!synced)
    return ApiError{kInvalidConfiguration,
                    "cannot record an event in " + file_.string() + ": " + std::strerror(e_sync)};
  return std::nullopt;
}

Result<std::vector<Event>> parse_events(std::string_view text, std::string_view origin,
                                        const EventFilter& filter) {
  std::vector<Event> out;
  std::string all = "\n" + std::string(text);
  std::string where(origin);
  // Anything before the first block must be blank or comments.
  std::size_t pos = all.find(kSeparator);
  if (auto head = parse_state_file(std::string_view(all).substr(0, pos), origin); !head) {
    return head.error();
  } else if (!head->empty()) {
    return ApiError{kRegistryFileInvalid, where + ": line 1: expected [[events]] blocks only"};
  }
  while (pos != std::string::npos) {
    std::size_t body = pos + kSeparator.size();
    std::size_t next = all.find(kSeparator, body);
    std::string_view block = std::string_view(all).substr(
        body, next == std::string::npos ? std::string::npos : next - body);
    // The line of the block's [[events]] header in the file (`all` has one
    // more newline in front than the file).
    auto line = std::count(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(body), '\n') - 1;
    std::string at = where + ": [[events]] at line " + std::to_string(line);
    pos = next;
    auto parsed = parse_state_file(block, at);
    if (!parsed) return parsed.error();
    TomlFields f(*parsed, at);
    Event e{f.str("source_identifier"), f.str("source_type"), f.str("message"), f.time("date")};
    if (f.ok() && parsed->size() != 4) f.fail("(unknown)", "unexpected keys in an event");
    if (!f.ok()) return ApiError{kRegistryFileInvalid, f.error()};
    if (filter.source_identifier && e.source_identifier != *filter.source_identifier) continue;
    if (filter.source_type && e.source_type != *filter.source_type) continue;
    if (e.date < filter.start || e.date > filter.end) continue;
    out.push_back(std::move(e));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Event& a, const Event& b) { return a.date < b.date; });
  return out;
}

Result<std::vector<Event>> EventLog::read(const EventFilter& filter) const {
  auto text = read_file(file_);
  if (!text) {
    if (errno == ENOENT) return std::vector<Event>{};
    return ApiError{kRegistryFileInvalid, file_.string() + ": " + std::strerror(errno)};
  }
  return parse_events(*text, file_.string(), filter);
}

}  // namespace cachectl::core
