// Long polls of a node's status: answered once the status moves from what
// the asker saw, or when their wait is over, and not before.
#include "node/status_watches.h"

#include <gtest/gtest.h>

#include <vector>

namespace cachectl::node {
namespace {

using namespace std::chrono_literals;

TEST(StatusWatches, AWatchIsAnsweredWhenTheStatusMovesOrItsWaitEnds) {
  StatusWatches w;
  SteadyTime t0{};
  EXPECT_EQ(w.next_deadline(), SteadyTime::max());
  w.add(1, "creating", t0 + 500ms);
  w.add(2, "creating", t0 + 100ms);
  EXPECT_EQ(w.next_deadline(), t0 + 100ms);
  std::vector<RequestId> answered;
  auto answer = [&](RequestId id) { answered.push_back(id); };
  w.offer("creating", t0 + 10ms, answer);
  EXPECT_TRUE(answered.empty()) << "nothing moved, no wait is over";
  w.offer("creating", t0 + 100ms, answer);
  EXPECT_EQ(answered, std::vector<RequestId>{2}) << "its wait is over";
  EXPECT_EQ(w.next_deadline(), t0 + 500ms);
  w.offer("available", t0 + 200ms, answer);
  EXPECT_EQ(answered, (std::vector<RequestId>{2, 1})) << "the status moved from creating";
  w.add(3, "available", t0 + 900ms);
  w.offer("rebooting", t0 + 250ms, answer);
  EXPECT_EQ(answered, (std::vector<RequestId>{2, 1, 3})) << "moved before it was offered";
  EXPECT_TRUE(w.empty());
  w.offer("deleting", t0 + 300ms, answer);
  EXPECT_EQ(answered.size(), 3u) << "each is answered once";
}

}  // namespace
}  // namespace cachectl::node
