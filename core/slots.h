// Redis Cluster's hash slots as cluster mode uses them: which slot a key
// hashes to, slot ranges as ElastiCache writes them ("0-5461,5462-10922"),
// the even split a new group starts with, and the rebalancing that
// modify-replication-group-shard-configuration asks for. Pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace cachectl::core {

inline constexpr int kSlotCount = 16384;

struct SlotRange {
  int first = 0;
  int last = 0;  // inclusive
  bool operator==(const SlotRange&) const = default;
};
using SlotRanges = std::vector<SlotRange>;

// The slot of a key: CRC16 (XMODEM) of the key, or of the part between the
// first '{' and the next '}' when that part is not empty (a hash tag).
int key_slot(std::string_view key);

// "0-5461,5462-10922" (also single slots, "7"), sorted and merged; an error
// for anything outside 0..16383, a range that runs backwards, or garbage.
Result<SlotRanges> parse_slots(std::string_view text);
// The ranges as ElastiCache writes NodeGroup.Slots: "0-5461", "5-5", ranges
// joined by commas ("" for none).
std::string format_slots(const SlotRanges& ranges);
// Sorted, adjacent and overlapping ranges merged.
SlotRanges normalized(SlotRanges ranges);
int slot_count(const SlotRanges& ranges);
bool contains(const SlotRanges& ranges, int slot);

// ElastiCache's split of the slots over `shards` node groups: contiguous,
// the first ones one slot larger (3 -> 0-5461, 5462-10922, 10923-16383).
std::vector<SlotRanges> even_split(int shards);

// A layout: which node group each slot belongs to (by node group id).
using SlotLayout = std::map<std::string, SlotRanges>;

// The slots spread evenly over `keep` (node group ids, in order; the first
// ones get one more when the count does not divide), moving as few slots as
// possible: each group keeps its lowest slots up to its share, and the rest
// (slots of groups not in `keep` included) go to the groups below their
// share, lowest slots first.
SlotLayout rebalance(const SlotLayout& current, const std::vector<std::string>& keep);

// How many slots change node group between two layouts.
int slots_moved(const SlotLayout& from, const SlotLayout& to);

}  // namespace cachectl::core
