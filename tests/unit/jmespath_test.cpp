// What the compliance suite does not pin down: the queries aws-cli users write against
// ElastiCache output, error kinds and when they are raised, number kinds, Unicode, and
// hostile input.
#include "cli/jmespath/jmespath.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace {

using cachectl::jmespath::Error;
using cachectl::jmespath::ErrorKind;
using cachectl::jmespath::Expression;
using cachectl::jmespath::search;
using nlohmann::json;

const json kClusters = json::parse(R"({
  "CacheClusters": [
    {
      "CacheClusterId": "exampleredis",
      "CacheClusterStatus": "available",
      "Engine": "redis",
      "NumCacheNodes": 1,
      "CacheNodes": [
        {"CacheNodeId": "0001", "Endpoint": {"Address": "127.0.1.1", "Port": 6379}}
      ]
    },
    {
      "CacheClusterId": "cache-b",
      "CacheClusterStatus": "creating",
      "Engine": "memcached",
      "NumCacheNodes": 3,
      "CacheNodes": []
    },
    {
      "CacheClusterId": "cache-a",
      "CacheClusterStatus": "available",
      "Engine": "memcached",
      "NumCacheNodes": 2,
      "CacheNodes": [
        {"CacheNodeId": "0001", "Endpoint": {"Address": "127.0.1.2", "Port": 11211}},
        {"CacheNodeId": "0002", "Endpoint": {"Address": "127.0.1.3", "Port": 11211}}
      ]
    }
  ]
})");

// The kind of the Error that compiling and running text on data throws.
ErrorKind error_kind(const std::string& text, const json& data = json::object()) {
  try {
    Expression::compile(text).search(data);
  } catch (const Error& error) {
    return error.kind;
  }
  ADD_FAILURE() << text << " did not throw";
  return ErrorKind::Syntax;
}

TEST(Jmespath, AwsCliQueries) {
  EXPECT_EQ(search("CacheClusters[0].CacheNodes[0].Endpoint.Address", kClusters), "127.0.1.1");
  EXPECT_EQ(search("CacheClusters[?CacheClusterStatus=='available'].CacheClusterId", kClusters),
            json({"exampleredis", "cache-a"}));
  EXPECT_EQ(search("length(CacheClusters)", kClusters), 3);
  EXPECT_EQ(search("sort_by(CacheClusters, &CacheClusterId)[].CacheClusterId", kClusters),
            json({"cache-a", "cache-b", "exampleredis"}));
  EXPECT_EQ(search("sort_by(CacheClusters, &NumCacheNodes)[-1].CacheClusterId", kClusters),
            "cache-b");
  EXPECT_EQ(search("CacheClusters[].CacheNodes[].Endpoint.Address", kClusters),
            json({"127.0.1.1", "127.0.1.2", "127.0.1.3"}));
  EXPECT_EQ(search("CacheClusters[*].[CacheClusterId, Engine] | [0]", kClusters),
            json({"exampleredis", "redis"}));
  EXPECT_EQ(search("CacheClusters[?Engine=='memcached'] | length(@)", kClusters), 2);
  EXPECT_EQ(search("sum(CacheClusters[].NumCacheNodes)", kClusters), 6);
  EXPECT_EQ(search("max_by(CacheClusters, &NumCacheNodes).CacheClusterId", kClusters), "cache-b");
  EXPECT_EQ(search("CacheClusters[?NumCacheNodes > `1` && Engine == 'memcached'].CacheClusterId",
                   kClusters),
            json({"cache-b", "cache-a"}));
  EXPECT_EQ(
      search("CacheClusters[0].{Id: CacheClusterId, Port: CacheNodes[0].Endpoint.Port}", kClusters),
      json({{"Id", "exampleredis"}, {"Port", 6379}}));
  EXPECT_EQ(search("CacheClusters[?contains(CacheClusterId, 'cache')].CacheClusterId", kClusters),
            json({"cache-b", "cache-a"}));
  EXPECT_EQ(search("CacheClusters[5].CacheClusterId", kClusters), nullptr);
}

