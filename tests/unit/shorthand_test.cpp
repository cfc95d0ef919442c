// cli/shorthand.h: aws-cli's shorthand grammar. Every expected value below
// is what awscli.shorthand.ShorthandParser (aws-cli 1.45.11) gives for the
// same text, pasted literally; messages are its first line (aws-cli 1.45
// prints its location part unformatted, so the location follows its older,
// intended format: the input, then a caret under where parsing stopped).
#include "cli/shorthand.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace cachectl::cli::shorthand {
namespace {

using ordered = nlohmann::ordered_json;

std::string Parsed(const std::string& text) {
  auto r = parse(text);
  if (!r) return "ERROR " + r.error().message;
  return r->dump();
}

std::string ErrorOf(const std::string& text) {
  auto r = parse(text);
  if (r) {
    ADD_FAILURE() << "parsed: " << text << " -> " << r->dump();
    return "";
  }
  EXPECT_EQ(r.error().code, kShorthandError);
  return r.error().message;
}

TEST(Shorthand, ParsesAsAwsCliDoes) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"a=b", R"sh({"a": "b"})sh"},
      {"a=b,c=d", R"sh({"a": "b", "c": "d"})sh"},
      {"a=b,c", R"sh({"a": ["b", "c"]})sh"},
      {"a=b,c,d", R"sh({"a": ["b", "c", "d"]})sh"},
      {"a=b,c=d,e", R"sh({"a": "b", "c": ["d", "e"]})sh"},
      {"foo=a,b,c=d,e=f", R"sh({"foo": ["a", "b"], "c": "d", "e": "f"})sh"},
      {"ParameterName=timeout,ParameterValue",
       R"sh({"ParameterName": ["timeout", "ParameterValue"]})sh"},
      {"ParameterName=timeout,ParameterValue=5",
       R"sh({"ParameterName": "timeout", "ParameterValue": "5"})sh"},
      {"a=", R"sh({"a": ""})sh"},
      {"a=,b=c", R"sh({"a": "", "b": "c"})sh"},
      {"a=,b=", R"sh({"a": "", "b": ""})sh"},
      {"a= b", R"sh({"a": "b"})sh"},
      {"a=b ", R"sh({"a": "b"})sh"},
      {"a=b c", R"sh({"a": "b c"})sh"},
      {"a=b\tc", R"sh({"a": "b\tc"})sh"},
      {"a='b,c'", R"sh({"a": "b,c"})sh"},
      {"a=\"b,c\"", R"sh({"a": "b,c"})sh"},
      {"a='it\\'s'", R"sh({"a": "it's"})sh"},
      {"a=\"say \\\"hi\\\"\"", R"sh({"a": "say \"hi\""})sh"},
      {"a='x\\\\y'", R"sh({"a": "x\\y"})sh"},
      {"a='x\\\\'", R"sh({"a": "x\\"})sh"},
      {"a='b'", R"sh({"a": "b"})sh"},
      {"a=''", R"sh({"a": ""})sh"},
      {"a=\"\"", R"sh({"a": ""})sh"},
      {"a=b\\,c", R"sh({"a": "b,c"})sh"},
      {"a=b\\,c,d", R"sh({"a": ["b,c", "d"]})sh"},
      {"a=\\,", R"sh({"a": ","})sh"},
      {"a=b\\c", R"sh({"a": "b\\c"})sh"},
      {"a=[]", R"sh({"a": []})sh"},
      {"a=[b]", R"sh({"a": ["b"]})sh"},
      {"a=[b,c]", R"sh({"a": ["b", "c"]})sh"},
      {"a=[ b , c ]", R"sh({"a": ["b", "c"]})sh"},
      {"a=[b,]", R"sh({"a": ["b"]})sh"},
      {"a=[,]", R"sh({"a": [""]})sh"},
      {"a=[[b],[c,d]]", R"sh({"a": [["b"], ["c", "d"]]})sh"},
      {"a={}", R"sh({"a": {}})sh"},
      {"a={b=c}", R"sh({"a": {"b": "c"}})sh"},
      {"a={b=c,d=e}", R"sh({"a": {"b": "c", "d": "e"}})sh"},
      {"a={ b = c , d = e }", R"sh({"a": {"b": "c", "d": "e"}})sh"},
      {"a={b=[c,d],e={f=g}}", R"sh({"a": {"b": ["c", "d"], "e": {"f": "g"}}})sh"},
      {"a={b=c,b=d}", R"sh({"a": {"b": "d"}})sh"},
      {"a=[{b=c},{d=e}]", R"sh({"a": [{"b": "c"}, {"d": "e"}]})sh"},
      {"a=['x,y',\"z]\"]", R"sh({"a": ["x,y", "z]"]})sh"},
      {"a={b='}'}", R"sh({"a": {"b": "}"}})sh"},
      {"a=b=c", R"sh({"a": "b=c"})sh"},
      {"a=b[c", R"sh({"a": "b[c"})sh"},
      {"a=b{c", R"sh({"a": "b{c"})sh"},
      {"a.b-c_d#e/f:g=h", R"sh({"a.b-c_d#e/f:g": "h"})sh"},
      {"=b", R"sh({"": "b"})sh"},
      {"a=é", R"sh({"a": "é"})sh"},
      {"a=日本,b=ß", R"sh({"a": "日本", "b": "ß"})sh"},
      {"k=v ", R"sh({"k": "v"})sh"},
      {"a=b\nc=d", R"sh({"a": "b\nc=d"})sh"},
      {"a=b,\nc=d", R"sh({"a": "b", "c": "d"})sh"},
      {"Key=team,Value=a,b", R"sh({"Key": "team", "Value": ["a", "b"]})sh"},
      {"a=b,,c=d", R"sh({"a": "b", "c": "d"})sh"},
      {"a=1,2,3", R"sh({"a": ["1", "2", "3"]})sh"},
      {"a=[b c]", R"sh({"a": ["b c"]})sh"},
      {"a = 'x' , b = \"y\"", R"sh({"a": "x", "b": "y"})sh"},
      {"a=\"x\\\\\"", R"sh({"a": "x\\"})sh"},
      {"a='x\\'", R"sh({"a": "x\\"})sh"},
      {"a=b,'c'", R"sh({"a": ["b", "c"]})sh"},
      {"a=b,\"c\",d", R"sh({"a": ["b", "c", "d"]})sh"},
      {"a=b,c\\,d", R"sh({"a": ["b", "c,d"]})sh"},
      {"a=[b,[c,[d]]]", R"sh({"a": ["b", ["c", ["d"]]]})sh"},
      {"a={b={c={d=e}}}", R"sh({"a": {"b": {"c": {"d": "e"}}}})sh"},
      {"a=[{}]", R"sh({"a": [{}]})sh"},
      {"a={b=,c=d}", R"sh({"a": {"b": "", "c": "d"}})sh"},
      {"a=[b,{c=d}]", R"sh({"a": ["b", {"c": "d"}]})sh"},
      {"a@=b", R"sh({"a": "b"})sh"},
      {"a @= b", R"sh({"a": "b"})sh"},
  };
  for (const auto& [text, expected] : cases)
    EXPECT_EQ(Parsed(text), ordered::parse(expected).dump()) << "input: " << text;
}

TEST(Shorthand, RefusesWhatAwsCliRefuses) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {" a = b , c = d ", "Expected: '=', received: 'a' for input:"},
      {"a=b]c", "Expected: ',', received: ']' for input:"},
      {"a=b}c", "Expected: ',', received: '}' for input:"},
      {"a=[b}c]", "Expected: ',', received: '}' for input:"},
      {"a='unterminated", "Expected: '<singled quoted>', received: '<none>' for input:"},
      {"a=b,'c", "Expected: '=', received: ''' for input:"},
      {"a=[b", "Expected: ',', received: 'EOF' for input:"},
      {"a={b=c", "Expected: ',', received: 'EOF' for input:"},
      {"a={b}", "Expected: '=', received: '}' for input:"},
      {"a=b,c=d,a=e", "Second instance of key \"a\" encountered for input:"},
      {"novalue", "Expected: '=', received: 'EOF' for input:"},
      {"a", "Expected: '=', received: 'EOF' for input:"},
      {"", "Expected: '=', received: 'EOF' for input:"},
      {",", "Expected: '=', received: ',' for input:"},
      {"a=b,", "Expected: '<second>', received: '<none>' for input:"},
      {"a=b,c,", "Expected: '<second>', received: '<none>' for input:"},
      {"a=[b]x", "Expected: ',', received: 'x' for input:"},
      {"a=b,c d=e", "Expected: '=', received: 'd' for input:"},
      {"a='x' y", "Expected: ',', received: 'y' for input:"},
      {"a='x\\' y", "Expected: ',', received: 'y' for input:"},
      {"a={b=}", "Expected: ',', received: 'EOF' for input:"},
      {"a=😀", "Expected: ',', received: '😀' for input:"},
      {"a=b😀", "Expected: ',', received: '😀' for input:"},
      {"a=x,b=😀", "Expected: ',', received: '😀' for input:"},
      {"a=\x01"
       "b",
       "Expected: ',', received: '\x01"
       "' for input:"},
  };
  for (const auto& [text, first_line] : cases) {
    std::string message = ErrorOf(text);
    EXPECT_EQ(message.substr(0, message.find('\n')), first_line) << "input: " << text;
  }
}

