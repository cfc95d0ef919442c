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
  int fd = ::open(file_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return ApiError{kInvalidConfiguration,
                    "cannot open " + file_.string() + ": " + std::strerror(errno)};
  ssize_t n = ::write(fd, block.data(), block.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(block.size())) {
    return ApiError{kInvalidConfiguration, "cannot append to " + file_.string()};
  }
  return std::nullopt;
}

std::vector<Event> EventLog::read(const EventFilter& filter) const {
  std::vector<Event> out;
  auto text = read_file(file_);
  if (!text) return out;
  std::string all = "\n" + *text;
  std::size_t pos = all.find(kSeparator);
  while (pos != std::string::npos) {
    std::size_t body = pos + kSeparator.size();
    std::size_t next = all.find(kSeparator, body);
    std::string_view block = std::string_view(all).substr(
        body, next == std::string::npos ? std::string::npos : next - body);
    pos = next;
    try {
      toml::table t = toml::parse(block);
      TomlFields f(t, file_.string());
      Event e{f.str("source_identifier"), f.str("source_type"), f.str("message"), f.time("date")};
      // A block torn or edited into nonsense is skipped, not fatal.
      if (!f.ok()) continue;
      if (filter.source_identifier && e.source_identifier != *filter.source_identifier) continue;
      if (filter.source_type && e.source_type != *filter.source_type) continue;
      if (e.date < filter.start || e.date > filter.end) continue;
      out.push_back(std::move(e));
    } catch (const toml::parse_error&) {
      continue;
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Event& a, const Event& b) { return a.date < b.date; });
  return out;
}

}  // namespace cachectl::core
