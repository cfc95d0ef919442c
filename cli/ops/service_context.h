// What the create operations' rules ask of the world (core::ServiceContext):
// the installed engines, the time, the region, and whether snapshots and
// parameter groups of given names exist.
#pragma once

#include <nlohmann/json.hpp>

#include "cli/context.h"
#include "core/create_cluster.h"

namespace cachectl::cli {

// A snapshot named by the request whose record is broken is reported (its
// file named), not "not found".
core::Result<core::ServiceContext> make_service_context(Context& ctx,
                                                        const nlohmann::json& request);

}  // namespace cachectl::cli
