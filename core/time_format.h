// ISO 8601 timestamps as aws-cli prints them: UTC, milliseconds, "Z".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace cachectl::core {

std::string to_iso8601(TimePoint t);

// Accepts "2026-11-25", "2026-11-25T06:40:11", fractional seconds, and a "Z"
// or "+hh:mm" offset; also whole seconds since the epoch (as aws-cli does).
std::optional<TimePoint> parse_iso8601(std::string_view text);

}  // namespace cachectl::core
