// cli/command_line.h: argv to operation + API request, driven by the API
// model as aws-cli does it.
#include "cli/command_line.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>

namespace cachectl::cli {
namespace {

using Args = std::vector<std::string>;

Invocation Parse(const Args& args) {
  try {
    return parse_command_line(args);
  } catch (const UsageError& e) {
    ADD_FAILURE() << "UsageError: " << e.what();
  }
  return {};
}

void ExpectUsageError(const Args& args, std::string_view mention = "") {
  try {
    parse_command_line(args);
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    ADD_FAILURE() << "no UsageError for: " << joined;
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find(mention), std::string::npos) << e.what();
  }
}

const Args kCreate = {"create-cache-cluster", "--cache-cluster-id", "my-redis"};

Args With(Args base, const Args& more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}

TEST(KebabCase, FollowsBotocore) {
  EXPECT_EQ(kebab_case("CacheClusterId"), "cache-cluster-id");
  EXPECT_EQ(kebab_case("AZMode"), "az-mode");
  EXPECT_EQ(kebab_case("NumCacheNodes"), "num-cache-nodes");
  EXPECT_EQ(kebab_case("CacheNodeIdsToReboot"), "cache-node-ids-to-reboot");
  EXPECT_EQ(kebab_case("SnapshotArns"), "snapshot-arns");
  EXPECT_EQ(kebab_case("CreateCacheCluster"), "create-cache-cluster");
}

TEST(KebabCase, PascalFromKebabIsTheWayBack) {
  EXPECT_EQ(pascal_from_kebab("cache-cluster-available"), "CacheClusterAvailable");
  EXPECT_EQ(pascal_from_kebab("create-cache-cluster"), "CreateCacheCluster");
}

TEST(ParseCommandLine, CreateCacheClusterOptionsBecomeApiMembers) {
  Invocation inv = Parse(With(kCreate, {"--engine", "redis", "--cache-node-type", "cache.t2.micro",
                                        "--num-cache-nodes", "1", "--engine-version", "7.0",
                                        "--preferred-maintenance-window", "mon:00:00-mon:01:00"}));
  EXPECT_EQ(inv.command, "create-cache-cluster");
  EXPECT_EQ(inv.operation, "CreateCacheCluster");
  EXPECT_FALSE(inv.help);
  EXPECT_EQ(inv.request["CacheClusterId"], "my-redis");
  EXPECT_EQ(inv.request["Engine"], "redis");
  EXPECT_EQ(inv.request["CacheNodeType"], "cache.t2.micro");
  EXPECT_EQ(inv.request["EngineVersion"], "7.0");
  EXPECT_EQ(inv.request["PreferredMaintenanceWindow"], "mon:00:00-mon:01:00");
  ASSERT_TRUE(inv.request["NumCacheNodes"].is_number_integer()) << inv.request.dump();
  EXPECT_EQ(inv.request["NumCacheNodes"], 1);
  EXPECT_EQ(inv.request.size(), 6u) << "no member that was not given: " << inv.request.dump();
}

TEST(ParseCommandLine, IntegerOptionsRejectNonIntegers) {
  ExpectUsageError(With(kCreate, {"--num-cache-nodes", "two"}), "--num-cache-nodes");
  ExpectUsageError(With(kCreate, {"--port", "63 79"}));
  ExpectUsageError(With(kCreate, {"--port", "6379x"}));
}

TEST(ParseCommandLine, BooleanFlagsAndTheirNegations) {
  Invocation on = Parse(With(kCreate, {"--auto-minor-version-upgrade"}));
  ASSERT_TRUE(on.request["AutoMinorVersionUpgrade"].is_boolean());
  EXPECT_EQ(on.request["AutoMinorVersionUpgrade"], true);
  Invocation off = Parse(With(kCreate, {"--no-auto-minor-version-upgrade"}));
  ASSERT_TRUE(off.request["AutoMinorVersionUpgrade"].is_boolean());
  EXPECT_EQ(off.request["AutoMinorVersionUpgrade"], false);
  Invocation neither = Parse(kCreate);
  EXPECT_FALSE(neither.request.contains("AutoMinorVersionUpgrade"));
  ExpectUsageError(
      With(kCreate, {"--auto-minor-version-upgrade", "--no-auto-minor-version-upgrade"}));
}

TEST(ParseCommandLine, ListOptionsTakeSeveralValues) {
  Invocation inv = Parse({"reboot-cache-cluster", "--cache-node-ids-to-reboot", "0001", "0002",
                          "--cache-cluster-id", "my-redis"});
  EXPECT_EQ(inv.operation, "RebootCacheCluster");
  EXPECT_EQ(inv.request["CacheNodeIdsToReboot"], (json{"0001", "0002"}));
  EXPECT_EQ(inv.request["CacheClusterId"], "my-redis");
  Invocation last = Parse({"reboot-cache-cluster", "--cache-cluster-id", "my-redis",
                           "--cache-node-ids-to-reboot", "0001"});
  EXPECT_EQ(last.request["CacheNodeIdsToReboot"], (json{"0001"}));
}

TEST(ParseCommandLine, ListOfStructuresFromShorthand) {
  Invocation inv = Parse(With(kCreate, {"--tags", "Key=a,Value=b", "Key=c,Value=d"}));
  json expected = json::array({{{"Key", "a"}, {"Value", "b"}}, {{"Key", "c"}, {"Value", "d"}}});
  EXPECT_EQ(inv.request["Tags"], expected);
}

TEST(ParseCommandLine, ShorthandValueMayContainACommaOrEquals) {
  Invocation inv = Parse(With(kCreate, {"--tags", "Key=team,Value=a,b"}));
  EXPECT_EQ(inv.request["Tags"], json::parse(R"([{"Key":"team","Value":"a,b"}])"));
}

TEST(ParseCommandLine, ListOfStructuresFromOneJsonObjectEach) {
  Invocation inv = Parse(With(kCreate, {"--tags", R"({"Key":"a","Value":"b"})", "Key=c,Value=d"}));
  json expected = json::array({{{"Key", "a"}, {"Value", "b"}}, {{"Key", "c"}, {"Value", "d"}}});
  EXPECT_EQ(inv.request["Tags"], expected);
}

TEST(ParseCommandLine, ListOfStructuresFromAJsonArray) {
  Invocation inv =
      Parse(With(kCreate, {"--tags", R"([{"Key":"a","Value":"b"},{"Key":"c","Value":"d"}])"}));
  json expected = json::array({{{"Key", "a"}, {"Value", "b"}}, {{"Key", "c"}, {"Value", "d"}}});
  EXPECT_EQ(inv.request["Tags"], expected);
}

TEST(ParseCommandLine, ListOfStringsFromAJsonArray) {
  Invocation inv = Parse({"reboot-cache-cluster", "--cache-cluster-id", "x",
                          "--cache-node-ids-to-reboot", R"(["0001","0002"])"});
  EXPECT_EQ(inv.request["CacheNodeIdsToReboot"], (json{"0001", "0002"}));
}

TEST(ParseCommandLine, StructureMembersAreChecked) {
  ExpectUsageError(With(kCreate, {"--tags", "Colour=red"}), "Colour");
  ExpectUsageError(With(kCreate, {"--tags", R"({"Key":"a","Colour":"red"})"}), "Colour");
  ExpectUsageError(With(kCreate, {"--tags", R"({"Key":1})"}), "Key");
  ExpectUsageError(With(kCreate, {"--tags", R"({"Key":"a")"}), "JSON");
  ExpectUsageError(With(kCreate, {"--tags", "novalue"}));
}

TEST(ParseCommandLine, ValuesMayComeFromFiles) {
  char path[] = "/tmp/cccli.XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  {
    std::ofstream out(path);
    out << R"([{"Key":"from","Value":"file"}])";
  }
  Invocation inv = Parse(With(kCreate, {"--tags", std::string("file://") + path}));
  ::unlink(path);
  EXPECT_EQ(inv.request["Tags"], json::parse(R"([{"Key":"from","Value":"file"}])"));
  ExpectUsageError(With(kCreate, {"--tags", std::string("file://") + path}), path);
}

