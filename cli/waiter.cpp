#include "cli/waiter.h"

#include <cstdlib>
#include <iostream>
#include <thread>

#include "cli/api_model.h"
#include "cli/jmespath/jmespath.h"

namespace cachectl::cli {
namespace {

using namespace std::chrono_literals;

enum class Outcome { kNone, kSuccess, kFailure, kRetry };

struct Match {
  Outcome outcome = Outcome::kNone;
  std::string reason;
};

Match evaluate(const ModelJson& acceptors, const core::Result<json>& result) {
  for (const auto& a : acceptors) {
    std::string matcher = a["matcher"];
    const json expected = json::parse(a["expected"].dump());
    bool matched = false;
    std::string how;
    if (matcher == "error") {
      matched = !result.ok() && result.error().code == expected;
      how = "Matched expected service error code: " + expected.get<std::string>();
    } else if (result.ok()) {
      json value;
      try {
        value = jmespath::search(a["argument"].get<std::string>(), result.value());
      } catch (const jmespath::Error&) {
        continue;
      }
      std::string expr = a["argument"];
      if (matcher == "path") {
        matched = value == expected;
        how = "For expression \"" + expr + "\" we matched expected path: " + expected.dump();
      } else if (matcher == "pathAll") {
        matched =
            value.is_array() && !value.empty() &&
            std::all_of(value.begin(), value.end(), [&](const json& v) { return v == expected; });
        how =
            "For expression \"" + expr + "\" all members matched excepted path: " + expected.dump();
      } else if (matcher == "pathAny") {
        matched = value.is_array() && std::any_of(value.begin(), value.end(),
                                                  [&](const json& v) { return v == expected; });
        how = "For expression \"" + expr + "\" we matched expected path: " + expected.dump() +
              " at least once";
      } else if (matcher == "status") {
        matched = expected == 200;
      }
    }
    if (!matched) continue;
    std::string state = a["state"];
    if (state == "success") return {Outcome::kSuccess, how};
    if (state == "failure") return {Outcome::kFailure, how};
    return {Outcome::kRetry, how};
  }
  return {};
}

}  // namespace

int run_waiter(Context& ctx, const std::string& waiter, const json& request) {
  const ModelJson& config = ApiModel::get().waiters()[waiter];
  const std::string operation = config["operation"];
  Handler handler = find_handler(operation);
  if (!handler) {
    std::cerr << "\nWaiter " << waiter << " failed: " << operation
              << " is not implemented by cachectl yet\n";
    return 255;
  }
  // aws-cli waits up to delay x maxAttempts; so do we, polling faster.
  auto budget = std::chrono::seconds(config.value("delay", 15) * config.value("maxAttempts", 40));
  if (const char* t = std::getenv("CACHECTL_WAIT_TIMEOUT"); t && *t)
    budget = std::chrono::seconds(std::atoi(t));
  auto start = std::chrono::steady_clock::now();
  // Nodes still on their way are asked to answer when their status changes
  // (a long poll), rather than again and again.
  ctx.status_wait = 500ms;
  for (;;) {
    core::Result<json> result = handler(ctx, request);
    Match m = evaluate(config["acceptors"], result);
    if (m.outcome == Outcome::kSuccess) return 0;
    if (m.outcome == Outcome::kFailure) {
      std::cerr << "\nWaiter " << waiter
                << " failed: Waiter encountered a terminal failure state: " << m.reason << "\n";
      return 255;
    }
    if (m.outcome == Outcome::kNone && !result.ok()) {
      std::cerr << "\nWaiter " << waiter << " failed: An error occurred (" << result.error().code
                << "): " << result.error().message << "\n";
      return 255;
    }
    auto elapsed = std::chrono::steady_clock::now() - start;
    if (elapsed > budget) {
      std::cerr << "\nWaiter " << waiter << " failed: Max attempts exceeded\n";
      return 255;
    }
    // When the next look waits on nodes on their way, it follows at once.
    // Otherwise: a node becomes available a few milliseconds after its
    // create returns (the engine's own start), so looked at closely then,
    // lazily later.
    if (!ctx.next_look_waits)
      std::this_thread::sleep_for(elapsed < 200ms ? 1ms : elapsed < 2s ? 5ms : 100ms);
  }
}

}  // namespace cachectl::cli
