// core/toml_input.h: TOML reaches toml++ only with its nesting bounded.
#include "core/toml_input.h"

#include <gtest/gtest.h>

#include <string>

namespace cachectl::core {
namespace {

std::string DottedKey(int levels) {
  std::string s = "a";
  for (int i = 1; i < levels; ++i) s += ".a";
  return s;
}

TEST(TomlInput, OrdinaryFilesParse) {
  auto t = parse_toml_bounded(
      "key = \"redis-server:1:2;\"  # a.b.c [x]\n"
      "[[engines]]\nengine = \"redis\"\nversion = \"7.0.15\"\n"
      "s = '''a.b.c.[[[{{{'''\nt = \"\"\"x.y\\\"\"\" \"\"\"\nf = 1.5\n");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ((*t)["engines"][0]["version"].value_or(std::string()), "7.0.15");
}

TEST(TomlInput, DeepDottedKeysAndHeadersAreRefusedNotACrash) {
  // toml++ 3.3 overflows its stack near 200,000 levels of these.
  EXPECT_FALSE(parse_toml_bounded(DottedKey(200000) + " = 1\n").has_value());
  EXPECT_FALSE(parse_toml_bounded("[" + DottedKey(200000) + "]\n").has_value());
  EXPECT_FALSE(parse_toml_bounded("a = " + std::string(100000, '[')).has_value());
  EXPECT_TRUE(parse_toml_bounded(DottedKey(200) + " = 1\n").has_value());
  EXPECT_FALSE(toml_nesting_within(DottedKey(kMaxTomlNesting + 2) + " = 1"));
  // Dots and brackets inside strings and comments do not count.
  EXPECT_TRUE(toml_nesting_within("a = \"" + std::string(1000, '[') + "\" # " +
                                  std::string(1000, '.') + "\n"));
}

TEST(TomlInput, BrokenTomlIsNulloptNotAnException) {
  EXPECT_FALSE(parse_toml_bounded("[[engines]\nengine = ").has_value());
  EXPECT_FALSE(parse_toml_bounded(std::string("a = \"\xff\"\n")).has_value());
}

}  // namespace
}  // namespace cachectl::core
