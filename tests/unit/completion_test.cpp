// cli/completion.h: what `cachectl __complete` offers the shells.
#include "cli/completion.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace cachectl::cli {
namespace {

namespace fs = std::filesystem;

class Complete : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = fs::temp_directory_path() / ("cachectl-complete-" + std::to_string(::getpid()));
    fs::create_directories(home_ / "clusters");
    for (const char* id : {"exampleredis", "example-memcached", "other"})
      std::ofstream(home_ / "clusters" / (std::string(id) + ".toml"));
    std::ofstream(home_ / "clusters" / ".exampletmp.toml.tmp.1.0");  // a temporary: never offered
    fs::create_directories(home_ / "snapshots" / "snap-1");
    fs::create_directories(home_ / "nodes" / "exampleredis" / "0001");
    fs::create_directories(home_ / "nodes" / "exampleredis" / "0002");
  }
  void TearDown() override { fs::remove_all(home_); }

  std::vector<std::string> Values(std::vector<std::string> words) {
    words.insert(words.begin(), {"--state-dir", home_.string()});
    std::vector<std::string> out;
    for (const auto& c : complete(words)) out.push_back(c.value);
    return out;
  }
  static bool Has(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  }

  fs::path home_;
};

TEST_F(Complete, ClusterIdsComeFromTheStateHome) {
  EXPECT_EQ(Values({"describe-cache-clusters", "--cache-cluster-id", "ex"}),
            (std::vector<std::string>{"example-memcached", "exampleredis"}));
  EXPECT_EQ(Values({"describe-cache-clusters", "--cache-cluster-id", ""}).size(), 3u);
  EXPECT_EQ(
      Values({"describe-events", "--source-type", "cache-cluster", "--source-identifier", "o"}),
      std::vector<std::string>{"other"});
  EXPECT_EQ(Values({"wait", "cache-cluster-available", "--cache-cluster-id", "exa"}).size(), 2u);
}

TEST_F(Complete, StateHomeAfterTheCommandCountsToo) {
  std::vector<std::string> words = {"delete-cache-cluster", "--state-dir", home_.string(),
                                    "--cache-cluster-id", "oth"};
  EXPECT_EQ(complete(words).size(), 1u);
}

TEST_F(Complete, AStateDirWithATildeIsUnderHome) {
  const char* old_home = std::getenv("HOME");
  std::string saved = old_home ? old_home : "";
  ::setenv("HOME", home_.parent_path().c_str(), 1);
  auto c = complete({"--state-dir", "~/" + home_.filename().string(), "delete-cache-cluster",
                     "--cache-cluster-id", "oth"});
  ::setenv("HOME", saved.c_str(), 1);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].value, "other");
}

TEST_F(Complete, SnapshotsAndNodesOfTheNamedCluster) {
  EXPECT_EQ(Values({"create-cache-cluster", "--snapshot-name", ""}),
            std::vector<std::string>{"snap-1"});
  EXPECT_EQ(Values({"reboot-cache-cluster", "--cache-cluster-id", "exampleredis",
                    "--cache-node-ids-to-reboot", ""}),
            (std::vector<std::string>{"0001", "0002"}));
}

TEST_F(Complete, CommandsWaitersAndOptions) {
  auto commands = Values({"describe-cache-c"});
  EXPECT_TRUE(Has(commands, "describe-cache-clusters"));
  EXPECT_FALSE(Has(commands, "create-cache-cluster"));
  auto waiters = Values({"wait", ""});
  EXPECT_TRUE(Has(waiters, "cache-cluster-available"));
  EXPECT_TRUE(Has(waiters, "replication-group-available"));
  auto options = Values({"describe-cache-clusters", "--"});
  for (const char* o : {"--cache-cluster-id", "--show-cache-node-info", "--no-show-cache-node-info",
                        "--max-items", "--page-size", "--starting-token", "--cli-input-json",
                        "--generate-cli-skeleton", "--output", "--query"})
    EXPECT_TRUE(Has(options, o)) << o;
  // Given once, not offered again.
  EXPECT_FALSE(
      Has(Values({"describe-cache-clusters", "--max-items", "3", "--max"}), "--max-items"));
}

