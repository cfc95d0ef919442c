// core/files.h: files replaced whole, durably or not.
#include "core/files.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/unit/temp_dir.h"

namespace cachectl::core {
namespace {

class ReplaceTest : public ::testing::TestWithParam<bool> {
 protected:
  test_support::TempDir tmp_{"ccfiles"};
  bool replace(const fs::path& path, std::string_view content) {
    return GetParam() ? write_file_atomic(path, content) : replace_file(path, content);
  }
  std::size_t entries() {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(tmp_.path()), {}));
  }
};

TEST_P(ReplaceTest, ReplacesTheWholeFileAndLeavesNoTemporary) {
  fs::path file = tmp_.path() / "daemon.pid";
  ASSERT_TRUE(replace(file, "123\n"));
  ASSERT_TRUE(replace(file, "45\n"));
  EXPECT_EQ(read_file(file), "45\n");
  EXPECT_EQ(entries(), 1u);
}

// A symbolic link at the path is replaced, never written through.
TEST_P(ReplaceTest, ReplacesASymbolicLinkInsteadOfItsTarget) {
  fs::path target = tmp_.path() / "target";
  ASSERT_TRUE(replace(target, "keep\n"));
  fs::create_symlink(target, tmp_.path() / "link");
  ASSERT_TRUE(replace(tmp_.path() / "link", "new\n"));
  EXPECT_EQ(read_file(target), "keep\n");
  EXPECT_FALSE(fs::is_symlink(tmp_.path() / "link"));
  EXPECT_EQ(read_file(tmp_.path() / "link"), "new\n");
}

TEST_P(ReplaceTest, FailsInADirectoryThatIsNotThere) {
  EXPECT_FALSE(replace(tmp_.path() / "missing" / "file", "x"));
  EXPECT_EQ(entries(), 0u);
}

INSTANTIATE_TEST_SUITE_P(DurableOrNot, ReplaceTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Durable" : "Unsynced"; });

}  // namespace
}  // namespace cachectl::core
