#include "core/events.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <toml++/toml.h>

#include "core/files.h"
#include "core/toml_fields.h"

namespace cachectl::core {

namespace {
constexpr std::string_view kHeader = "[[events]]\n";
}

Status EventLog::append(const Event& e) const {
  toml::table t{{"source_identifier", e.source_identifier},
                {"source_type", e.source_type},
                {"message", e.message},
                {"date", to_toml_time(e.date)}};
  std::ostringstream os;
  os << kHeader << t << "\n\n";
  std::string block = os.str();
  int fd = ::open(file_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return ApiError{kInvalidConfiguration, "cannot open " + file_.string() + ": " + std::strerror(errno)};
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
  std::string_view all = *text;
  std::size_t pos = all.find(kHeader);
  while (pos != std::string_view::npos) {
    std::size_t body = pos + kHeader.size();
    std::size_t next = all.find(std::string("\n") + std::string(kHeader), body);
    std::string_view block =
        all.substr(body, next == std::string_view::npos ? std::string_view::npos : next - body);
    pos = next == std::string_view::npos ? next : next + 1;
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