TEST(Jmespath, CompiledExpressionIsReusable) {
  Expression expression = Expression::compile("a.b");
  EXPECT_EQ(expression.text(), "a.b");
  EXPECT_EQ(expression.search(json::parse(R"({"a": {"b": 1}})")), 1);
  EXPECT_EQ(expression.search(json::parse(R"({"a": {"b": [2]}})")), json({2}));
  Expression copy = expression;
  EXPECT_EQ(copy.search(json::parse(R"({"a": 3})")), nullptr);
}

TEST(Jmespath, ResultDoesNotAliasInput) {
  json data = json::parse(R"({"a": {"b": [1, 2]}})");
  json result = search("a", data);
  data["a"]["b"] = 0;
  EXPECT_EQ(result, json::parse(R"({"b": [1, 2]})"));
}

TEST(Jmespath, CompileTimeErrors) {
  auto compile_kind = [](const std::string& text) {
    try {
      Expression::compile(text);
    } catch (const Error& error) {
      return error.kind;
    }
    ADD_FAILURE() << text << " compiled";
    return ErrorKind::InvalidValue;
  };
  EXPECT_EQ(compile_kind("foo[?a == 1]"), ErrorKind::Syntax);  // numbers need backticks
  EXPECT_EQ(compile_kind("a = b"), ErrorKind::Syntax);
  EXPECT_EQ(compile_kind("foo(a, )"), ErrorKind::Syntax);
  EXPECT_EQ(compile_kind("{a: b c: d}"), ErrorKind::Syntax);
  EXPECT_EQ(compile_kind("[1 2]"), ErrorKind::Syntax);
  EXPECT_EQ(compile_kind("(foo)(bar)"), ErrorKind::Syntax);
  EXPECT_EQ(compile_kind("nope(@)"), ErrorKind::UnknownFunction);
  EXPECT_EQ(compile_kind("length(a, b)"), ErrorKind::InvalidArity);
  EXPECT_EQ(compile_kind("merge()"), ErrorKind::InvalidArity);
  // A syntax error anywhere wins over a bad call before it.
  EXPECT_EQ(compile_kind("nope(@) | ]"), ErrorKind::Syntax);
  // Function errors are found even where evaluation would never reach.
  EXPECT_EQ(compile_kind("`true` || nope(@)"), ErrorKind::UnknownFunction);
}

TEST(Jmespath, SyntaxErrorsSayWhere) {
  try {
    Expression::compile("foo[bar");
    FAIL() << "compiled";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind, ErrorKind::Syntax);
    EXPECT_NE(std::string(error.what()).find("column 5"), std::string::npos) << error.what();
  }
}

TEST(Jmespath, RuntimeErrors) {
  EXPECT_EQ(error_kind("abs('x')"), ErrorKind::InvalidType);
  EXPECT_EQ(error_kind("sort(`[1, \"a\"]`)"), ErrorKind::InvalidType);
  EXPECT_EQ(error_kind("sort_by(`[{\"a\": 1}, {\"a\": \"b\"}]`, &a)"), ErrorKind::InvalidType);
  EXPECT_EQ(error_kind("not_null(&a)"), ErrorKind::InvalidType);
  EXPECT_EQ(error_kind("&a"), ErrorKind::InvalidType);
  EXPECT_EQ(error_kind("`[1, 2]`[::0]"), ErrorKind::InvalidValue);
}

TEST(Jmespath, NumbersKeepTheirKind) {
  json data = json::parse(R"({"i": [1, 2, 3], "f": [1.5, 2.5], "big": 9223372036854775807})");
  EXPECT_TRUE(search("sum(i)", data).is_number_integer());
  EXPECT_TRUE(search("sum(f)", data).is_number_float());
  EXPECT_TRUE(search("avg(i)", data).is_number_float());
  EXPECT_EQ(search("avg(i)", data), 2.0);
  json ceiling = search("ceil(`1.2`)", data);
  EXPECT_TRUE(ceiling.is_number_integer());
  EXPECT_EQ(ceiling, 2);
  EXPECT_TRUE(search("floor(`-1.5`)", data).is_number_integer());
  EXPECT_TRUE(search("to_number('4')", data).is_number_integer());
  EXPECT_TRUE(search("to_number('4.0')", data).is_number_float());
  EXPECT_EQ(search("to_number('1e3')", data), 1000.0);
  EXPECT_EQ(search("to_number(' 4')", data), nullptr);
  EXPECT_EQ(search("abs(`-3`)", data), 3);
  EXPECT_EQ(search("to_string(`1.0`)", data), "1.0");
  // An integer sum that overflows int64 is still the right number.
  EXPECT_DOUBLE_EQ(search("sum([big, big])", data).get<double>(), 1.8446744073709552e19);
}

