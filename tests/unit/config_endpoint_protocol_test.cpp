// node/config_endpoint_protocol.h and the endpoint's limits: what the
// configuration endpoint makes of a client's first bytes.
#include "node/config_endpoint_protocol.h"

#include <gtest/gtest.h>

#include "node/config_endpoint.h"

namespace cachectl::node {
namespace {

using Kind = ClientRequestKind;

TEST(ConfigEndpointProtocol, DiscoveryRequestsWithEitherLineEnding) {
  EXPECT_EQ(parse_client_request("config get cluster\r\n").kind, Kind::kConfigGetCluster);
  EXPECT_EQ(parse_client_request("config get cluster\r\n").length, 20u);
  EXPECT_EQ(parse_client_request("config get cluster\nget x\r\n").length, 19u);
  EXPECT_EQ(parse_client_request("get AmazonElastiCache:cluster\r\n").kind,
            Kind::kLegacyGetCluster);
  EXPECT_EQ(parse_client_request("get AmazonElastiCache:cluster\n").length, 30u);
}

TEST(ConfigEndpointProtocol, HalfADiscoveryLineWaitsForTheRest) {
  for (std::string partial : {"", "c", "config get", "config get cluster", "config get cluster\r",
                              "get Amazon", "get AmazonElastiCache:cluster\r"})
    EXPECT_EQ(parse_client_request(partial).kind, Kind::kNeedMore) << partial;
}

TEST(ConfigEndpointProtocol, EverythingElseGoesToANodeWithoutWaitingForALine) {
  for (const std::string& other : std::vector<std::string>{
           "get k\r\n", "version\r\n", "get k", "set k 0 0 5\r\nhello\r\n",
           "config get clusters\r\n", "config get cluster \r\n", "CONFIG GET CLUSTER\r\n",
           "config get cluster\r\r\n", "\r\n", "config get cluster\rx", std::string(1 << 20, 'a'),
           std::string("\0\xff", 2), "get AmazonElastiCache:cluster2"})
    EXPECT_EQ(parse_client_request(other).kind, Kind::kForward) << other;
  // The longest wait for a line is a discovery request's length.
  EXPECT_EQ(parse_client_request(std::string(32, 'c')).kind, Kind::kForward);
}

TEST(ConfigEndpointLimits, DefaultsAndTheTestOverride) {
  ConfigEndpointLimits d = config_endpoint_limits(nullptr);
  EXPECT_EQ(d.max_pending, 64u * 1024);
  EXPECT_EQ(d.max_connections, 512u);
  EXPECT_EQ(d.idle_timeout, std::chrono::minutes(10));
  EXPECT_EQ(config_endpoint_limits("250").idle_timeout, std::chrono::milliseconds(250));
  for (const char* ignored : {"", "0", "-5", "abc", "10s", "99999999999999999999999"})
    EXPECT_EQ(config_endpoint_limits(ignored).idle_timeout, d.idle_timeout) << ignored;
}

}  // namespace
}  // namespace cachectl::node