TEST(Shorthand, AKeyWithoutEqualsIsAnErrorWithACaret) {
  EXPECT_EQ(ErrorOf("novalue"), "Expected: '=', received: 'EOF' for input:\nnovalue\n       ^");
  EXPECT_EQ(ErrorOf("a=b,c d=e"), "Expected: '=', received: 'd' for input:\na=b,c d=e\n      ^");
}

TEST(Shorthand, TheCaretCountsFromTheLastNewline) {
  EXPECT_EQ(ErrorOf("a=b,\nb==c"), "Expected: ',', received: '=' for input:\na=b,\nb==c\n  ^");
  EXPECT_EQ(ErrorOf("foo==bar,\nbar=baz"),
            "Expected: ',', received: '=' for input:\nfoo==bar,\n    ^\nbar=baz");
  EXPECT_EQ(ErrorOf("a='unterminated"),
            "Expected: '<singled quoted>', received: '<none>' for input:\na='unterminated\n  ^");
  EXPECT_EQ(ErrorOf("a=b,"), "Expected: '<second>', received: '<none>' for input:\na=b,\n    ^");
}

TEST(Shorthand, ASecondInstanceOfAKeyIsAnError) {
  EXPECT_EQ(ErrorOf("a=b,c=d,a=e"),
            "Second instance of key \"a\" encountered for input:\na=b,c=d,a=e\n        ^\n"
            "This is often because there is a preceding \",\" instead of a space.");
  EXPECT_EQ(ErrorOf("a=b,\nc=d,\na=e"),
            "Second instance of key \"a\" encountered for input:\na=b,\nc=d,\n    ^\na=e\n"
            "This is often because there is a preceding \",\" instead of a space.");
}

