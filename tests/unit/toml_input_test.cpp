// core/toml_input.h: TOML reaches toml++ only as ASCII with its nesting bounded.
#include "core/toml_input.h"

#include <gtest/gtest.h>

#include <algorithm>
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
  EXPECT_EQ((*t)["engines"][0]["s"].value_or(std::string()), "a.b.c.[[[{{{");
  EXPECT_EQ((*t)["engines"][0]["t"].value_or(std::string()), "x.y\"\"\" ");
}

TEST(TomlInput, DeepDottedKeysAndHeadersAreRefusedNotACrash) {
  // toml++ 3.3 overflows its stack near 200,000 levels of these.
  EXPECT_FALSE(parse_toml_bounded(DottedKey(200000) + " = 1\n").has_value());
  EXPECT_FALSE(parse_toml_bounded("[" + DottedKey(200000) + "]\n").has_value());
  EXPECT_FALSE(parse_toml_bounded("a = " + std::string(100000, '[')).has_value());
  EXPECT_TRUE(parse_toml_bounded(DottedKey(200) + " = 1\n").has_value());
  auto deep = prepare_toml("x = 1\n" + DottedKey(kMaxTomlNesting + 2) + " = 1");
  EXPECT_EQ(deep.problem, "line 2: nested too deeply (more than 256 levels)");
  // Dots and brackets inside strings and comments do not count.
  EXPECT_TRUE(
      prepare_toml("a = \"" + std::string(1000, '[') + "\" # " + std::string(1000, '.') + "\n")
          .ok());
}

TEST(TomlInput, BrokenTomlIsNulloptNotAnException) {
  EXPECT_FALSE(parse_toml_bounded("[[engines]\nengine = ").has_value());
  EXPECT_FALSE(parse_toml_bounded(std::string("a = \"\xff\"\n")).has_value());
  EXPECT_FALSE(parse_toml_bounded("a = \"open\nb = 1\n").has_value());
  EXPECT_FALSE(parse_toml_bounded("a = 'open\nb = 1\n").has_value());
  EXPECT_FALSE(parse_toml_bounded("a = '''open\n").has_value());
}

bool Ascii(const std::string& s) {
  return std::none_of(s.begin(), s.end(),
                      [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

// Every kind of string means after the rewrite what it meant before, and
// toml++ is never given a non-ASCII byte (its white-space test is undefined
// behaviour on some: found by fuzz_toml_records).
TEST(TomlInput, StringsKeepTheirValuesAndTheParserSeesOnlyAscii) {
  const std::string text = R"T("café" = 'déjà \ "vu"'  # été
b = "ﳿ \u00e9 \" 😀"
m = """
a\
   é"""""
l = '''
\ """ é ''x'''''
["té".'ké']
v = 1
)T";
  auto prepared = prepare_toml(text);
  ASSERT_TRUE(prepared.ok()) << prepared.problem;
  EXPECT_TRUE(Ascii(prepared.text)) << prepared.text;
  EXPECT_EQ(std::count(prepared.text.begin(), prepared.text.end(), '\n'),
            std::count(text.begin(), text.end(), '\n'));
  auto t = parse_toml_bounded(text);
  ASSERT_TRUE(t.has_value()) << prepared.text;
  EXPECT_EQ((*t)["café"].value_or(std::string()), R"(déjà \ "vu")");
  EXPECT_EQ((*t)["b"].value_or(std::string()), "ﳿ é \" 😀");
  EXPECT_EQ((*t)["m"].value_or(std::string()), "aé\"\"");
  EXPECT_EQ((*t)["l"].value_or(std::string()), R"(\ """ é ''x'')");
  EXPECT_EQ((*t)["té"]["ké"]["v"].value_or(0), 1);
}

TEST(TomlInput, TextThatWouldTripTheParserIsRefusedNamingItsLine) {
  // The fuzz case: toml++ looked past the quote of a broken date-time.
  const std::string fuzzed =
      "\n[[events]]\nsource_i= 2026-11-29T19:25:2\"ca\xef\xb3\xbf"
      "che-19:25:28.812Z\n";
  EXPECT_TRUE(Ascii(prepare_toml(fuzzed).text));
  EXPECT_FALSE(parse_toml_bounded(fuzzed).has_value());
  EXPECT_EQ(prepare_toml("a = 1\nb\xc2\xa0= 2\n").problem,
            "line 2: a non-ASCII character outside a string");
  EXPECT_EQ(prepare_toml("a = 1\n\nt = 2026-11-29T!9:00:00Z\n").problem,
            "line 3: a date-time needs a time after its 'T'");
  EXPECT_TRUE(prepare_toml("d = \"2026-11-29Tx\"\n").ok());  // only a value's date-time
  EXPECT_EQ(prepare_toml("a = \"\xc3\"\n").problem, "line 1: not UTF-8");
  EXPECT_EQ(prepare_toml("a = \"\xed\xa0\x80\"\n").problem, "line 1: not UTF-8");  // a surrogate
  EXPECT_EQ(prepare_toml("a = \"\xc1\xa9\"\n").problem, "line 1: not UTF-8");      // overlong
  EXPECT_EQ(prepare_toml("# \xff\n").problem, "line 1: not UTF-8");
  EXPECT_EQ(prepare_toml("m = \"\"\"\n\\\xc2\xa0\n\"\"\"\n").problem,
            "line 2: a backslash before a non-ASCII character in a string");
  EXPECT_EQ(prepare_toml("m = '''x''''''\n").problem,
            "line 1: more than five quotes in a row in a multi-line string");
}

}  // namespace
}  // namespace cachectl::core
