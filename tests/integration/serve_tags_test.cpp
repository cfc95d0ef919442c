// Tags, subnet groups and the EC2-Classic security groups through `cachectl
// serve`, as infrastructure code uses them: boto3 creates a subnet group and
// a cluster with tags and reads, changes and reads them back by ARN (what
// Terraform's provider does after every create); aws-cli's documents and
// errors for the same requests are cachectl's.
#include "tests/integration/serve_fixture.h"

namespace cachectl::testing {
namespace {

using nlohmann::json;

json tag_list(std::vector<std::pair<std::string, std::string>> tags) {
  json list = json::array();
  for (const auto& [k, v] : tags) list.push_back({{"Key", k}, {"Value", v}});
  return list;
}

class ServeTags : public ServeTest {
 protected:
  // aws elasticache ARGS --output json and cachectl ARGS: the same document.
  json same(const std::vector<std::string>& request) {
    std::vector<std::string> a = {"elasticache"};
    a.insert(a.end(), request.begin(), request.end());
    a.insert(a.end(), {"--output", "json"});
    RunResult served = aws(a), direct = cli(request);
    EXPECT_EQ(served.exit_code, 0) << request[0] << ": " << served.err;
    EXPECT_EQ(direct.exit_code, 0) << request[0] << ": " << direct.err;
    json s = json::parse(served.out, nullptr, false), d = json::parse(direct.out, nullptr, false);
    expect_same_document(request[0], s, d);
    return s;
  }
  // The same request refused alike: aws-cli's error line is cachectl's.
  std::string same_error(const std::vector<std::string>& request) {
    std::vector<std::string> a = {"elasticache"};
    a.insert(a.end(), request.begin(), request.end());
    RunResult served = aws(a), direct = cli(request);
    EXPECT_EQ(served.exit_code, 255) << served.out;
    EXPECT_EQ(direct.exit_code, 254) << direct.out;
    EXPECT_EQ(served.err, direct.err);
    return served.err;
  }
};

TEST_F(ServeTags, RoundTripThroughTheEndpointWithBoto3AndAwsCli) {
  start_server();
  RunResult py = python("serve_boto3_tags.py", {home_subnet(40)});
  ASSERT_EQ(py.exit_code, 0) << py.out << py.err;
  json r = json::parse(py.out, nullptr, false);
  ASSERT_TRUE(r.is_object()) << py.out;
  EXPECT_EQ(r["subnet_group_tags"], tag_list({{"owner", "tf"}}));
  EXPECT_EQ(r["arn"], "arn:aws:elasticache:us-east-1:000000000000:cluster:tf-cache");
  EXPECT_EQ(r["created_tags"], tag_list({{"Name", "tf-cache"}, {"env", "test"}}));
  EXPECT_EQ(r["changed_tags"], tag_list({{"env", "prod"}, {"team", "cache"}}));
  EXPECT_EQ(r["reserved_key"], "InvalidParameterValue");
  EXPECT_EQ(r["not_found"], "CacheClusterNotFound");

  // What boto3 changed is what cachectl and aws-cli read.
  const std::string arn = r["arn"];
  json listed = same({"list-tags-for-resource", "--resource-name", arn});
  EXPECT_EQ(listed["TagList"], r["changed_tags"]);
  json cluster = same({"describe-cache-clusters", "--cache-cluster-id", "tf-cache",
                       "--show-cache-node-info"})["CacheClusters"][0];
  EXPECT_EQ(cluster["CacheSubnetGroupName"], "tf-subnets");
  EXPECT_EQ(cluster["CacheNodes"][0]["Endpoint"]["Address"], home_prefix() + ".40.1");

  // aws-cli: tags on the subnet group (adding the same tag again changes
  // nothing, so both may add it), its description, and the errors.
  const std::string group_arn = "arn:aws:elasticache:us-east-1:000000000000:subnetgroup:tf-subnets";
  json added =
      same({"add-tags-to-resource", "--resource-name", group_arn, "--tags", "Key=cost,Value=1"});
  EXPECT_EQ(added["TagList"], tag_list({{"owner", "tf"}, {"cost", "1"}}));
  same({"describe-cache-subnet-groups", "--cache-subnet-group-name", "tf-subnets"});
  // A change made once, through the server: cachectl reads the result.
  RunResult removed = aws({"elasticache", "remove-tags-from-resource", "--resource-name", group_arn,
                           "--tag-keys", "cost", "--output", "json"});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(json::parse(removed.out)["TagList"], tag_list({{"owner", "tf"}}));
  same({"list-tags-for-resource", "--resource-name", group_arn});
  EXPECT_NE(same_error({"delete-cache-subnet-group", "--cache-subnet-group-name", "tf-subnets"})
                .find("(CacheSubnetGroupInUse)"),
            std::string::npos);
  EXPECT_NE(same_error({"create-cache-security-group", "--cache-security-group-name", "sg",
                        "--description", "d"})
                .find("(InvalidParameterValue) when calling the CreateCacheSecurityGroup "
                      "operation: Use of cache security groups is not permitted"),
            std::string::npos);
  EXPECT_NE(same_error({"list-tags-for-resource", "--resource-name",
                        "arn:aws:elasticache:us-east-1:000000000000:snapshot:nosuch"})
                .find("(SnapshotNotFoundFault)"),
            std::string::npos);
}

}  // namespace
}  // namespace cachectl::testing
