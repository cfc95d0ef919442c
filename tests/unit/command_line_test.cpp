// cli/command_line.h: argv to operation + API request, driven by the API
// model as aws-cli does it.
#include "cli/command_line.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <functional>

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
  ExpectUsageError(With(kCreate, {"--port", "6379.0"}));
  ExpectUsageError(With(kCreate, {"--port", ""}));
}

TEST(ParseCommandLine, IntegersAre32BitAsTheModelSays) {
  // The issue's example: these wrapped around to 1 node, port 6380, limit 5.
  Args wrapped = With(kCreate, {"--num-cache-nodes", "4294967297", "--port", "4294973676",
                                "--snapshot-retention-limit", "4294967301"});
  ExpectUsageError(wrapped,
                   "Parameter validation failed:\n"
                   "Invalid value for parameter NumCacheNodes, value: 4294967297, valid "
                   "range: -2147483648 to 2147483647 (a 32-bit integer)\n"
                   "Invalid value for parameter Port, value: 4294973676");
  ExpectUsageError(wrapped, "SnapshotRetentionLimit, value: 4294967301");
  ExpectUsageError(With(kCreate, {"--port", "2147483648"}), "Port, value: 2147483648");
  ExpectUsageError(With(kCreate, {"--port", "-2147483649"}), "Port, value: -2147483649");
  ExpectUsageError(With(kCreate, {"--port", "99999999999999999999999"}),
                   "Port, value: 99999999999999999999999");
  EXPECT_EQ(Parse(With(kCreate, {"--port", "2147483647"})).request["Port"], 2147483647);
  EXPECT_EQ(Parse(With(kCreate, {"--port", "-2147483648"})).request["Port"], -2147483648LL);
  // Python's int() also takes spaces around, a sign and digit groups.
  EXPECT_EQ(Parse(With(kCreate, {"--port", " +6_379 "})).request["Port"], 6379);
}

TEST(ParseCommandLine, CliInputJsonIntegersAre32BitToo) {
  ExpectUsageError({"create-cache-cluster", "--cli-input-json",
                    R"({"CacheClusterId": "x", "NumCacheNodes": 4294967297})"},
                   "Invalid value for parameter NumCacheNodes, value: 4294967297");
  ExpectUsageError({"create-cache-cluster", "--cli-input-json",
                    R"({"CacheClusterId": "x", "Port": 18446744073709551617})"},
                   "Invalid type for parameter Port");
  ExpectUsageError(
      {"create-cache-cluster", "--cli-input-json", R"({"CacheClusterId": "x", "Port": 6379.5})"},
      "Invalid type for parameter Port, value: 6379.5, type: <class 'float'>");
  ExpectUsageError(
      {"create-cache-cluster", "--cli-input-json", R"({"CacheClusterId": "x", "Port": true})"},
      "Invalid type for parameter Port");
  ExpectUsageError(
      {"create-cache-cluster", "--cli-input-json", R"({"CacheClusterId": "x", "Port": "6379"})"},
      "Invalid type for parameter Port, value: 6379, type: <class 'str'>");
}

TEST(ParseCommandLine, TheModelsMinAndMaxAreChecked) {
  // DescribeUsers' Filters: each Values list has min 1; UserId min length 1.
  ExpectUsageError({"describe-users", "--filters", "Name=engine,Values=[]"},
                   "Invalid length for parameter Filters[0].Values, value: 0, valid min length: 1");
  ExpectUsageError({"describe-users", "--user-id", ""},
                   "Invalid length for parameter UserId, value: 0, valid min length: 1");
  // BatchApplyUpdateAction's ReplicationGroupIds: at most 20.
  Args batch = {"batch-apply-update-action", "--service-update-name", "u",
                "--replication-group-ids"};
  for (int i = 0; i < 21; ++i) batch.push_back("g" + std::to_string(i));
  ExpectUsageError(batch,
                   "Invalid length for parameter ReplicationGroupIds, value: 21, valid max "
                   "length: 20");
  batch.pop_back();
  EXPECT_EQ(Parse(batch).request["ReplicationGroupIds"].size(), 20u);
}