TEST(Jmespath, Comparisons) {
  json data = json::parse(R"({"a": "a", "b": "b", "one": 1, "onef": 1.0, "t": true})");
  EXPECT_EQ(search("a < b", data), nullptr);  // ordering is for numbers only
  EXPECT_EQ(search("one < t", data), nullptr);
  EXPECT_EQ(search("one == onef", data), true);
  EXPECT_EQ(search("one == t", data), false);  // no truthy coercion
  EXPECT_EQ(search("`[1, {\"a\": 2}]` == `[1.0, {\"a\": 2}]`", data), true);
  EXPECT_EQ(search("one <= onef", data), true);
}

TEST(Jmespath, Truthiness) {
  json data = json::parse(R"({"zero": 0, "empty": "", "list": [], "obj": {}, "f": false})");
  EXPECT_EQ(search("zero || 'x'", data), 0);  // 0 is true
  EXPECT_EQ(search("empty || list || obj || f || 'x'", data), "x");
  EXPECT_EQ(search("!zero", data), false);
  EXPECT_EQ(search("list && 'x'", data), json::array());
  EXPECT_EQ(search("[?@]", json({0, "", nullptr, false, "a", json::array()})), json({0, "a"}));
}

TEST(Jmespath, Unicode) {
  json data = json::parse(R"({"s": "h\u00e9llo\u2713\ud834\udd1e",
                              "words": ["\ud834\udd1e", "\uffff", "z", "\u00e9", "a"]})");
  EXPECT_EQ(search("length(s)", data), 7);
  EXPECT_EQ(search("reverse(s)", data), "\xF0\x9D\x84\x9E\xE2\x9C\x93oll\xC3\xA9h");
  // Code point order puts U+FFFF before U+1D11E (UTF-16 order would not).
  EXPECT_EQ(search("sort(words)", data),
            json::parse(R"(["a", "z", "\u00e9", "\uffff", "\ud834\udd1e"])"));
  EXPECT_EQ(search("max(words)", data), "\xF0\x9D\x84\x9E");
  EXPECT_EQ(search("\"\\u2713\"", json::parse(R"({"\u2713": 1})")), 1);
  // Slices are for arrays: a string slices to null, as the specification says.
  EXPECT_EQ(search("s[0:2]", data), nullptr);
}

TEST(Jmespath, Literals) {
  json data = json::object();
  EXPECT_EQ(search("`foo`", data), "foo");  // legacy literal: not JSON, so a string
  EXPECT_EQ(search("`\"a\\`b\"`", data), "a`b");
  EXPECT_EQ(search("'it\\'s'", data), "it's");
  EXPECT_EQ(search("'a\\nb'", data), "a\\nb");  // raw: only \' is an escape
  EXPECT_EQ(search("`{\"a\": [1, 2.5]}`.a[1]", data), 2.5);
  EXPECT_EQ(error_kind("`{\"a\": `"), ErrorKind::Syntax);
}

TEST(Jmespath, ProjectionsAndNulls) {
  json data = json::parse(R"({"a": [{"b": 1}, {"c": 2}, {"b": null}, {"b": [3, 4]}],
                              "o": {"x": {"v": 1}, "y": {"w": 2}}})");
  EXPECT_EQ(search("a[*].b", data), json::parse("[1, [3, 4]]"));
  EXPECT_EQ(search("a[].b[]", data), json::parse("[1, 3, 4]"));
  EXPECT_EQ(search("map(&b, a)", data), json::parse("[1, null, null, [3, 4]]"));
  EXPECT_EQ(search("o.*.v", data), json::parse("[1]"));
  EXPECT_EQ(search("a[1:].b", data), json::parse("[[3, 4]]"));
  EXPECT_EQ(search("a[*].b | [0]", data), 1);
  EXPECT_EQ(search("missing.[a, b]", data), nullptr);
  EXPECT_EQ(search("missing.{a: a}", data), nullptr);
  EXPECT_EQ(search("a[::-2].b", data), json::parse("[[3, 4]]"));
}

