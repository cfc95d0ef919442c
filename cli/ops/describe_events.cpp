// describe-events: the events of the last hour by default, or of
// --start-time/--end-time/--duration, oldest first, a page at a time.
#include "cli/context.h"
#include "cli/ops/request_fields.h"
#include "core/time_format.h"

namespace cachectl::cli {

core::Result<nlohmann::json> describe_events(Context& ctx, const nlohmann::json& request) {
  using namespace std::chrono;
  auto limit = max_records(request);
  if (!limit) return limit.error();
  core::EventFilter filter;
  filter.source_identifier = opt_string(request, "SourceIdentifier");
  filter.source_type = opt_string(request, "SourceType");
  if (filter.source_identifier && !filter.source_type) {
    return core::invalid_combination("SourceType must be given with SourceIdentifier.");
  }
  auto parse_time = [&](const char* key) -> core::Result<std::optional<core::TimePoint>> {
    auto text = opt_string(request, key);
    if (!text) return std::optional<core::TimePoint>();
    auto t = core::parse_iso8601(*text);
    if (!t)
      return core::invalid_value(std::string(key) + " '" + *text +
                                 "' is not an ISO 8601 timestamp.");
    return std::optional<core::TimePoint>(*t);
  };
  auto start = parse_time("StartTime");
  if (!start) return start.error();
  auto end = parse_time("EndTime");
  if (!end) return end.error();
  auto duration = opt_int(request, "Duration");
  if (duration && (*duration < 0 || *duration > 20160)) {
    return core::invalid_value("Duration must be between 0 and 20160 minutes (14 days).");
  }
  filter.end = end->value_or(ctx.clock.now());
  if (start->has_value()) {
    filter.start = **start;
    if (duration && !end->has_value()) filter.end = filter.start + minutes(*duration);
  } else {
    filter.start = filter.end - minutes(duration.value_or(60));
  }
  if (filter.end < filter.start) return core::invalid_value("EndTime is before StartTime.");

  auto read = ctx.events.read(filter);
  if (!read) return read.error();
  const std::vector<core::Event>& events = *read;
  std::size_t offset = 0;
  if (auto marker = opt_string(request, "Marker")) {
    try {
      offset = std::stoul(*marker);
    } catch (...) {
      return core::invalid_value("Invalid Marker: " + *marker);
    }
  }
  nlohmann::json list = nlohmann::json::array();
  std::size_t i = offset;
  for (; i < events.size() && static_cast<int>(list.size()) < *limit; ++i) {
    list.push_back({{"SourceIdentifier", events[i].source_identifier},
                    {"SourceType", events[i].source_type},
                    {"Message", events[i].message},
                    {"Date", core::to_iso8601(events[i].date)}});
  }
  nlohmann::json response{{"Events", list}};
  if (i < events.size()) response["Marker"] = std::to_string(i);
  return response;
}

}  // namespace cachectl::cli