TEST(ParseCommandLine, StringsMustBeUtf8) {
  ExpectUsageError(With(kCreate, {"--engine-version", "7\xff"}),
                   "Invalid value for parameter EngineVersion: the value is not valid UTF-8");
}

TEST(ParseCommandLine, CliInputJsonNestedDeeplyIsAnErrorNotACrash) {
  std::string deep = R"({"Tags": )" + std::string(100000, '[') + std::string(100000, ']') + "}";
  ExpectUsageError({"create-cache-cluster", "--cli-input-json", deep}, "nested deeper than");
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += R"({"a":)";
  ExpectUsageError({"create-cache-cluster", "--cli-input-json", objects}, "Invalid JSON");
  ExpectUsageError(With(kCreate, {"--tags", std::string(100000, '[')}), "Invalid JSON");
  // Within the bound, a wrong shape is a type error.
  ExpectUsageError(
      {"create-cache-cluster", "--cli-input-json", R"({"CacheClusterId": "x", "Tags": [[[]]]})"},
      "Invalid type for parameter Tags[0]");
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
}

TEST(ParseCommandLine, TheLastOfAFlagAndItsNegationWins) {
  // As aws-cli (argparse) does: --apply-immediately --no-apply-immediately is false.
  const Args modify = {"modify-cache-cluster", "--cache-cluster-id", "x"};
  Invocation off = Parse(With(modify, {"--apply-immediately", "--no-apply-immediately"}));
  ASSERT_TRUE(off.request["ApplyImmediately"].is_boolean());
  EXPECT_EQ(off.request["ApplyImmediately"], false);
  Invocation on = Parse(With(modify, {"--no-apply-immediately", "--apply-immediately"}));
  EXPECT_EQ(on.request["ApplyImmediately"], true);
  Invocation many = Parse(With(modify, {"--apply-immediately", "--no-apply-immediately",
                                        "--num-cache-nodes", "2", "--apply-immediately"}));
  EXPECT_EQ(many.request["ApplyImmediately"], true);
  Invocation create =
      Parse(With(kCreate, {"--auto-minor-version-upgrade", "--no-auto-minor-version-upgrade"}));
  EXPECT_EQ(create.request["AutoMinorVersionUpgrade"], false);
}

TEST(ParseCommandLine, TheLastOfARepeatedOptionWins) {
  Invocation inv = Parse(With(kCreate, {"--port", "6379", "--port", "6380"}));
  EXPECT_EQ(inv.request["Port"], 6380);
}

TEST(ParseCommandLine, ARepeatedListOptionIsItsLastOccurrenceOnly) {
  // aws-cli 1.45 (argparse nargs='+', action "store") sends
  // CacheNodeIdsToRemove.CacheNodeId.1=0003 and nothing else for this line.
  Invocation modify =
      Parse({"modify-cache-cluster", "--cache-cluster-id", "mc", "--num-cache-nodes", "1",
             "--cache-node-ids-to-remove", "0002", "--cache-node-ids-to-remove", "0003"});
  EXPECT_EQ(modify.request["CacheNodeIdsToRemove"], (json{"0003"}));
  Invocation reboot =
      Parse({"reboot-cache-cluster", "--cache-cluster-id", "r", "--cache-node-ids-to-reboot", "1",
             "0005", "--cache-node-ids-to-reboot", "2"});
  EXPECT_EQ(reboot.request["CacheNodeIdsToReboot"], (json{"2"}));
  // The last occurrence may itself have several words, or be a JSON array.
  Invocation words =
      Parse({"reboot-cache-cluster", "--cache-cluster-id", "r", "--cache-node-ids-to-reboot", "1",
             "--cache-node-ids-to-reboot", "2", "3"});
  EXPECT_EQ(words.request["CacheNodeIdsToReboot"], (json{"2", "3"}));
  Invocation array =
      Parse({"reboot-cache-cluster", "--cache-cluster-id", "r", "--cache-node-ids-to-reboot", "1",
             "2", "--cache-node-ids-to-reboot", R"(["4"])"});
  EXPECT_EQ(array.request["CacheNodeIdsToReboot"], (json{"4"}));
  // Lists of structures too.
  Invocation tags =
      Parse(With(kCreate, {"--tags", "Key=a,Value=b", "Key=c,Value=d", "--tags", "Key=e,Value=f"}));
  EXPECT_EQ(tags.request["Tags"], (json::array({{{"Key", "e"}, {"Value", "f"}}})));
}