TEST(Jmespath, SlicesFollowPython) {
  json data = json::parse("[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]");
  EXPECT_EQ(search("[8:1:-3]", data), json::parse("[8, 5, 2]"));
  EXPECT_EQ(search("[-3:]", data), json::parse("[7, 8, 9]"));
  EXPECT_EQ(search("[:-12:-4]", data), json::parse("[9, 5, 1]"));
  // Indices and steps beyond int64 saturate rather than overflow.
  EXPECT_EQ(search("[5::99999999999999999999]", data), json::parse("[5]"));
  EXPECT_EQ(search("[99999999999999999999::-4]", data), json::parse("[9, 5, 1]"));
  EXPECT_EQ(search("[-99999999999999999999]", data), nullptr);
}

TEST(Jmespath, DeepNestingIsASyntaxErrorNotACrash) {
  for (const char* unit : {"(", "[", "!", "{a:", "a[*].", "&"}) {
    std::string text;
    for (int i = 0; i < 20000; ++i) text += unit;
    text += "a";
    EXPECT_EQ(error_kind(text), ErrorKind::Syntax) << unit;
  }
  std::string literal = "`" + std::string(100000, '[') + std::string(100000, ']') + "`";
  EXPECT_EQ(error_kind(literal), ErrorKind::Syntax);
}

TEST(Jmespath, HundredThousandDeepIsASyntaxErrorNotACrash) {
  for (const char* unit : {"(", "[", "{a:", "!"}) {
    std::string text;
    for (int i = 0; i < 100000; ++i) text += unit;
    EXPECT_EQ(error_kind(text + "a"), ErrorKind::Syntax) << unit;
  }
  std::string path = "a";
  for (int i = 0; i < 100000; ++i) path += ".b";
  EXPECT_EQ(search(path, json::parse(R"({"a": {"b": 1}})")), nullptr);
}

// Found by fuzz/fuzz_jmespath (fuzz/regressions/jmespath/crash-9966...): a raw string
// holding bytes that are not UTF-8 compiled, and printing the result threw
// nlohmann::json::type_error out of --query.
TEST(Jmespath, InvalidUtf8IsASyntaxError) {
  for (std::string text :
       {std::string("'\xe2\x9c\t\0\x93'", 7), std::string("'\xff'"), std::string("'\xc0\xaf'"),
        std::string("'\xed\xa0\x80'"), std::string("'\xf4\x90\x80\x80'"), std::string("a.\x80")}) {
    EXPECT_EQ(error_kind(text), ErrorKind::Syntax)
        << json(text).dump(-1, ' ', true, json::error_handler_t::replace);
  }
  // Well-formed UTF-8 of every length still works, and where it cannot stand the
  // message shows the whole character.
  EXPECT_EQ(search("'\u00e9\u20ac\U0001f600'", json::object()), "\u00e9\u20ac\U0001f600");
  try {
    Expression::compile("a \u00e9");
    FAIL() << "compiled";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("'\u00e9'"), std::string::npos) << error.what();
  }
}

TEST(Jmespath, LongFlatPathsAreFine) {
  // a.a.a... and a[0][0]... are flat sequences, not nesting.
  std::string path = "a";
  for (int i = 0; i < 10000; ++i) path += ".a";
  EXPECT_EQ(search(path, json::parse(R"({"a": {"a": 1}})")), nullptr);
  std::string indices = "@";
  for (int i = 0; i < 10000; ++i) indices += "[0]";
  EXPECT_EQ(search(indices, json::parse("[[[1]]]")), nullptr);
}

}  // namespace
