// Cache subnet groups: loopback ranges that the nodes of the clusters in a
// group take their addresses from; refused as ElastiCache refuses them.
#include "tests/integration/harness.h"

namespace cachectl::testing {
namespace {

using json = nlohmann::json;

class SubnetGroups : public CachectlTest {
 protected:
  std::string subnet(int third) {
    if (prefix_.empty()) prefix_ = home_prefix();
    return home_subnet(third);
  }
  std::vector<std::string> addresses(const std::string& id) {
    json d = ok("describe-cache-clusters", {"--cache-cluster-id", id, "--show-cache-node-info"});
    std::vector<std::string> out;
    for (const auto& n : d["CacheClusters"][0]["CacheNodes"])
      out.push_back(n["Endpoint"]["Address"]);
    return out;
  }
  std::string prefix_;
};

TEST_F(SubnetGroups, ClustersInAGroupGetAddressesFromItsSubnets) {
  std::string a = subnet(201), b = subnet(202);  // zones a and b (third byte 201 % 3, 202 % 3)
  json created = ok("create-cache-subnet-group",
                    {"--cache-subnet-group-name", "Apps", "--cache-subnet-group-description",
                     "the apps", "--subnet-ids", a, b});
  const json& g = created["CacheSubnetGroup"];
  EXPECT_EQ(g["CacheSubnetGroupName"], "apps");
  ASSERT_EQ(g["Subnets"].size(), 2u);
  EXPECT_EQ(g["Subnets"][0]["SubnetIdentifier"], a);
  EXPECT_EQ(g["Subnets"][0]["SubnetAvailabilityZone"]["Name"], "us-east-1a");
  EXPECT_EQ(g["Subnets"][1]["SubnetAvailabilityZone"]["Name"], "us-east-1b");
  EXPECT_EQ(g["ARN"], "arn:aws:elasticache:us-east-1:000000000000:subnetgroup:apps");
  EXPECT_EQ(g["VpcId"].get<std::string>().rfind("vpc-", 0), 0u);

  // The default group is the home's /16 and is always listed.
  json all = ok("describe-cache-subnet-groups", {});
  ASSERT_EQ(all["CacheSubnetGroups"].size(), 2u);
  EXPECT_EQ(all["CacheSubnetGroups"][1]["CacheSubnetGroupName"], "default");
  EXPECT_EQ(all["CacheSubnetGroups"][1]["Subnets"][0]["SubnetIdentifier"], prefix_ + ".0.0/16");

  // Memcached across the group's two zones: each node in its zone's subnet.
  ok("create-cache-cluster",
     {"--cache-cluster-id", "mc", "--engine", "memcached", "--cache-node-type", "cache.t3.micro",
      "--num-cache-nodes", "2", "--az-mode", "cross-az", "--cache-subnet-group-name", "apps"});
  ASSERT_EQ(cachectl({"wait", "cache-cluster-available", "--cache-cluster-id", "mc"}).exit_code, 0);
  json mc = ok("describe-cache-clusters", {"--cache-cluster-id", "mc", "--show-cache-node-info"});
  const json& c = mc["CacheClusters"][0];
  EXPECT_EQ(c["CacheSubnetGroupName"], "apps");
  EXPECT_EQ(c["CacheNodes"][0]["CustomerAvailabilityZone"], "us-east-1a");
  EXPECT_EQ(c["CacheNodes"][0]["Endpoint"]["Address"], prefix_ + ".201.1");
  EXPECT_EQ(c["CacheNodes"][1]["CustomerAvailabilityZone"], "us-east-1b");
  EXPECT_EQ(c["CacheNodes"][1]["Endpoint"]["Address"], prefix_ + ".202.1");
  // And they answer there.
  std::string address = c["CacheNodes"][1]["Endpoint"]["Address"];
  RunResult version =
      run_program({"python3", "-c",
                   "import socket,sys; s=socket.create_connection((sys.argv[1],11211),5); "
                   "s.sendall(b'version\\r\\n'); print(s.recv(100).decode())",
                   address});
  EXPECT_EQ(version.out.rfind("VERSION", 0), 0u) << version.out << version.err;
  // A grow claims from the group too.
  ok("modify-cache-cluster", {"--cache-cluster-id", "mc", "--num-cache-nodes", "3",
                              "--new-availability-zones", "us-east-1b", "--apply-immediately"});
  EXPECT_EQ(addresses("mc").back(), prefix_ + ".202.2");

  // In use: neither deleted nor shrunk under its nodes; nothing changes.
  EXPECT_EQ(error_of({"delete-cache-subnet-group", "--cache-subnet-group-name", "apps"}),
            "CacheSubnetGroupInUse");
  EXPECT_EQ(error_of({"modify-cache-subnet-group", "--cache-subnet-group-name", "apps",
                      "--subnet-ids", a}),
            "SubnetInUse");
  EXPECT_EQ(ok("describe-cache-subnet-groups",
               {"--cache-subnet-group-name", "apps"})["CacheSubnetGroups"][0]["Subnets"]
                .size(),
            2u);
  json modified = ok("modify-cache-subnet-group",
                     {"--cache-subnet-group-name", "apps", "--cache-subnet-group-description",
                      "renamed", "--subnet-ids", a, b, subnet(203)});
  EXPECT_EQ(modified["CacheSubnetGroup"]["CacheSubnetGroupDescription"], "renamed");
  EXPECT_EQ(modified["CacheSubnetGroup"]["Subnets"].size(), 3u);

  ok("delete-cache-cluster", {"--cache-cluster-id", "mc"});
  ASSERT_EQ(cachectl({"wait", "cache-cluster-deleted", "--cache-cluster-id", "mc"}).exit_code, 0);
  EXPECT_EQ(cachectl({"delete-cache-subnet-group", "--cache-subnet-group-name", "apps"}).exit_code,
            0);
  EXPECT_EQ(error_of({"describe-cache-subnet-groups", "--cache-subnet-group-name", "apps"}),
            "CacheSubnetGroupNotFoundFault");
  json events = ok("describe-events", {"--source-type", "cache-subnet-group"});
  ASSERT_EQ(events["Events"].size(), 3u);
  EXPECT_EQ(events["Events"][0]["Message"], "Cache subnet group apps deleted");
  EXPECT_EQ(events["Events"][2]["Message"], "Cache subnet group apps created");
}

TEST_F(SubnetGroups, BadRequestsGetTheApiErrorsAndChangeNothing) {
  std::string a = subnet(210);
  EXPECT_EQ(error_of({"create-cache-subnet-group", "--cache-subnet-group-name", "x",
                      "--cache-subnet-group-description", "d", "--subnet-ids", "subnet-0abc"}),
            "InvalidParameterValue");
  EXPECT_EQ(error_of({"create-cache-subnet-group", "--cache-subnet-group-name", "x",
                      "--cache-subnet-group-description", "d", "--subnet-ids", "10.0.0.0/24"}),
            "InvalidParameterValue");
  EXPECT_EQ(
      error_of({"create-cache-subnet-group", "--cache-subnet-group-name", "x",
                "--cache-subnet-group-description", "d", "--subnet-ids", prefix_ + ".210.5/24"}),
      "InvalidParameterValue");
  EXPECT_EQ(error_of({"create-cache-subnet-group", "--cache-subnet-group-name", "default",
                      "--cache-subnet-group-description", "d", "--subnet-ids", a}),
            "CacheSubnetGroupAlreadyExists");
  EXPECT_EQ(error_of({"delete-cache-subnet-group", "--cache-subnet-group-name", "default"}),
            "InvalidParameterValue");
  EXPECT_EQ(
      error_of({"create-cache-cluster", "--cache-cluster-id", "c", "--engine", "redis",
                "--cache-node-type", "cache.t3.micro", "--cache-subnet-group-name", "nosuch"}),
      "CacheSubnetGroupNotFoundFault");
  ok("create-cache-subnet-group", {"--cache-subnet-group-name", "x",
                                   "--cache-subnet-group-description", "d", "--subnet-ids", a});
  EXPECT_EQ(error_of({"create-cache-subnet-group", "--cache-subnet-group-name", "X",
                      "--cache-subnet-group-description", "d", "--subnet-ids", a}),
            "CacheSubnetGroupAlreadyExists");
  EXPECT_EQ(ok("describe-cache-subnet-groups", {})["CacheSubnetGroups"].size(), 2u);
  EXPECT_EQ(ok("describe-cache-clusters", {})["CacheClusters"].size(), 0u);
}

// Replication groups in a subnet group: their endpoints, their members (and
// those added later) take addresses from its subnets, and the members go to
// its zones; in cluster mode too.
TEST_F(SubnetGroups, ReplicationGroupsTakeTheirAddressesAndZonesFromTheGroup) {
  std::string b = subnet(205), c = subnet(206);  // zones b and c
  ok("create-cache-subnet-group", {"--cache-subnet-group-name", "rgs",
                                   "--cache-subnet-group-description", "d", "--subnet-ids", b, c});
  auto in_group = [&](const std::string& address) {
    return address.rfind(prefix_ + ".205.", 0) == 0 || address.rfind(prefix_ + ".206.", 0) == 0;
  };
  auto members_in_group = [&](const std::string& group) {
    json d = ok("describe-cache-clusters", {"--show-cache-node-info"});
    int count = 0;
    for (const auto& m : d["CacheClusters"]) {
      if (m["ReplicationGroupId"] != group) continue;
      ++count;
      EXPECT_EQ(m["CacheSubnetGroupName"], "rgs") << m.dump();
      EXPECT_TRUE(in_group(m["CacheNodes"][0]["Endpoint"]["Address"])) << m.dump();
      EXPECT_NE(m["PreferredAvailabilityZone"], "us-east-1a") << m.dump();
    }
    return count;
  };

  // Cluster mode disabled, Multi-AZ: one member in each of the group's zones.
  json rg = ok(
      "create-replication-group",
      {"--replication-group-id", "web", "--replication-group-description", "d", "--engine", "redis",
       "--cache-node-type", "cache.t3.micro", "--num-cache-clusters", "2",
       "--automatic-failover-enabled", "--multi-az-enabled", "--cache-subnet-group-name", "rgs"});
  ASSERT_EQ(
      cachectl({"wait", "replication-group-available", "--replication-group-id", "web"}).exit_code,
      0);
  json g =
      ok("describe-replication-groups", {"--replication-group-id", "web"})["ReplicationGroups"][0];
  const json& endpoints = g["NodeGroups"][0];
  EXPECT_TRUE(in_group(endpoints["PrimaryEndpoint"]["Address"])) << endpoints.dump();
  EXPECT_TRUE(in_group(endpoints["ReaderEndpoint"]["Address"])) << endpoints.dump();
  std::vector<std::string> zones;
  for (const auto& m : endpoints["NodeGroupMembers"])
    zones.push_back(m["PreferredAvailabilityZone"]);
  EXPECT_EQ(zones, (std::vector<std::string>{"us-east-1b", "us-east-1c"}));
  ok("increase-replica-count",
     {"--replication-group-id", "web", "--new-replica-count", "2", "--apply-immediately"});
  EXPECT_EQ(members_in_group("web"), 3);

  // Cluster mode: the ConfigurationEndpoint and every member.
  json sharded = ok("create-replication-group",
                    {"--replication-group-id", "shop", "--replication-group-description", "d",
                     "--engine", "redis", "--cache-node-type", "cache.t3.micro",
                     "--num-node-groups", "2", "--replicas-per-node-group", "1",
                     "--cache-parameter-group-name", "default.redis7.cluster.on",
                     "--cache-subnet-group-name", "rgs", "--tags", "Key=team,Value=shop"});
  EXPECT_TRUE(in_group(sharded["ReplicationGroup"]["ConfigurationEndpoint"]["Address"]))
      << sharded.dump();
  EXPECT_EQ(members_in_group("shop"), 4);
  // Its tags are its members' too.
  const std::string arn = "arn:aws:elasticache:us-east-1:000000000000:";
  for (const std::string resource : {"replicationgroup:shop", "cluster:shop-0002-002"}) {
    json tags = ok("list-tags-for-resource", {"--resource-name", arn + resource});
    EXPECT_EQ(tags["TagList"], json::parse(R"([{"Key": "team", "Value": "shop"}])")) << resource;
  }
  EXPECT_EQ(error_of({"delete-cache-subnet-group", "--cache-subnet-group-name", "rgs"}),
            "CacheSubnetGroupInUse");
}

}  // namespace
}  // namespace cachectl::testing