TEST(ParseCommandLine, EveryRepeatedSingleValueOptionKeepsItsLastValue) {
  // argparse's "store": the global options, --cli-input-json and the paging
  // options too, not only the operation's members.
  Invocation members =
      Parse({"describe-cache-clusters", "--cache-cluster-id", "a", "--cache-cluster-id", "b"});
  EXPECT_EQ(members.request["CacheClusterId"], "b");
  Invocation global = Parse({"--output",
                             "json",
                             "--state-dir",
                             "/tmp/one",
                             "describe-cache-clusters",
                             "--output",
                             "text",
                             "--query",
                             "A",
                             "--query",
                             "B",
                             "--region",
                             "r1",
                             "--region",
                             "r2",
                             "--state-dir",
                             "/tmp/two",
                             "--color",
                             "on",
                             "--color",
                             "off",
                             "--profile",
                             "p",
                             "--profile",
                             "q",
                             "--cli-read-timeout",
                             "1",
                             "--cli-read-timeout",
                             "2"});
  EXPECT_EQ(global.global.output, "text");
  EXPECT_EQ(global.global.query, "B");
  EXPECT_EQ(global.global.region, "r2");
  EXPECT_EQ(global.global.state_dir, "/tmp/two");
  EXPECT_EQ(global.global.color, "off");
  EXPECT_EQ(global.global.profile, "q");
  Invocation paging =
      Parse({"describe-cache-clusters", "--max-items", "5", "--max-items", "7", "--page-size", "1",
             "--page-size", "2", "--starting-token", "x", "--starting-token", "y"});
  EXPECT_EQ(paging.paging.max_items, 7);
  EXPECT_EQ(paging.paging.page_size, 2);
  EXPECT_EQ(paging.paging.starting_token, "y");
  Invocation input =
      Parse({"describe-cache-clusters", "--cli-input-json", R"({"CacheClusterId": "a"})",
             "--cli-input-json", R"({"CacheClusterId": "b"})"});
  EXPECT_EQ(input.request["CacheClusterId"], "b");
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

TEST(ParseCommandLine, ShorthandValueMayContainAQuotedOrEscapedComma) {
  Invocation inv = Parse(With(kCreate, {"--tags", "Key=team,Value='a,b'"}));
  EXPECT_EQ(inv.request["Tags"], json::parse(R"([{"Key":"team","Value":"a,b"}])"));
  inv = Parse(With(kCreate, {"--tags", "Key=team,Value=a\\,b=c"}));
  EXPECT_EQ(inv.request["Tags"], json::parse(R"([{"Key":"team","Value":"a,b=c"}])"));
  // Unquoted, "a,b" is a list (aws-cli's grammar), and a list is no string.
  ExpectUsageError(With(kCreate, {"--tags", "Key=team,Value=a,b"}),
                   "Invalid type for parameter Tags[0].Value");
}

TEST(ParseCommandLine, ShorthandFollowsAwsCliGrammar) {
  const Args modify = {"modify-cache-parameter-group", "--cache-parameter-group-name", "g"};
  // Quotes do not stay in values; whitespace around tokens goes.
  Invocation inv =
      Parse(With(modify, {"--parameter-name-values",
                          "ParameterName = 'maxmemory-policy' , ParameterValue=\"allkeys-lru\"",
                          "ParameterName=timeout,ParameterValue="}));
  EXPECT_EQ(inv.request["ParameterNameValues"],
            json::parse(R"([{"ParameterName":"maxmemory-policy","ParameterValue":"allkeys-lru"},
                            {"ParameterName":"timeout","ParameterValue":""}])"));
  // The issue's example: a name can never swallow ",ParameterValue".
  ExpectUsageError(
      With(modify, {"--parameter-name-values", "ParameterName=timeout,ParameterValue"}),
      "Invalid type for parameter ParameterNameValues[0].ParameterName");
  // A key without '=' is aws-cli's syntax error, naming the option.
  ExpectUsageError(With(modify, {"--parameter-name-values", "ParameterName"}),
                   "Error parsing parameter '--parameter-name-values': Expected: '=', received: "
                   "'EOF' for input:\nParameterName\n             ^");
  ExpectUsageError(With(modify, {"--parameter-name-values", "ParameterName=a,ParameterName=b"}),
                   "Second instance of key \"ParameterName\"");
}

TEST(ParseCommandLine, NestedShorthandBecomesTheModelsTypes) {
  // CreateServerlessCache's CacheUsageLimits nests structures of integers.
  Invocation inv =
      Parse({"create-serverless-cache", "--serverless-cache-name", "s", "--engine", "redis",
             "--cache-usage-limits",
             "DataStorage={Maximum=10,Minimum=1,Unit=GB},ECPUPerSecond={Maximum=5000}"});
  EXPECT_EQ(inv.request["CacheUsageLimits"],
            json::parse(R"({"DataStorage":{"Maximum":10,"Minimum":1,"Unit":"GB"},
                            "ECPUPerSecond":{"Maximum":5000}})"));
  ExpectUsageError({"create-serverless-cache", "--serverless-cache-name", "s", "--engine", "redis",
                    "--cache-usage-limits", "DataStorage={Maximum=ten}"},
                   "'ten' is not an integer");
  ExpectUsageError({"create-serverless-cache", "--serverless-cache-name", "s", "--engine", "redis",
                    "--cache-usage-limits", "DataStorage={Maximum=4294967297}"},
                   "Invalid value for parameter CacheUsageLimits.DataStorage.Maximum, value: "
                   "4294967297");
  // Lists inside structures, and a single value where a list is wanted.
  Invocation users = Parse(
      {"describe-users", "--filters", "Name=user-id,Values=[a,b]", "Name=engine,Values=redis"});
  EXPECT_EQ(users.request["Filters"], json::parse(R"([{"Name":"user-id","Values":["a","b"]},
                            {"Name":"engine","Values":["redis"]}])"));
  // Booleans as aws-cli reads them: true/false in any case.
  Invocation logs = Parse(With(kCreate, {"--log-delivery-configurations",
                                         "LogType=slow-log,Enabled=TRUE,DestinationDetails={"
                                         "CloudWatchLogsDetails={LogGroup=g}}"}));
  EXPECT_EQ(logs.request["LogDeliveryConfigurations"][0]["Enabled"], true);
  EXPECT_EQ(logs.request["LogDeliveryConfigurations"][0]["DestinationDetails"]
                        ["CloudWatchLogsDetails"]["LogGroup"],
            "g");
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

TEST(ParseCommandLine, ParamfilesAreBounded) {
  // file:///dev/zero never ends: an error, not a hang.
  ExpectUsageError(With(kCreate, {"--tags", "file:///dev/zero"}), "larger than 16 MiB");
  ExpectUsageError(With(kCreate, {"--engine", "file:///tmp"}), "it is a directory");
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

// What a parse gives, as text: every field of the Invocation, or the error.
std::string Outcome(const std::function<Invocation()>& parse) {
  try {
    Invocation inv = parse();
    const GlobalOptions& g = inv.global;
    std::string out = inv.command + "|" + inv.operation + "|" + inv.waiter + "|" +
                      (inv.help ? "help" : "") + "|" + inv.request.dump() + "|" +
                      g.state_dir.value_or("-") + "|" + g.output + (g.output_given ? "!" : "") +
                      "|" + g.query.value_or("-") + "|" + g.region.value_or("-") + "|" +
                      g.profile.value_or("-") + "|" + g.color + (g.color_given ? "!" : "") + "|" +
                      (g.debug ? "debug" : "") + "|" + (g.no_paginate ? "no-paginate" : "") + "|";
    for (const auto& m : inv.option_members) out += m + ",";
    out += "|" + (inv.paging.max_items ? std::to_string(*inv.paging.max_items) : "-") + "|" +
           (inv.paging.page_size ? std::to_string(*inv.paging.page_size) : "-") + "|" +
           inv.paging.starting_token.value_or("-") + "|" + inv.skeleton.value_or("-");
    return out;
  } catch (const UsageError& e) {
    return std::string("UsageError: ") + e.what();
  }
}

TEST(CommandLineParser, ParsingAgainGivesWhatAFreshParseGives) {
  // Each line after others of its operation (and of other operations) must
  // see nothing of them: no option, value, flag order or error left over.
  const std::vector<Args> lines = {
      With(kCreate, {"--engine", "redis", "--num-cache-nodes", "2", "--auto-minor-version-upgrade",
                     "--no-auto-minor-version-upgrade", "--security-group-ids", "sg-1", "sg-2"}),
      With(kCreate, {"--no-auto-minor-version-upgrade", "--auto-minor-version-upgrade"}),
      kCreate,
      With(kCreate, {"--tags", "Key=a,Value=b", "Key=c,Value=d", "--port", "6380"}),
      With(kCreate, {"--tags=[{\"Key\":\"a\",\"Value\":\"b\"}]"}),
      With(kCreate, {"--port", "x"}),
      With(kCreate, {"--no-such-option", "1"}),
      {"create-cache-cluster", "--engine", "redis"},
      {"create-cache-cluster", "--cli-input-json", "{\"CacheClusterId\":\"j\"}"},
      {"create-cache-cluster", "--generate-cli-skeleton"},
      {"create-cache-cluster", "help"},
      {"--output",
       "text",
       "--query",
       "CacheClusters",
       "--region",
       "r",
       "--profile",
       "p",
       "--color",
       "on",
       "--debug",
       "--no-paginate",
       "--state-dir",
       "/tmp/s",
       "describe-cache-clusters",
       "--max-items",
       "5",
       "--page-size",
       "2",
       "--starting-token",
       "t"},
      {"describe-cache-clusters"},
      {"describe-cache-clusters", "--max-items", "nine"},
      {"wait", "cache-cluster-available", "--cache-cluster-id", "x"},
      {"wait", "cache-cluster-available", "--max-items", "5"},
      {"--output", "xml", "describe-cache-clusters"},
      {"help"},
      {"version"},
      {"--output", "yaml", "version"},
      {},
  };
  std::vector<std::string> fresh;
  for (const Args& line : lines) fresh.push_back(Outcome([&] { return parse_command_line(line); }));
  CommandLineParser parser;
  for (int round = 0; round < 3; ++round) {
    for (std::size_t k = 0; k < lines.size(); ++k) {
      // Forward, backward, then forward again.
      std::size_t i = round == 1 ? lines.size() - 1 - k : k;
      EXPECT_EQ(Outcome([&] { return parser.parse(lines[i]); }), fresh[i])
          << "round " << round << ", line " << i;
    }
  }
}

// Inputs the fuzz targets (fuzz/) found crashing, each kept as a test.
TEST(ParseCommandLine, FuzzFoundInvalidUtf8InShorthandIsAUsageError) {
  // fuzz_shorthand: a byte 0xff in a shorthand value threw from the JSON
  // library (invalid UTF-8) instead of exiting 252.
  ExpectUsageError({"describe-users", "--filters=Name=en\xffgine,Values=[redilistmcached]"},
                   "Invalid value for parameter Filters[0].Name: the value is not valid UTF-8");
  ExpectUsageError(With(kCreate, {"--tags", "Key=\xff,Value=b"}), "not valid UTF-8");
  ExpectUsageError(With(kCreate, {"--tags", "Colour=\xff"}), "Colour");
}

}  // namespace
}  // namespace cachectl::cli
