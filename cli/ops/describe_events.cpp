// describe-events: the events of the last hour by default, or of
// --start-time/--end-time/--duration, newest first as ElastiCache returns
// them, a page at a time (core/events.h reads only the hours the window
// covers, from their ends).
#include "cli/context.h"
#include "cli/ops/request_fields.h"
#include "core/time_format.h"

namespace cachectl::cli {

core::Result<nlohmann::json> describe_events(Context& ctx, const nlohmann::json& request) {
  using namespace std::chrono;
  auto limit = max_records(request);
  if (!limit) return limit.error();
  core::EventQuery query;
  query.source_identifier = opt_string(request, "SourceIdentifier");
  query.source_type = opt_string(request, "SourceType");
  if (query.source_identifier && !query.source_type) {
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
  core::TimePoint now = ctx.clock.now();
  query.end = end->value_or(now);
  if (start->has_value()) {
    query.start = **start;
    if (duration && !end->has_value()) query.end = query.start + minutes(*duration);
  } else {
    query.start = query.end - minutes(duration.value_or(60));
  }
  if (query.end < query.start) return core::invalid_value("EndTime is before StartTime.");
  query.max_records = static_cast<std::size_t>(*limit);
  query.marker = opt_string(request, "Marker").value_or("");
  query.oldest_kept = now - core::kEventRetention;

  auto page = ctx.events.newest_first(query);
  if (!page) return page.error();
  nlohmann::json list = nlohmann::json::array();
  for (const auto& e : page->events) {
    list.push_back({{"SourceIdentifier", e.source_identifier},
                    {"SourceType", e.source_type},
                    {"Message", e.message},
                    {"Date", core::to_iso8601(e.date)}});
  }
  nlohmann::json response{{"Events", list}};
  if (!page->marker.empty()) response["Marker"] = page->marker;
  return response;
}

}  // namespace cachectl::cli
