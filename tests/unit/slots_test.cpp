#include "core/slots.h"

#include <gtest/gtest.h>

namespace cachectl::core {
namespace {

TEST(KeySlot, IsRedisClustersCrc16) {
  EXPECT_EQ(key_slot("foo"), 12182);        // CLUSTER KEYSLOT foo
  EXPECT_EQ(key_slot("123456789"), 12739);  // CRC16/XMODEM check value 0x31C3
  EXPECT_EQ(key_slot(""), 0);
}

TEST(KeySlot, AHashTagPicksThePartBetweenBraces) {
  EXPECT_EQ(key_slot("{user1000}.following"), key_slot("{user1000}.followers"));
  EXPECT_EQ(key_slot("{user1000}.following"), key_slot("user1000"));
  // An empty tag, or no closing brace: the whole key.
  EXPECT_EQ(key_slot("foo{}{bar}"), key_slot(std::string("foo{}{bar}")));
  EXPECT_NE(key_slot("foo{}{bar}"), key_slot("bar"));
  EXPECT_EQ(key_slot("foo{{bar}}zap"), key_slot("{bar"));
  EXPECT_EQ(key_slot("foo{bar"), key_slot(std::string("foo{bar")));
}

TEST(SlotRanges, ParseAndFormatAsElastiCacheWritesThem) {
  auto r = parse_slots("0-5461,5462-10922");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(format_slots(*r), "0-10922");  // adjacent ranges merge
  r = parse_slots("7,1-3,2-5");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(format_slots(*r), "1-5,7-7");
  EXPECT_EQ(slot_count(*r), 6);
  EXPECT_TRUE(contains(*r, 7));
  EXPECT_FALSE(contains(*r, 6));
  for (const char* bad : {"", "16384", "5-3", "a-b", "1-", "-1", "1,,2", "0-16384", "99999"})
    EXPECT_FALSE(parse_slots(bad).ok()) << bad;
}

TEST(SlotRanges, EvenSplitGivesTheFirstNodeGroupsTheRemainder) {
  auto three = even_split(3);
  ASSERT_EQ(three.size(), 3u);
  EXPECT_EQ(format_slots(three[0]), "0-5461");
  EXPECT_EQ(format_slots(three[1]), "5462-10922");
  EXPECT_EQ(format_slots(three[2]), "10923-16383");
  EXPECT_EQ(format_slots(even_split(1)[0]), "0-16383");
  int total = 0;
  for (const auto& r : even_split(90)) total += slot_count(r);
  EXPECT_EQ(total, kSlotCount);
}

TEST(Rebalance, AddingANodeGroupMovesOnlyItsShare) {
  SlotLayout three;
  auto split = even_split(3);
  three["0001"] = split[0];
  three["0002"] = split[1];
  three["0003"] = split[2];
  SlotLayout four = rebalance(three, {"0001", "0002", "0003", "0004"});
  for (const auto& [id, ranges] : four) EXPECT_EQ(slot_count(ranges), 4096) << id;
  EXPECT_EQ(slots_moved(three, four), 4096);  // exactly the new node group's share
  // The old node groups keep their lowest slots.
  EXPECT_EQ(format_slots(four["0001"]), "0-4095");
}

TEST(Rebalance, RemovedNodeGroupsGiveAllTheirSlots) {
  SlotLayout four;
  auto split = even_split(4);
  for (int i = 0; i < 4; ++i)
    four["000" + std::to_string(i + 1)] = split[static_cast<std::size_t>(i)];
  SlotLayout two = rebalance(four, {"0001", "0003"});
  EXPECT_EQ(two.size(), 2u);
  EXPECT_EQ(slot_count(two["0001"]), 8192);
  EXPECT_EQ(slot_count(two["0003"]), 8192);
  EXPECT_EQ(slots_moved(four, two), 8192);
  // Every slot has one owner.
  int total = 0;
  for (const auto& [id, ranges] : two) total += slot_count(ranges);
  EXPECT_EQ(total, kSlotCount);
}

TEST(Rebalance, UnassignedSlotsAreGivenOut) {
  SlotLayout partial;
  partial["0001"] = {{0, 99}};
  SlotLayout all = rebalance(partial, {"0001", "0002"});
  EXPECT_EQ(slot_count(all["0001"]) + slot_count(all["0002"]), kSlotCount);
  EXPECT_EQ(format_slots(all["0001"]), "0-8191");
}

}  // namespace
}  // namespace cachectl::core
