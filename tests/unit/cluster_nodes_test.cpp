// What the cluster manager reads from the engines: CLUSTER NODES, CLUSTER
// INFO and RESP replies.
#include "node/cluster_nodes.h"

#include <gtest/gtest.h>

#include "node/redis_connection.h"

namespace cachectl::node {
namespace {

// As Redis 7.0 prints it: a primary mid-migration, a replica, a failing
// node, a handshake.
const char* kNodes =
    "07c3 127.20.0.2:6379@16379 myself,master - 0 1700000000000 3 connected 0-4095 "
    "4100 [4096->-5e2a] [4097-<-9f00]\r\n"
    "5e2a 127.20.0.4:6379@16379 master - 0 1700000000000 4 connected 4101-16383\r\n"
    "1b1b 127.20.0.3:6379@16379 slave 07c3 0 1700000000000 3 connected\r\n"
    "9f00 127.20.0.5:6379@16379,host.example master,fail? - 0 1700000000000 5 disconnected\r\n"
    "ffff :0@0 handshake,noaddr - 0 0 0 disconnected\r\n"
    "garbage\r\n";

TEST(ClusterNodes, EveryFieldIsRead) {
  auto nodes = parse_cluster_nodes(kNodes);
  ASSERT_EQ(nodes.size(), 5u);  // the line that is no node is skipped
  const ClusterNode* self = myself(nodes);
  ASSERT_NE(self, nullptr);
  EXPECT_EQ(self->id, "07c3");
  EXPECT_EQ(self->address, "127.20.0.2");
  EXPECT_EQ(self->port, 6379);
  EXPECT_TRUE(self->master);
  EXPECT_EQ(self->config_epoch, 3);
  EXPECT_EQ(core::format_slots(self->slots), "0-4095,4100-4100");
  ASSERT_EQ(self->migrating.size(), 1u);
  EXPECT_EQ(self->migrating.at(4096), "5e2a");
  ASSERT_EQ(self->importing.size(), 1u);
  EXPECT_EQ(self->importing.at(4097), "9f00");
  const ClusterNode* replica = find_node(nodes, "1b1b");
  ASSERT_NE(replica, nullptr);
  EXPECT_TRUE(replica->replica);
  EXPECT_EQ(replica->master_id, "07c3");
  EXPECT_TRUE(replica->slots.empty());
  const ClusterNode* failing = find_node(nodes, "9f00");
  ASSERT_NE(failing, nullptr);
  EXPECT_TRUE(failing->fail);
  EXPECT_FALSE(failing->connected);
  EXPECT_EQ(failing->address, "127.20.0.5");  // the hostname after ',' is not the address
  EXPECT_TRUE(find_node(nodes, "ffff")->handshake);
  EXPECT_EQ(find_node(nodes, "nope"), nullptr);
}

TEST(ClusterNodes, OddAnswersAreSkippedNotFatal) {
  EXPECT_TRUE(parse_cluster_nodes("").empty());
  auto nodes = parse_cluster_nodes(
      "a 127.0.0.1:x@1 master - 0 0 0 connected\n"
      "b 127.0.0.1:1@2 master - 0 0 0 connected 99999 5-3 7-x 8\n");
  ASSERT_EQ(nodes.size(), 1u);
  EXPECT_EQ(core::format_slots(nodes[0].slots), "8-8");
}

TEST(ClusterInfo, FieldsAreFound) {
  std::string info = "cluster_state:ok\r\ncluster_slots_assigned:16384\r\n";
  EXPECT_EQ(cluster_info_field(info, "cluster_state"), "ok");
  EXPECT_EQ(cluster_info_field(info, "cluster_slots_assigned"), "16384");
  EXPECT_EQ(cluster_info_field(info, "cluster_size"), "");
}

TEST(Resp, RepliesOfEveryTypeAreParsedWhole) {
  std::string data = "+OK\r\n-ERR no\r\n:42\r\n$3\r\nabc\r\n$-1\r\n*2\r\n*1\r\n:1\r\n$0\r\n\r\n";
  std::size_t pos = 0;
  auto ok = parse_resp(data, pos);
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->ok());
  auto err = parse_resp(data, pos);
  ASSERT_TRUE(err);
  EXPECT_TRUE(err->is_error());
  EXPECT_EQ(err->text, "ERR no");
  EXPECT_EQ(parse_resp(data, pos)->integer, 42);
  EXPECT_EQ(parse_resp(data, pos)->text, "abc");
  EXPECT_EQ(parse_resp(data, pos)->type, RespValue::Type::kNil);
  auto array = parse_resp(data, pos);
  ASSERT_TRUE(array);
  ASSERT_EQ(array->elements.size(), 2u);
  EXPECT_EQ(array->elements[0].elements[0].integer, 1);
  EXPECT_EQ(array->elements[1].text, "");
  EXPECT_EQ(pos, data.size());
}

TEST(Resp, AnIncompleteReplyWaitsAndBadBytesAreAnError) {
  std::string data = "*2\r\n$3\r\nabc\r\n$3\r\nde";
  std::size_t pos = 0;
  EXPECT_FALSE(parse_resp(data, pos));
  EXPECT_EQ(pos, 0u);  // nothing consumed
  data += "f\r\n";
  auto v = parse_resp(data, pos);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->elements[1].text, "def");
  std::size_t at = 0;
  auto bad = parse_resp("?what\r\n", at);
  ASSERT_TRUE(bad);
  EXPECT_TRUE(bad->is_error());
  at = 0;
  EXPECT_TRUE(parse_resp("$-7\r\n", at)->is_error());
  // Nesting deeper than any reply of ours is refused, not followed.
  std::string deep;
  for (int i = 0; i < 20; ++i) deep += "*1\r\n";
  deep += ":1\r\n";
  at = 0;
  auto d = parse_resp(deep, at);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->is_error());
  EXPECT_EQ(d->text, "protocol error");
}

}  // namespace
}  // namespace cachectl::node