TEST_F(Complete, ServeItsOptionsAndTheirValues) {
  EXPECT_TRUE(Has(Values({"ser"}), "serve"));
  auto options = Values({"serve", "--"});
  // (--state-dir is on every line here, so not offered again.)
  for (const char* o : {"--listen", "--credentials", "--workers", "--request-timeout",
                        "--idle-timeout", "--region", "--profile"})
    EXPECT_TRUE(Has(options, o)) << o;
  // The command line's output options are not serve's.
  for (const char* o : {"--output", "--query", "--cli-input-json"})
    EXPECT_FALSE(Has(options, o)) << o;
  EXPECT_EQ(Values({"serve", "--credentials", ""}), std::vector<std::string>{":files"});
  EXPECT_EQ(Values({"serve", "--listen", ""}), std::vector<std::string>{"127.0.0.1:9736"});
  EXPECT_TRUE(Values({"serve", "--workers", ""}).empty());
}

TEST_F(Complete, EnumsEnginesNodeTypesAndFormats) {
  EXPECT_EQ(Values({"create-cache-cluster", "--engine", ""}),
            (std::vector<std::string>{"redis", "memcached"}));
  EXPECT_EQ(Values({"create-cache-cluster", "--az-mode", ""}),
            (std::vector<std::string>{"single-az", "cross-az"}));
  EXPECT_TRUE(
      Has(Values({"create-cache-cluster", "--cache-node-type", "cache.t"}), "cache.t1.micro"));
  EXPECT_TRUE(Has(Values({"describe-events", "--source-type", ""}), "cache-cluster"));
  EXPECT_EQ(Values({"--output", "y"}), (std::vector<std::string>{"yaml", "yaml-stream"}));
  EXPECT_EQ(Values({"create-cache-cluster", "--generate-cli-skeleton", ""}),
            (std::vector<std::string>{"input", "output"}));
  EXPECT_TRUE(Has(Values({"create-cache-cluster", "--cache-parameter-group-name", "default."}),
                  "default.redis7"));
}

TEST_F(Complete, EngineVersionsFromTheEnginesCacheAndZonesOfTheRegion) {
  std::ofstream(home_ / "engines.toml")
      << "[[engines]]\nengine = 'redis'\nversion = '7.0.15'\n"
         "[[engines]]\nengine = 'memcached'\nversion = '1.6.18'\n";
  EXPECT_EQ(Values({"create-cache-cluster", "--engine", "redis", "--engine-version", ""}),
            (std::vector<std::string>{"7.0", "7.0.15"}));
  EXPECT_EQ(Values({"create-cache-cluster", "--engine-version", "1"}),
            (std::vector<std::string>{"1.6", "1.6.18"}));
  EXPECT_TRUE(Has(Values({"create-cache-cluster", "--cache-parameter-group-name", ""}),
                  "default.memcached1.6"));
  EXPECT_TRUE(Has(Values({"--region", "eu-west-1", "create-cache-cluster",
                          "--preferred-availability-zone", ""}),
                  "eu-west-1a"));
}

TEST_F(Complete, FilesForStateDirAndFileUrls) {
  EXPECT_EQ(Values({"--state-dir", ""}), std::vector<std::string>{":dirs"});
  std::string url = "file://" + home_.string() + "/sn";
  EXPECT_EQ(Values({"create-cache-cluster", "--cli-input-json", url}),
            std::vector<std::string>{"file://" + home_.string() + "/snapshots/"});
}

TEST_F(Complete, AMissingStateHomeOffersNothingAndCreatesNothing) {
  fs::path nowhere = home_ / "not-there";
  auto c = complete(
      {"--state-dir", nowhere.string(), "describe-cache-clusters", "--cache-cluster-id", ""});
  EXPECT_TRUE(c.empty());
  EXPECT_FALSE(fs::exists(nowhere));
}

}  // namespace
}  // namespace cachectl::cli
