// Scripting with cachectl against real nodes: output formats, --query for
// $(...), paging, input from JSON, skeletons, config defaults, waiters and
// help, each as a shell script would use them.
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "core/clock.h"
#include "core/events.h"
#include "tests/integration/harness.h"

namespace cachectl::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::vector<std::string> kFormats = {"json", "text", "table", "yaml", "yaml-stream"};

class Scripting : public CachectlTest {
 protected:
  RunResult run(std::vector<std::string> args) { return cachectl_env({}, std::move(args)); }

  // YAML documents read back with PyYAML, as JSON (one Python for them all:
  // its start is what costs).
  std::vector<json> yamls_as_json(const std::vector<std::string>& yamls) {
    RunResult r =
        run_program({"python3", "-c",
                     "import sys, json, yaml\n"
                     "json.dump([yaml.safe_load(t) for t in json.load(sys.stdin)], sys.stdout)"},
                    json(yamls).dump());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    if (r.exit_code != 0) return std::vector<json>(yamls.size());
    return json::parse(r.out).get<std::vector<json>>();
  }
  json yaml_as_json(const std::string& yaml) { return yamls_as_json({yaml}).at(0); }

  // Every format of one (read-only) command: json parses, yaml and
  // yaml-stream read back to the same document, text and table are drawn.
  void expect_every_format(const std::vector<std::string>& args, const std::string& title) {
    RunResult j = run(with(args, {"--output", "json"}));
    ASSERT_EQ(j.exit_code, 0) << j.err;
    json doc = j.json();
    RunResult y = run(with(args, {"--output", "yaml"}));
    ASSERT_EQ(y.exit_code, 0) << y.err;
    RunResult ys = run(with(args, {"--output", "yaml-stream"}));
    ASSERT_EQ(ys.exit_code, 0) << ys.err;
    std::vector<json> read = yamls_as_json({y.out, ys.out});
    EXPECT_EQ(read[0], doc);
    EXPECT_EQ(read[1], json::array({doc}));
    RunResult t = run(with(args, {"--output", "table"}));
    ASSERT_EQ(t.exit_code, 0) << t.err;
    std::vector<std::string> table = lines(t.out);
    ASSERT_GE(table.size(), 3u) << t.out;
    EXPECT_EQ(table[0].find_first_not_of('-'), std::string::npos) << t.out;
    EXPECT_NE(table[1].find(title), std::string::npos) << t.out;
    RunResult x = run(with(args, {"--output", "text"}));
    ASSERT_EQ(x.exit_code, 0) << x.err;
    EXPECT_FALSE(x.out.empty());
  }

  static std::vector<std::string> with(std::vector<std::string> a,
                                       const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }

  static std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
  }

  // Events in the past hour, so that describe-events has pages to turn.
  void seed_events(int n) {
    ASSERT_EQ(run({"describe-events"}).exit_code, 0);  // prepares the state home
    core::EventLog log(fs::path(home_) / "events");
    core::SystemClock clock;
    for (int i = 0; i < n; ++i)
      ASSERT_FALSE(
          log.append({"seeded", "cache-cluster", "event " + std::to_string(i), clock.now()})
              .has_value());
  }
};