TEST(ParseCommandLine, SnapshotArnsKeepFileUrlsAsTheyAre) {
  // A file:// URL there names the RDB to seed from: it is not read as a
  // paramfile (as aws-cli's PARAMFILE_DISABLED options), even when it does
  // not exist on this machine.
  Invocation inv = Parse(
      With(kCreate, {"--snapshot-arns", "file:///no/such/dir/x.rdb", "https://example.com/y.rdb"}));
  EXPECT_EQ(inv.request["SnapshotArns"],
            json::parse(R"(["file:///no/such/dir/x.rdb", "https://example.com/y.rdb"])"));
  inv = Parse(With(kCreate, {"--snapshot-arns", R"(["file:///a.rdb"])"}));
  EXPECT_EQ(inv.request["SnapshotArns"], json::parse(R"(["file:///a.rdb"])"));
  // Other options still read file:// values.
  ExpectUsageError(With(kCreate, {"--tags", "file:///no/such/dir/x.json"}), "paramfile");
}

TEST(ParseCommandLine, EnumValuesAreChecked) {
  Invocation inv = Parse(With(kCreate, {"--az-mode", "cross-az"}));
  EXPECT_EQ(inv.request["AZMode"], "cross-az");
  ExpectUsageError(With(kCreate, {"--az-mode", "every-az"}), "cross-az");
}

TEST(ParseCommandLine, MissingRequiredOptionIsAUsageError) {
  ExpectUsageError({"create-cache-cluster", "--engine", "redis"}, "--cache-cluster-id");
  ExpectUsageError({"reboot-cache-cluster", "--cache-cluster-id", "x"},
                   "--cache-node-ids-to-reboot");
}

TEST(ParseCommandLine, UnknownOptionIsAUsageError) {
  ExpectUsageError(With(kCreate, {"--bogus-option", "1"}), "--bogus-option");
  ExpectUsageError(With(kCreate, {"stray"}));
  // An option of another operation is unknown here.
  ExpectUsageError(With(kCreate, {"--cache-node-ids-to-reboot", "0001"}));
}

TEST(ParseCommandLine, OptionValueIsRequired) {
  ExpectUsageError({"create-cache-cluster", "--cache-cluster-id"});
}

TEST(ParseCommandLine, UnknownCommandIsAUsageError) {
  ExpectUsageError({"create-cache-clusters", "--cache-cluster-id", "x"}, "create-cache-clusters");
  ExpectUsageError({"frobnicate"}, "frobnicate");
}

TEST(ParseCommandLine, GlobalOptionsBeforeTheCommand) {
  Invocation inv = Parse({"--state-dir", "/tmp/home", "--output", "text", "--query",
                          "CacheClusters[0].CacheClusterId", "--region", "eu-west-1", "--debug",
                          "describe-cache-clusters"});
  EXPECT_EQ(inv.command, "describe-cache-clusters");
  EXPECT_EQ(inv.operation, "DescribeCacheClusters");
  EXPECT_EQ(inv.global.state_dir, "/tmp/home");
  EXPECT_EQ(inv.global.output, "text");
  EXPECT_EQ(inv.global.query, "CacheClusters[0].CacheClusterId");
  EXPECT_EQ(inv.global.region, "eu-west-1");
  EXPECT_TRUE(inv.global.debug);
  EXPECT_TRUE(inv.request.empty());
}

TEST(ParseCommandLine, GlobalOptionsAfterTheCommand) {
  Invocation inv = Parse({"describe-cache-clusters", "--cache-cluster-id", "x", "--state-dir",
                          "/tmp/home", "--output", "table", "--query", "CacheClusters[]"});
  EXPECT_EQ(inv.operation, "DescribeCacheClusters");
  EXPECT_EQ(inv.request["CacheClusterId"], "x");
  EXPECT_EQ(inv.global.state_dir, "/tmp/home");
  EXPECT_EQ(inv.global.output, "table");
  EXPECT_EQ(inv.global.query, "CacheClusters[]");
}

TEST(ParseCommandLine, GlobalDefaults) {
  Invocation inv = Parse({"describe-cache-clusters"});
  EXPECT_EQ(inv.global.output, "json");
  EXPECT_FALSE(inv.global.state_dir.has_value());
  EXPECT_FALSE(inv.global.query.has_value());
  EXPECT_FALSE(inv.global.region.has_value());
  EXPECT_FALSE(inv.global.debug);
}

TEST(ParseCommandLine, OutputFormatIsChecked) {
  ExpectUsageError({"--output", "xml", "describe-cache-clusters"});
}

TEST(ParseCommandLine, TrailingHelpAsksForHelp) {
  Invocation inv = Parse({"create-cache-cluster", "help"});
  EXPECT_TRUE(inv.help);
  EXPECT_EQ(inv.operation, "CreateCacheCluster");
  Invocation top = Parse({"help"});
  EXPECT_EQ(top.command, "help");
}

TEST(ParseCommandLine, WaitNamesAWaiterAndItsOperation) {
  Invocation inv = Parse({"wait", "cache-cluster-available", "--cache-cluster-id", "x"});
  EXPECT_EQ(inv.command, "wait");
  EXPECT_EQ(inv.waiter, "CacheClusterAvailable");
  EXPECT_EQ(inv.operation, "DescribeCacheClusters");
  EXPECT_EQ(inv.request["CacheClusterId"], "x");
  Invocation deleted = Parse({"wait", "cache-cluster-deleted", "--cache-cluster-id", "x"});
  EXPECT_EQ(deleted.waiter, "CacheClusterDeleted");
  ExpectUsageError({"wait", "cache-cluster-exploded", "--cache-cluster-id", "x"},
                   "cache-cluster-exploded");
}

}  // namespace
}  // namespace cachectl::cli
