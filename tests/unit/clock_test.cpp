// core/clock.h: the file clock that tests use to move running daemons' time.
#include "core/clock.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/time_format.h"
#include "tests/unit/temp_dir.h"

namespace cachectl::core {
namespace {

class FileClockTest : public ::testing::Test {
 protected:
  test_support::TempDir tmp_{"cachectl-clock"};
  std::string file_ = tmp_.path() / "clock";
  void write(const std::string& text) { std::ofstream(file_, std::ios::trunc) << text; }
  std::string reading(const FileClock& clock) { return to_iso8601(clock.now()); }
};

TEST_F(FileClockTest, ReadsTheTimeInItsFile) {
  write("2026-12-01T05:10:00Z\n");
  FileClock clock(file_);
  EXPECT_EQ(reading(clock), "2026-12-01T05:10:00.000Z");
  write("2026-12-02T07:00:00Z");
  EXPECT_EQ(reading(clock), "2026-12-02T07:00:00.000Z");
}

// A writer that truncates before it writes (a shell's ">") must not send the
// clock to today's date for one read: retention would judge every snapshot
// by it (the cause of a CI failure once the real date passed the tests' dates).
TEST_F(FileClockTest, AHalfWrittenFileKeepsTheLastTimeRead) {
  write("2026-12-01T05:10:00Z\n");
  FileClock clock(file_);
  ASSERT_EQ(reading(clock), "2026-12-01T05:10:00.000Z");
  for (const char* half : {"", "2026-12-0", "2026-12-01T05:1"}) {
    write(half);
    EXPECT_EQ(reading(clock), "2026-12-01T05:10:00.000Z") << "'" << half << "'";
  }
  std::filesystem::remove(file_);
  EXPECT_EQ(reading(clock), "2026-12-01T05:10:00.000Z");
}

TEST_F(FileClockTest, IsTheSystemClockUntilItsFileIsReadable) {
  FileClock clock(file_);
  auto before = std::chrono::system_clock::now();
  auto t = clock.now();
  EXPECT_GE(t, before);
  EXPECT_LE(t, std::chrono::system_clock::now());
}

}  // namespace
}  // namespace cachectl::core