TEST_F(Scripting, QueryWithTextOutputIsTheBareValueForShellSubstitution) {
  auto [address, port] = create_redis("exampleredis");
  ASSERT_FALSE(address.empty());
  RunResult a = run({"describe-cache-clusters", "--cache-cluster-id", "exampleredis",
                     "--show-cache-node-info", "--query",
                     "CacheClusters[0].CacheNodes[0].Endpoint.Address", "--output", "text"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, address + "\n");
  RunResult p = run({"describe-cache-clusters", "--cache-cluster-id", "exampleredis",
                     "--show-cache-node-info", "--query",
                     "CacheClusters[0].CacheNodes[0].Endpoint.Port", "--output", "text"});
  EXPECT_EQ(p.out, std::to_string(port) + "\n");

  // The issue's own line, in a real shell.
  RunResult sh = run_program({"sh", "-c",
                              "ENDPOINT=$(\"$0\" --state-dir \"$1\" describe-cache-clusters "
                              "--cache-cluster-id exampleredis "
                              "--show-cache-node-info --query "
                              "'CacheClusters[0].CacheNodes[0].Endpoint.Address' --output text) && "
                              "redis-cli -h \"$ENDPOINT\" set scripted yes >/dev/null && redis-cli "
                              "-h \"$ENDPOINT\" get scripted",
                              bin_dir_ + "/cachectl", home_});
  EXPECT_EQ(sh.exit_code, 0) << sh.err;
  EXPECT_EQ(sh.out, "yes\n");

  // A list of scalars is one tab-separated line; records one line each.
  RunResult ids = run({"describe-cache-clusters", "--query",
                       "CacheClusters[].[CacheClusterId,Engine]", "--output", "text"});
  EXPECT_EQ(ids.out, "exampleredis\tredis\n");
}

TEST_F(Scripting, EveryOutputOfTheImplementedOperationsRendersInEveryFormat) {
  RunResult created =
      run({"create-cache-cluster", "--cache-cluster-id", "fmt", "--engine", "redis",
           "--cache-node-type", "cache.t3.micro", "--num-cache-nodes", "1", "--output", "table"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(lines(created.out).at(1).find("CreateCacheCluster") != std::string::npos, true)
      << created.out;
  EXPECT_NE(created.out.find("creating"), std::string::npos);
  ASSERT_EQ(run({"wait", "cache-cluster-available", "--cache-cluster-id", "fmt"}).exit_code, 0);

  expect_every_format({"describe-cache-clusters", "--show-cache-node-info"},
                      "DescribeCacheClusters");
  expect_every_format({"describe-cache-clusters", "--cache-cluster-id", "fmt"},
                      "DescribeCacheClusters");
  expect_every_format({"describe-events"}, "DescribeEvents");

  RunResult text = run({"describe-cache-clusters", "--show-cache-node-info", "--output", "text"});
  std::vector<std::string> text_lines = lines(text.out);
  ASSERT_GE(text_lines.size(), 3u) << text.out;
  EXPECT_EQ(text_lines[0].rfind("CACHECLUSTERS\t", 0), 0u) << text.out;
  EXPECT_TRUE(std::any_of(text_lines.begin(), text_lines.end(), [](const std::string& l) {
    return l.rfind("ENDPOINT\t127.", 0) == 0;
  })) << text.out;

  RunResult rebooted = run({"reboot-cache-cluster", "--cache-cluster-id", "fmt",
                            "--cache-node-ids-to-reboot", "0001", "--output", "yaml"});
  ASSERT_EQ(rebooted.exit_code, 0) << rebooted.err;
  EXPECT_EQ(yaml_as_json(rebooted.out)["CacheCluster"]["CacheClusterStatus"],
            "rebooting cache cluster nodes");
  ASSERT_EQ(run({"wait", "cache-cluster-available", "--cache-cluster-id", "fmt"}).exit_code, 0);

  RunResult deleted =
      run({"delete-cache-cluster", "--cache-cluster-id", "fmt", "--output", "text"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_EQ(deleted.out.rfind("CACHECLUSTER\t", 0), 0u) << deleted.out;
  EXPECT_NE(deleted.out.find("\tdeleting\t"), std::string::npos) << deleted.out;
  EXPECT_EQ(run({"wait", "cache-cluster-deleted", "--cache-cluster-id", "fmt"}).exit_code, 0);
}

// Whatever operations are implemented (today's and those to come): the
// output skeleton of each, a response of every member, prints in every
// format, through its input skeleton given back as --cli-input-json.
TEST_F(Scripting, EveryImplementedOperationsResponseShapeRendersInEveryFormat) {
  RunResult help = run({"help"});
  ASSERT_EQ(help.exit_code, 0);
  std::vector<std::string> implemented;
  bool in_list = false;
  for (const auto& l : lines(help.out)) {
    if (l == "AVAILABLE COMMANDS") in_list = true;
    if (!in_list || l.rfind("       o ", 0) != 0 || l.find("not implemented") != std::string::npos)
      continue;
    std::string name = l.substr(9);
    // wait, resume, serve and help are local commands, not operations.
    if (name != "wait" && name != "help" && name != "resume" && name != "serve")
      implemented.push_back(name);
  }
  ASSERT_GE(implemented.size(), 5u) << help.out;
  std::vector<std::string> yamls;
  std::vector<json> expected;
  for (const auto& op : implemented) {
    SCOPED_TRACE(op);
    RunResult input = run({op, "--generate-cli-skeleton"});
    ASSERT_EQ(input.exit_code, 0) << input.err;
    ASSERT_TRUE(input.json().is_object());
    // The skeleton's empty strings would fail the model's length minimums
    // (as they do with aws-cli, which validates before the skeleton output):
    // give each one character.
    json filled = input.json();
    std::function<void(json&)> fill = [&](json& v) {
      if (v.is_string() && v.get<std::string>().empty()) v = "x";
      if (v.is_structured())
        for (auto& e : v) fill(e);
    };
    fill(filled);
    input.out = filled.dump();
    RunResult j = run({op, "--cli-input-json", input.out, "--generate-cli-skeleton", "output"});
    ASSERT_EQ(j.exit_code, 0) << j.err;
    if (j.out.empty()) continue;  // an operation without output prints nothing, in any format
    json doc = j.json();
    for (const auto& format : kFormats) {
      RunResult r = run({op, "--cli-input-json", input.out, "--generate-cli-skeleton", "output",
                         "--output", format});
      ASSERT_EQ(r.exit_code, 0) << format << ": " << r.err;
      EXPECT_FALSE(r.out.empty()) << format;
      if (format == "yaml") {
        yamls.push_back(r.out);
        expected.push_back(doc);
      } else if (format == "yaml-stream") {
        yamls.push_back(r.out);
        expected.push_back(json::array({doc}));
      }
    }
  }
  std::vector<json> read = yamls_as_json(yamls);
  for (std::size_t i = 0; i < read.size(); ++i) EXPECT_EQ(read[i], expected[i]) << yamls[i];
}

TEST_F(Scripting, PagingFollowsMarkersAndMaxItemsResumesWithTheToken) {
  seed_events(45);
  json all = run({"describe-events", "--page-size", "20"}).json();
  ASSERT_EQ(all["Events"].size(), 45u);
  EXPECT_FALSE(all.contains("Marker"));
  EXPECT_FALSE(all.contains("NextToken"));

  json first = run({"describe-events", "--page-size", "20", "--max-items", "30"}).json();
  ASSERT_EQ(first["Events"].size(), 30u);
  ASSERT_TRUE(first.contains("NextToken"));
  json rest =
      run({"describe-events", "--page-size", "20", "--starting-token", first["NextToken"]}).json();
  ASSERT_EQ(rest["Events"].size(), 15u);  // newest first, as ElastiCache returns them
  EXPECT_EQ(rest["Events"][0]["Message"], "event 14");
  EXPECT_EQ(rest["Events"][14]["Message"], "event 0");

  // aws-cli's --query over a paged text output: per page, and no "None" line.
  RunResult text = run(
      {"describe-events", "--max-items", "2", "--query", "Events[].Message", "--output", "text"});
  EXPECT_EQ(text.out, "event 44\tevent 43\n");
  RunResult token = run({"describe-events", "--max-items", "2", "--output", "text"});
  std::vector<std::string> token_lines = lines(token.out);
  ASSERT_EQ(token_lines.size(), 3u) << token.out;
  EXPECT_EQ(token_lines[2].rfind("NEXTTOKEN\t", 0), 0u);

  // The API's own paging: one call, with its Marker.
  json manual = run({"describe-events", "--max-records", "20"}).json();
  EXPECT_EQ(manual["Events"].size(), 20u);
  ASSERT_TRUE(manual["Marker"].is_string());
  json next = run({"describe-events", "--max-records", "20", "--marker", manual["Marker"]}).json();
  EXPECT_EQ(next["Events"][0]["Message"], "event 24");
  json one_call = run({"describe-events", "--no-paginate"}).json();
  EXPECT_EQ(one_call["Events"].size(), 45u);

  RunResult both = run({"describe-events", "--no-paginate", "--max-items", "3"});
  EXPECT_EQ(both.exit_code, 252);
  EXPECT_NE(
      both.err.find("Cannot specify --no-paginate along with pagination arguments: --max-items"),
      std::string::npos)
      << both.err;
  RunResult small = run({"describe-events", "--page-size", "5"});
  EXPECT_EQ(small.exit_code, 254);  // the API's MaxRecords bounds (20-100) hold for --page-size
  EXPECT_NE(small.err.find("InvalidParameterValue"), std::string::npos) << small.err;

  RunResult stream = run({"describe-events", "--page-size", "20", "--output", "yaml-stream"});
  json pages = yaml_as_json(stream.out);
  ASSERT_EQ(pages.size(), 3u);
  EXPECT_EQ(pages[0]["Events"].size(), 20u);
  EXPECT_EQ(pages[2]["Events"].size(), 5u);
}

TEST_F(Scripting, ClustersPageWithMaxItemsAndStartingToken) {
  for (const char* id : {"page-a", "page-b", "page-c"}) create_redis(id);
  json first = run({"describe-cache-clusters", "--max-items", "2"}).json();
  ASSERT_EQ(first["CacheClusters"].size(), 2u);
  EXPECT_EQ(first["CacheClusters"][1]["CacheClusterId"], "page-b");
  json rest = run({"describe-cache-clusters", "--starting-token", first["NextToken"]}).json();
  ASSERT_EQ(rest["CacheClusters"].size(), 1u);
  EXPECT_EQ(rest["CacheClusters"][0]["CacheClusterId"], "page-c");
  EXPECT_FALSE(rest.contains("NextToken"));
  RunResult ids = run(
      {"describe-cache-clusters", "--query", "CacheClusters[].CacheClusterId", "--output", "text"});
  EXPECT_EQ(ids.out, "page-a\tpage-b\tpage-c\n");
}

TEST_F(Scripting, CliInputJsonAndSkeletons) {
  RunResult skeleton = run({"create-cache-cluster", "--generate-cli-skeleton", "input"});
  ASSERT_EQ(skeleton.exit_code, 0) << skeleton.err;
  json request = skeleton.json();
  EXPECT_TRUE(request.contains("PreferredMaintenanceWindow"));
  EXPECT_LT(skeleton.out.find("CacheClusterId"), skeleton.out.find("AZMode"));  // the model's order

  std::string file = home_ + "/request.json";
  std::ofstream(file)
      << R"({"CacheClusterId": "from-json", "Engine": "redis", "CacheNodeType": "cache.t3.micro",
                            "NumCacheNodes": 1, "Tags": [{"Key": "team", "Value": "cache"}]})";
  // An option on the command line wins over the JSON.
  RunResult created = run({"create-cache-cluster", "--cli-input-json", "file://" + file,
                           "--cache-node-type", "cache.t3.small", "--query",
                           "CacheCluster.[CacheClusterId,CacheNodeType]", "--output", "text"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_EQ(created.out, "from-json\tcache.t3.small\n");
  ASSERT_EQ(run({"wait", "cache-cluster-available", "--cli-input-json",
                 R"({"CacheClusterId": "from-json"})"})
                .exit_code,
            0);

  RunResult unknown = run({"create-cache-cluster", "--cli-input-json",
                           R"({"CacheClusterId": "nope", "Colour": "red"})"});
  EXPECT_EQ(unknown.exit_code, 252);
  EXPECT_NE(unknown.err.find("Unknown parameter in input: \"Colour\""), std::string::npos)
      << unknown.err;
  RunResult missing = run({"create-cache-cluster", "--cli-input-json", "{}"});
  EXPECT_EQ(missing.exit_code, 252);
  EXPECT_NE(missing.err.find("Missing required parameter in input: \"CacheClusterId\""),
            std::string::npos);
  EXPECT_FALSE(fs::exists(home_ + "/clusters/nope.toml"));

  // The output skeleton is printed like a response: --query and --output apply.
  RunResult shape = run({"describe-cache-clusters", "--generate-cli-skeleton", "output", "--query",
                         "CacheClusters[0].CacheNodes[0].Endpoint", "--output", "text"});
  ASSERT_EQ(shape.exit_code, 0) << shape.err;
  EXPECT_EQ(shape.out, "Address\t0\n");
  RunResult needs = run({"delete-cache-cluster", "--generate-cli-skeleton", "output"});
  EXPECT_EQ(needs.exit_code, 252);  // aws-cli validates the input first
}

TEST_F(Scripting, DefaultOutputFromEnvironmentAndConfigFileWithTheFlagOnTop) {
  seed_events(1);
  std::string config = home_ + "/config";
  std::ofstream(config) << "[default]\noutput = text\n\n[profile tables]\noutput = table\n";
  std::string file = "CACHECTL_CONFIG_FILE=" + config;
  std::vector<std::string> query = {"describe-events", "--query", "Events[0].Message"};

  EXPECT_EQ(run(query).out, "\"event 0\"\n");  // json, built in
  EXPECT_EQ(cachectl_env({file}, query).out, "event 0\n");
  EXPECT_EQ(cachectl_env({file}, with(query, {"--profile", "tables"})).out.substr(0, 5), "-----");
  EXPECT_EQ(cachectl_env({file, "CACHECTL_PROFILE=tables"}, query).out.substr(0, 5), "-----");
  EXPECT_EQ(cachectl_env({file, "AWS_DEFAULT_OUTPUT=yaml"}, query).out, "event 0\n...\n");
  EXPECT_EQ(
      cachectl_env({file, "AWS_DEFAULT_OUTPUT=yaml", "CACHECTL_DEFAULT_OUTPUT=json"}, query).out,
      "\"event 0\"\n");
  EXPECT_EQ(
      cachectl_env({file, "CACHECTL_DEFAULT_OUTPUT=yaml"}, with(query, {"--output", "text"})).out,
      "event 0\n");

  // XDG_CONFIG_HOME/cachectl/config is where it is looked for by default.
  fs::create_directories(home_ + "/xdg/cachectl");
  fs::copy_file(config, home_ + "/xdg/cachectl/config");
  RunResult xdg = run_program({"env", "-u", "CACHECTL_CONFIG_FILE", "-u", "CACHECTL_DEFAULT_OUTPUT",
                               "-u", "AWS_DEFAULT_OUTPUT", "XDG_CONFIG_HOME=" + home_ + "/xdg",
                               bin_dir_ + "/cachectl", "--state-dir", home_, "describe-events",
                               "--query", "Events[0].Message"});
  EXPECT_EQ(xdg.out, "event 0\n");

  RunResult bad = cachectl_env({"CACHECTL_DEFAULT_OUTPUT=xml"}, query);
  EXPECT_EQ(bad.exit_code, 253);
  EXPECT_NE(bad.err.find("xml"), std::string::npos);
  RunResult no_profile = cachectl_env({file}, with(query, {"--profile", "nope"}));
  EXPECT_EQ(no_profile.exit_code, 253);
}

TEST_F(Scripting, ABadQueryIsRefusedBeforeAnythingHappens) {
  RunResult r = run({"create-cache-cluster", "--cache-cluster-id", "q", "--engine", "redis",
                     "--cache-node-type", "cache.t3.micro", "--num-cache-nodes", "1", "--query",
                     "CacheCluster["});
  EXPECT_EQ(r.exit_code, 252);
  EXPECT_NE(r.err.find("Bad value for --query CacheCluster["), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(home_ + "/clusters/q.toml"));
}

TEST_F(Scripting, AWaiterOfAMissingResourceSaysWhyAndExits255) {
  RunResult help = run({"wait", "help"});
  ASSERT_EQ(help.exit_code, 0);
  for (const char* w : {"cache-cluster-available", "cache-cluster-deleted",
                        "replication-group-available", "replication-group-deleted"})
    EXPECT_NE(help.out.find("o " + std::string(w)), std::string::npos) << w << "\n" << help.out;
  EXPECT_EQ(help.out.find("(not implemented yet"), std::string::npos) << help.out;
  RunResult w = run({"wait", "replication-group-available", "--replication-group-id", "rg"});
  EXPECT_EQ(w.exit_code, 255);
  EXPECT_NE(w.err.find("ReplicationGroupNotFoundFault"), std::string::npos) << w.err;
  RunResult one = run({"wait", "cache-cluster-available", "help"});
  EXPECT_EQ(one.exit_code, 0);
  EXPECT_NE(one.out.find("--cache-cluster-id"), std::string::npos);
}

TEST_F(Scripting, HelpAndTheManPageComeFromOneSource) {
  RunResult help = run({"help"});
  for (const char* s :
       {"OUTPUT FORMATS", "yaml-stream", "PAGING", "CONFIGURATION", "--cli-input-json"})
    EXPECT_NE(help.out.find(s), std::string::npos) << s;
  RunResult op = run({"describe-events", "help"});
  EXPECT_NE(op.out.find("--max-items"), std::string::npos);
  EXPECT_NE(op.out.find("paginated operation"), std::string::npos);

  RunResult man = run_program({bin_dir_ + "/cachectl", "__man"});
  ASSERT_EQ(man.exit_code, 0);
  EXPECT_EQ(man.out.find(".TH \"CACHECTL\" \"1\""), man.out.find(".TH"));
  for (const char* s : {"OUTPUT FORMATS", "WAITERS", ".SS \"create\\-cache\\-cluster\"",
                        ".SS \"describe\\-cache\\-clusters\""})
    EXPECT_NE(man.out.find(s), std::string::npos) << s;
  // groff reads it without a single warning.
  RunResult groff = run_program({"groff", "-man", "-Tutf8", "-ww", "-z"}, man.out);
  EXPECT_EQ(groff.exit_code, 0);
  EXPECT_EQ(groff.err, "");
  std::string built = std::string(CACHECTL_BIN_DIR) + "/../man/cachectl.1";
  ASSERT_TRUE(fs::exists(built)) << "the build writes " << built;
  std::ifstream in(built);
  std::stringstream page;
  page << in.rdbuf();
  EXPECT_EQ(page.str(), man.out);
}

}  // namespace
}  // namespace cachectl::testing