TEST(Shorthand, TheIssuesExamples) {
  // A value without "=" after a comma belongs to a list, never to the name.
  EXPECT_EQ(Parsed("ParameterName=timeout,ParameterValue"),
            R"({"ParameterName":["timeout","ParameterValue"]})");
  // Quotes do not stay in values; nested structures and lists parse.
  EXPECT_EQ(Parsed("Key='a b',Value=\"c,d\""), R"({"Key":"a b","Value":"c,d"})");
  EXPECT_EQ(Parsed("DataStorage={Maximum=10,Unit=GB},ECPUPerSecond={Maximum=5000}"),
            R"({"DataStorage":{"Maximum":"10","Unit":"GB"},"ECPUPerSecond":{"Maximum":"5000"}})");
  EXPECT_EQ(Parsed("Name=engine,Values=[redis,memcached]"),
            R"({"Name":"engine","Values":["redis","memcached"]})");
  EXPECT_EQ(Parsed("Key=k,Value="), R"({"Key":"k","Value":""})");
}

TEST(Shorthand, NulAndControlCharactersAreNotWords) {
  EXPECT_EQ(ErrorOf(std::string("a=\0b", 4)).rfind("Expected: ',', received: '", 0), 0u);
}

TEST(Shorthand, InvalidUtf8IsKeptByteForByte) {
  // Python reads such bytes as surrogate escapes, which are word characters.
  auto r = parse("a=\xff\xfe");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)["a"].get<std::string>(), "\xff\xfe");
}

TEST(Shorthand, NestingIsBounded) {
  std::string deep = "a=" + std::string(kMaxDepth, '[') + "b" + std::string(kMaxDepth, ']');
  EXPECT_TRUE(parse(deep).ok());
  std::string deeper =
      "a=" + std::string(kMaxDepth + 1, '[') + "b" + std::string(kMaxDepth + 1, ']');
  EXPECT_NE(ErrorOf(deeper).find("Nesting deeper than"), std::string::npos);
  // 100,000 levels: an error, not a stack overflow.
  std::string hostile = "a=" + std::string(100000, '[') + std::string(100000, ']');
  EXPECT_NE(ErrorOf(hostile).find("Nesting deeper than"), std::string::npos);
  std::string objects = "a=";
  for (int i = 0; i < 100000; ++i) objects += "{b=";
  EXPECT_NE(ErrorOf(objects).find("Nesting deeper than"), std::string::npos);
  std::string mixed;
  for (int i = 0; i < 50000; ++i) mixed += "[{b=";
  EXPECT_NE(ErrorOf("a=" + mixed).find("Nesting deeper than"), std::string::npos);
}

TEST(Shorthand, AtEqualsReadsParamfilesOnlyThere) {
  ParamfileReader reader = [](const std::string& v) -> core::Result<std::string> {
    if (v == "file://missing") return core::ApiError{"Paramfile", "Unable to load paramfile " + v};
    if (v.rfind("file://", 0) == 0) return "<" + v.substr(7) + ">";
    return v;
  };
  auto r = parse("a@=file://x,b=file://y,c@=[file://z,plain]", reader);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->dump(), R"({"a":"<x>","b":"file://y","c":["<z>","plain"]})");
  auto missing = parse("a@=file://missing", reader);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "Unable to load paramfile file://missing");
  // Without a reader the value is kept as written.
  EXPECT_EQ(Parsed("a@=file://x"), R"({"a":"file://x"})");
}

}  // namespace
}  // namespace cachectl::cli::shorthand
