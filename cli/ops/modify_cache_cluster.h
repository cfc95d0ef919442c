// modify-cache-cluster's work on one cluster record, without the refusals
// that protect a replication group's members from being changed one by one:
// modify-replication-group changes each member through it.
#pragma once

#include <nlohmann/json.hpp>

#include "cli/context.h"

namespace cachectl::cli {

core::Result<nlohmann::json> modify_cluster_record(Context& ctx, const nlohmann::json& request);

}  // namespace cachectl::cli
