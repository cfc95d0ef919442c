// model/: the API model compiled into cachectl is exactly the shared
// reference copy.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

TEST(ModelCopy, MatchesShared) {
  const std::filesystem::path ours = std::filesystem::path(CACHECTL_SOURCE_DIR) / "model";
  const std::filesystem::path shared = CACHECTL_SHARED_REFERENCE;
  for (const char* name : {"service-2.json", "waiters-2.json", "paginators-1.json"}) {
    std::string a = ReadAll(ours / name);
    std::string b = ReadAll(shared / name);
    EXPECT_FALSE(a.empty()) << ours / name;
    EXPECT_EQ(a.size(), b.size()) << name;
    EXPECT_TRUE(a == b) << name << " differs between " << ours << " and " << shared;
  }
}

}  // namespace
