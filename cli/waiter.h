// `cachectl wait NAME`: the waiters of waiters-2.json, run as aws-cli runs
// them (the acceptors decide), but polling quickly: local nodes start in
// milliseconds, not minutes.
#pragma once

#include "cli/context.h"

namespace cachectl::cli {

// Returns the exit code: 0 when a success acceptor matched, 255 (with
// aws-cli's message) on a failure acceptor, an unexpected error, or time out.
int run_waiter(Context& ctx, const std::string& waiter, const nlohmann::json& request);

}  // namespace cachectl::cli
