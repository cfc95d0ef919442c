#include "core/clock.h"

#include <cstdlib>

#include "core/files.h"
#include "core/time_format.h"

namespace cachectl::core {

TimePoint FileClock::now() const {
  if (auto text = read_file(path_)) {
    while (!text->empty() && (text->back() == '\n' || text->back() == ' ')) text->pop_back();
    if (auto t = parse_iso8601(*text)) return *(last_ = *t);
  }
  return last_ ? *last_ : std::chrono::system_clock::now();
}

std::unique_ptr<Clock> clock_from_environment() {
  if (const char* path = std::getenv("CACHECTL_FAKE_CLOCK"); path && *path) {
    return std::make_unique<FileClock>(path);
  }
  return std::make_unique<SystemClock>();
}

}  // namespace cachectl::core
