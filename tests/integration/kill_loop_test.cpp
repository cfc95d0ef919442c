// The kill loop, small: 15 random kill -9 of cachectl during creates, grows,
// shrinks, deletes and snapshots (scripts/kill_loop.sh, which runs 200 by
// default); afterwards every cluster is usable and deletable with one
// command, and nothing leaked.
#include <cstdlib>

#include "tests/integration/harness.h"

namespace cachectl::testing {
namespace {

TEST_F(CachectlTest, KillLoopFifteenKillsLeaveNoLeak) {
  std::string command = "KILL_LOOP_HOME='" + home_ + "' CACHECTL_BIN_DIR='" + bin_dir_ +
                        "' KILL_LOOP_SEED=10 '" CACHECTL_SOURCE_DIR "/scripts/kill_loop.sh' 15";
  RunResult r = run_program({"bash", "-c", command});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("leaks found: 0"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("kills: 15 "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("problems: 0"), std::string::npos) << r.out << r.err;
}

}  // namespace
}  // namespace cachectl::testing
