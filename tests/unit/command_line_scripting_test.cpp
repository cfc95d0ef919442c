// cli/command_line.h, the scripting options: paging, --cli-input-json,
// --generate-cli-skeleton, --profile, --color.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cli/command_line.h"

namespace cachectl::cli {
namespace {

Invocation Parse(const std::vector<std::string>& args) {
  try {
    return parse_command_line(args);
  } catch (const UsageError& e) {
    ADD_FAILURE() << "UsageError: " << e.what();
  }
  return {};
}

std::string UsageErrorOf(const std::vector<std::string>& args) {
  try {
    parse_command_line(args);
  } catch (const UsageError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no UsageError";
  return "";
}

TEST(ScriptingOptions, PagingOptionsOnPaginatedOperationsOnly) {
  Invocation inv =
      Parse({"describe-events", "--max-items", "5", "--page-size", "20", "--starting-token", "T"});
  EXPECT_EQ(inv.paging.max_items, 5);
  EXPECT_EQ(inv.paging.page_size, 20);
  EXPECT_EQ(inv.paging.starting_token, "T");
  EXPECT_TRUE(inv.request.empty());  // not API members
  EXPECT_EQ(inv.paging.given_names(), "--starting-token, --page-size, --max-items");
  EXPECT_NE(UsageErrorOf({"create-cache-cluster", "--cache-cluster-id", "x", "--max-items", "5"})
                .find("--max-items"),
            std::string::npos);
  EXPECT_NE(UsageErrorOf({"describe-events", "--max-items", "five"}).find("invalid int value"),
            std::string::npos);
  EXPECT_NE(
      UsageErrorOf({"wait", "cache-cluster-available", "--max-items", "1"}).find("--max-items"),
      std::string::npos);
}

TEST(ScriptingOptions, OptionMembersAreTheOnesGivenOnTheLine) {
  Invocation inv =
      Parse({"describe-events", "--marker", "20", "--cli-input-json", R"({"MaxRecords": 20})"});
  EXPECT_EQ(inv.option_members, std::vector<std::string>{"Marker"});
  EXPECT_EQ(inv.request["MaxRecords"], 20);
}

TEST(ScriptingOptions, CliInputJsonIsCheckedAndTheCommandLineWins) {
  Invocation inv = Parse(
      {"create-cache-cluster", "--cache-cluster-id", "from-line", "--cli-input-json",
       R"({"CacheClusterId": "from-json", "NumCacheNodes": 2, "Tags": [{"Key": "k", "Value": "v"}]})"});
  EXPECT_EQ(inv.request["CacheClusterId"], "from-line");
  EXPECT_EQ(inv.request["NumCacheNodes"], 2);
  EXPECT_EQ(inv.request["Tags"][0]["Key"], "k");
  EXPECT_NE(UsageErrorOf({"create-cache-cluster", "--cli-input-json", R"({"CacheClusterId": 7})"})
                .find("valid types"),
            std::string::npos);
  EXPECT_NE(UsageErrorOf({"create-cache-cluster", "--cli-input-json", R"({"AZMode": "sideways"})"})
                .find("sideways"),
            std::string::npos);
  EXPECT_NE(UsageErrorOf({"create-cache-cluster", "--cli-input-json", "[1]"}).find("Invalid JSON"),
            std::string::npos);
  EXPECT_NE(UsageErrorOf({"create-cache-cluster", "--cli-input-json", "{}"})
                .find("Missing required parameter in input: \"CacheClusterId\""),
            std::string::npos);

  std::string file = std::filesystem::temp_directory_path() /
                     ("cli-input-" + std::to_string(::getpid()) + ".json");
  std::ofstream(file) << R"({"CacheClusterId": "from-file"})";
  EXPECT_EQ(Parse({"create-cache-cluster", "--cli-input-json", "file://" + file})
                .request["CacheClusterId"],
            "from-file");
  std::filesystem::remove(file);
}

TEST(ScriptingOptions, GenerateCliSkeletonTakesAnOptionalValue) {
  EXPECT_EQ(Parse({"create-cache-cluster", "--generate-cli-skeleton"}).skeleton, "input");
  EXPECT_EQ(Parse({"create-cache-cluster", "--generate-cli-skeleton", "input"}).skeleton, "input");
  EXPECT_EQ(Parse({"create-cache-cluster", "--generate-cli-skeleton=input"}).skeleton, "input");
  // input needs no required member; output checks them, as aws-cli does.
  EXPECT_NE(UsageErrorOf({"create-cache-cluster", "--generate-cli-skeleton", "output"})
                .find("--cache-cluster-id"),
            std::string::npos);
  Invocation out = Parse(
      {"create-cache-cluster", "--generate-cli-skeleton", "output", "--cache-cluster-id", "x"});
  EXPECT_EQ(out.skeleton, "output");
  EXPECT_EQ(out.request["CacheClusterId"], "x");
  EXPECT_NE(UsageErrorOf({"create-cache-cluster", "--generate-cli-skeleton", "sideways"})
                .find("Invalid choice"),
            std::string::npos);
  EXPECT_FALSE(Parse({"describe-events"}).skeleton.has_value());
}

TEST(ScriptingOptions, ProfileColorAndWhetherOutputWasGiven) {
  Invocation inv = Parse({"--profile", "ci", "--color", "off", "describe-events"});
  EXPECT_EQ(inv.global.profile, "ci");
  EXPECT_EQ(inv.global.color, "off");
  EXPECT_TRUE(inv.global.color_given);
  EXPECT_FALSE(inv.global.output_given);
  EXPECT_TRUE(Parse({"describe-events", "--output", "json"}).global.output_given);
  EXPECT_FALSE(UsageErrorOf({"--color", "purple", "describe-events"}).empty());
}

}  // namespace
}  // namespace cachectl::cli
