// Tags on every resource with an ARN, the API's limits and errors; events of
// every source type; the EC2-Classic security group operations.
#include "tests/integration/harness.h"

namespace cachectl::testing {
namespace {

using json = nlohmann::json;

const std::string kArn = "arn:aws:elasticache:us-east-1:000000000000:";

class Tags : public CachectlTest {
 protected:
  // The tags of a resource as "key=value" strings, in order.
  std::vector<std::string> tags(const std::string& arn) {
    json t = ok("list-tags-for-resource", {"--resource-name", arn});
    std::vector<std::string> out;
    for (const auto& tag : t["TagList"])
      out.push_back(tag["Key"].get<std::string>() + "=" + tag["Value"].get<std::string>());
    return out;
  }
  using Strings = std::vector<std::string>;
};

TEST_F(Tags, RoundTripOnEveryKindOfResource) {
  create_redis("c1", {"--tags", "Key=env,Value=dev"});
  EXPECT_EQ(tags(kArn + "cluster:c1"), Strings{"env=dev"});
  json added = ok("add-tags-to-resource", {"--resource-name", kArn + "cluster:c1", "--tags",
                                           "Key=team,Value=cache", "Key=env,Value=prod"});
  EXPECT_EQ(added["TagList"].size(), 2u);
  EXPECT_EQ(tags(kArn + "cluster:c1"), (Strings{"env=prod", "team=cache"}));
  ok("remove-tags-from-resource", {"--resource-name", kArn + "cluster:c1", "--tag-keys", "env"});
  EXPECT_EQ(tags(kArn + "cluster:c1"), Strings{"team=cache"});

  ok("create-cache-parameter-group",
     {"--cache-parameter-group-name", "pg", "--cache-parameter-group-family", "redis7",
      "--description", "d", "--tags", "Key=k,Value=v"});
  EXPECT_EQ(tags(kArn + "parametergroup:pg"), Strings{"k=v"});
  ok("add-tags-to-resource",
     {"--resource-name", kArn + "parametergroup:pg", "--tags", "Key=k2,Value="});
  EXPECT_EQ(tags(kArn + "parametergroup:pg"), (Strings{"k=v", "k2="}));
  EXPECT_TRUE(tags(kArn + "parametergroup:default.redis7").empty());
  EXPECT_EQ(error_of({"add-tags-to-resource", "--resource-name",
                      kArn + "parametergroup:default.redis7", "--tags", "Key=a,Value=b"}),
            "InvalidParameterValue");

  ok("create-cache-subnet-group",
     {"--cache-subnet-group-name", "sg", "--cache-subnet-group-description", "d", "--subnet-ids",
      "127.250.1.0/24", "--tags", "Key=net,Value=a"});
  EXPECT_EQ(tags(kArn + "subnetgroup:sg"), Strings{"net=a"});
  ok("remove-tags-from-resource",
     {"--resource-name", kArn + "subnetgroup:sg", "--tag-keys", "net"});
  EXPECT_TRUE(tags(kArn + "subnetgroup:sg").empty());

  // A snapshot has its own tags, and a copy keeps them.
  ok("create-snapshot",
     {"--cache-cluster-id", "c1", "--snapshot-name", "s1", "--tags", "Key=s,Value=1"});
  EXPECT_EQ(tags(kArn + "snapshot:s1"), Strings{"s=1"});
  ok("copy-snapshot", {"--source-snapshot-name", "s1", "--target-snapshot-name", "s2", "--tags",
                       "Key=copy,Value=yes"});
  EXPECT_EQ(tags(kArn + "snapshot:s2"), (Strings{"s=1", "copy=yes"}));
  ok("add-tags-to-resource", {"--resource-name", kArn + "snapshot:s1", "--tags", "Key=t,Value=2"});
  EXPECT_EQ(tags(kArn + "snapshot:s1"), (Strings{"s=1", "t=2"}));

  // A replication group's tags are its members' too.
  ok("create-replication-group", {"--replication-group-id", "rg", "--replication-group-description",
                                  "d", "--engine", "redis", "--cache-node-type", "cache.t3.micro",
                                  "--num-cache-clusters", "1", "--tags", "Key=rg,Value=1"});
  EXPECT_EQ(tags(kArn + "replicationgroup:rg"), Strings{"rg=1"});
  EXPECT_EQ(tags(kArn + "cluster:rg-001"), Strings{"rg=1"});
  ok("add-tags-to-resource",
     {"--resource-name", kArn + "replicationgroup:rg", "--tags", "Key=x,Value=y"});
  EXPECT_EQ(tags(kArn + "cluster:rg-001"), (Strings{"rg=1", "x=y"}));

  // Events of every source type that has resources here; the others none.
  for (const char* type :
       {"cache-cluster", "replication-group", "cache-parameter-group", "cache-subnet-group"}) {
    json e = ok("describe-events", {"--source-type", type});
    ASSERT_FALSE(e["Events"].empty()) << type;
    for (const auto& event : e["Events"]) EXPECT_EQ(event["SourceType"], type);
  }
  for (const char* type : {"cache-security-group", "user", "user-group"})
    EXPECT_TRUE(ok("describe-events", {"--source-type", type})["Events"].empty()) << type;
  json pg = ok("describe-events",
               {"--source-type", "cache-parameter-group", "--source-identifier", "pg"});
  EXPECT_EQ(pg["Events"][0]["Message"], "Cache parameter group pg created");
  json rg =
      ok("describe-events", {"--source-type", "replication-group", "--source-identifier", "rg"});
  EXPECT_EQ(rg["Events"][0]["Message"], "Replication group rg created");

  ok("delete-replication-group", {"--replication-group-id", "rg"});
  ASSERT_EQ(
      cachectl({"wait", "replication-group-deleted", "--replication-group-id", "rg"}).exit_code, 0);
}

TEST_F(Tags, TheApisLimitsAndErrorsChangeNothing) {
  create_redis("c1", {"--tags", "Key=keep,Value=1"});
  const std::string c1 = kArn + "cluster:c1";
  std::vector<std::string> many = {"add-tags-to-resource", "--resource-name", c1, "--tags"};
  for (int i = 0; i < 50; ++i) many.push_back("Key=k" + std::to_string(i) + ",Value=v");
  EXPECT_EQ(error_of(many), "TagQuotaPerResourceExceeded");  // 51 with the one it has
  EXPECT_EQ(
      error_of({"add-tags-to-resource", "--resource-name", c1, "--tags", "Key=aws:x,Value=1"}),
      "InvalidParameterValue");
  EXPECT_EQ(error_of({"add-tags-to-resource", "--resource-name", c1, "--tags",
                      "Key=" + std::string(129, 'k') + ",Value=1"}),
            "InvalidParameterValue");
  EXPECT_EQ(error_of({"add-tags-to-resource", "--resource-name", c1, "--tags",
                      "Key=v,Value=" + std::string(257, 'v')}),
            "InvalidParameterValue");
  EXPECT_EQ(error_of({"remove-tags-from-resource", "--resource-name", c1, "--tag-keys", "keep",
                      "nosuch"}),
            "TagNotFound");
  EXPECT_EQ(tags(c1), Strings{"keep=1"}) << "nothing changed";
  EXPECT_EQ(error_of({"list-tags-for-resource", "--resource-name", "arn:aws:s3:::bucket"}),
            "InvalidARN");
  EXPECT_EQ(error_of({"list-tags-for-resource", "--resource-name",
                      "arn:aws:elasticache:eu-west-1:000000000000:cluster:c1"}),
            "InvalidARN");
  EXPECT_EQ(error_of({"list-tags-for-resource", "--resource-name", kArn + "cluster:nosuch"}),
            "CacheClusterNotFound");
  EXPECT_EQ(error_of({"list-tags-for-resource", "--resource-name", kArn + "snapshot:nosuch"}),
            "SnapshotNotFoundFault");
  EXPECT_EQ(error_of({"list-tags-for-resource", "--resource-name", kArn + "user:alice"}),
            "UserNotFound");
  EXPECT_EQ(error_of({"list-tags-for-resource", "--resource-name", kArn + "securitygroup:default"}),
            "InvalidParameterValue");
  std::vector<std::string> create = {
      "create-cache-cluster", "--cache-cluster-id", "c2",    "--engine", "redis",
      "--cache-node-type",    "cache.t3.micro",     "--tags"};
  for (int i = 0; i < 51; ++i) create.push_back("Key=k" + std::to_string(i) + ",Value=v");
  EXPECT_EQ(error_of(create), "TagQuotaPerResourceExceeded");
  EXPECT_EQ(ok("describe-cache-clusters", {})["CacheClusters"].size(), 1u);
}

// EC2-Classic: every cache security group operation, and
// CacheSecurityGroupNames, answer as ElastiCache does without it.
TEST_F(Tags, CacheSecurityGroupsAreNotPermittedAndVpcSecurityGroupsAreRecorded) {
  const std::string words = "Use of cache security groups is not permitted in this API version";
  for (std::vector<std::string> op :
       {std::vector<std::string>{"create-cache-security-group", "--cache-security-group-name", "g",
                                 "--description", "d"},
        {"describe-cache-security-groups"},
        {"authorize-cache-security-group-ingress", "--cache-security-group-name", "g",
         "--ec2-security-group-name", "e", "--ec2-security-group-owner-id", "1"},
        {"revoke-cache-security-group-ingress", "--cache-security-group-name", "g",
         "--ec2-security-group-name", "e", "--ec2-security-group-owner-id", "1"},
        {"delete-cache-security-group", "--cache-security-group-name", "g"},
        {"create-cache-cluster", "--cache-cluster-id", "c", "--engine", "redis",
         "--cache-node-type", "cache.t3.micro", "--cache-security-group-names", "default"}}) {
    RunResult r = cachectl(op);
    EXPECT_EQ(r.exit_code, 254) << op[0];
    EXPECT_NE(r.err.find("(InvalidParameterValue)"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(words), std::string::npos) << r.err;
  }
  json c = ok("create-cache-cluster",
              {"--cache-cluster-id", "c", "--engine", "redis", "--cache-node-type",
               "cache.t3.micro", "--security-group-ids", "sg-0123", "sg-0456"});
  EXPECT_EQ(c["CacheCluster"]["SecurityGroups"],
            json::parse(R"([{"SecurityGroupId": "sg-0123", "Status": "active"},
                            {"SecurityGroupId": "sg-0456", "Status": "active"}])"));
  EXPECT_EQ(cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "c"}).exit_code, 0);
}

}  // namespace
}  // namespace cachectl::testing
