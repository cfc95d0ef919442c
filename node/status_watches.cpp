#include "node/status_watches.h"

#include <algorithm>

namespace cachectl::node {

void StatusWatches::add(RequestId id, std::string from, SteadyTime deadline) {
  watches_.push_back({id, std::move(from), deadline});
}

void StatusWatches::offer(const std::string& status, SteadyTime now,
                          const std::function<void(RequestId)>& answer) {
  std::vector<Watch> kept;
  std::vector<RequestId> due;
  for (auto& w : watches_) {
    if (w.from != status || now >= w.deadline) {
      due.push_back(w.id);
    } else {
      kept.push_back(std::move(w));
    }
  }
  watches_ = std::move(kept);
  for (RequestId id : due) answer(id);
}

SteadyTime StatusWatches::next_deadline() const {
  SteadyTime out = SteadyTime::max();
  for (const auto& w : watches_) out = std::min(out, w.deadline);
  return out;
}

}  // namespace cachectl::node
