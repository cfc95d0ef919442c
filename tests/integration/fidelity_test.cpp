// Where cachectl answered differently from ElastiCache (the model, botocore's
// examples, aws-cli), each checked against the service's behaviour.
#include "tests/integration/harness.h"

namespace cachectl::testing {
namespace {

using json = nlohmann::json;
using ordered = nlohmann::ordered_json;

class Fidelity : public CachectlTest {
 protected:
  std::string status(const std::string& id) {
    json d = ok("describe-cache-clusters", {"--cache-cluster-id", id});
    return d.is_null() ? "" : d["CacheClusters"][0]["CacheClusterStatus"].get<std::string>();
  }
  std::vector<std::string> messages(const std::string& id) {
    json ev = ok("describe-events", {"--source-type", "cache-cluster", "--source-identifier", id});
    std::vector<std::string> out;
    for (const auto& e : ev["Events"]) out.push_back(e["Message"]);
    return out;
  }
};

// Each node added gets its event, and the cluster its own, newest first.
TEST_F(Fidelity, ACreateRecordsAnEventPerNode) {
  ok("create-cache-cluster",
     {"--cache-cluster-id", "mc", "--engine", "memcached", "--cache-node-type", "cache.t3.micro",
      "--num-cache-nodes", "2", "--az-mode", "cross-az"});
  EXPECT_EQ(messages("mc"),
            (std::vector<std::string>{"Cache cluster created",
                                      "Added cache node 0002 in availability zone us-east-1b",
                                      "Added cache node 0001 in availability zone us-east-1a"}));
  ASSERT_EQ(cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "mc"}).exit_code, 0);
}

// "not valid for a cluster that is not in the available state": creating
// included; a cluster whose engine cannot start becomes failed, and failed
// clusters stay deletable.
TEST_F(Fidelity, DeleteIsRefusedWhileCreatingAndAllowedOnceFailed) {
  install_redis_version("7.0.98", "sleep 2");
  ok("create-cache-cluster", {"--cache-cluster-id", "slow", "--engine", "redis",
                              "--cache-node-type", "cache.t3.micro", "--engine-version", "7.0.98"});
  ASSERT_EQ(status("slow"), "creating");
  RunResult refused = cachectl({"delete-cache-cluster", "--cache-cluster-id", "slow"});
  EXPECT_EQ(refused.exit_code, 254);
  EXPECT_NE(refused.err.find("InvalidCacheClusterState"), std::string::npos) << refused.err;
  EXPECT_EQ(status("slow"), "creating") << "nothing changed";
  ASSERT_EQ(cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "slow"}).exit_code,
            0);
  ok("delete-cache-cluster", {"--cache-cluster-id", "slow"});

  install_redis_version("7.0.97", "exit 1");
  ok("create-cache-cluster", {"--cache-cluster-id", "broken", "--engine", "redis",
                              "--cache-node-type", "cache.t3.micro", "--engine-version", "7.0.97"});
  EXPECT_TRUE(wait_until([&] { return status("broken") == "failed"; }, std::chrono::seconds(10)))
      << status("broken");
  ok("delete-cache-cluster", {"--cache-cluster-id", "broken"});
  ASSERT_EQ(cachectl({"wait", "cache-cluster-deleted", "--cache-cluster-id", "broken"}).exit_code,
            0);
}

// --query keeps the model's member order for objects taken from the
// response (aws-cli's are Python dicts in the order it parsed them), and a
// multiselect hash keeps the expression's.
TEST_F(Fidelity, QueryKeepsTheModelsMemberOrder) {
  create_redis("ordered");
  auto keys = [](const ordered& o) {
    std::vector<std::string> k;
    for (auto it = o.begin(); it != o.end(); ++it) k.push_back(it.key());
    return k;
  };
  RunResult whole = cachectl({"describe-cache-clusters", "--show-cache-node-info"});
  RunResult one = cachectl(
      {"describe-cache-clusters", "--show-cache-node-info", "--query", "CacheClusters[0]"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  ordered full = ordered::parse(whole.out)["CacheClusters"][0];
  ordered queried = ordered::parse(one.out);
  EXPECT_EQ(keys(queried), keys(full));
  EXPECT_EQ(keys(queried).front(), "CacheClusterId");
  RunResult node = cachectl({"describe-cache-clusters", "--show-cache-node-info", "--query",
                             "CacheClusters[0].CacheNodes[0]"});
  EXPECT_EQ(keys(ordered::parse(node.out)), keys(full["CacheNodes"][0]));
  RunResult hash =
      cachectl({"describe-cache-clusters", "--query",
                "CacheClusters[0].{Zone: PreferredAvailabilityZone, Id: CacheClusterId}"});
  EXPECT_EQ(keys(ordered::parse(hash.out)), (std::vector<std::string>{"Zone", "Id"}));
}

}  // namespace
}  // namespace cachectl::testing
