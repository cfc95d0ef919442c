#include "core/slots.h"

#include <algorithm>
#include <charconv>

namespace cachectl::core {

namespace {

// CRC16-CCITT (XMODEM): polynomial 0x1021, initial value 0, as Redis
// Cluster's key hashing specifies.
std::uint16_t crc16(std::string_view data) {
  std::uint16_t crc = 0;
  for (unsigned char byte : data) {
    crc = static_cast<std::uint16_t>(crc ^ (byte << 8));
    for (int i = 0; i < 8; ++i)
      crc = static_cast<std::uint16_t>((crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1);
  }
  return crc;
}

bool parse_slot(std::string_view text, int& out) {
  if (text.empty() || text.size() > 5) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && out >= 0 && out < kSlotCount;
}

// Owner of every slot ("" = none) from a layout.
std::vector<std::string> owners(const SlotLayout& layout) {
  std::vector<std::string> owner(kSlotCount);
  for (const auto& [group, ranges] : layout)
    for (const auto& r : ranges)
      for (int s = r.first; s <= r.last; ++s) owner[static_cast<std::size_t>(s)] = group;
  return owner;
}

}  // namespace

int key_slot(std::string_view key) {
  auto open = key.find('{');
  if (open != std::string_view::npos) {
    auto close = key.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1)
      key = key.substr(open + 1, close - open - 1);
  }
  return crc16(key) & (kSlotCount - 1);
}

SlotRanges normalized(SlotRanges ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](const SlotRange& a, const SlotRange& b) { return a.first < b.first; });
  SlotRanges out;
  for (const auto& r : ranges) {
    if (!out.empty() && r.first <= out.back().last + 1) {
      out.back().last = std::max(out.back().last, r.last);
    } else {
      out.push_back(r);
    }
  }
  return out;
}

Result<SlotRanges> parse_slots(std::string_view text) {
  SlotRanges out;
  auto bad = [&](std::string_view why) {
    return invalid_value("Slots '" + std::string(text) + "' " + std::string(why) +
                         ": expected ranges of slots 0 to 16383 such as \"0-5461,5462-10922\".");
  };
  if (text.empty()) return bad("is empty");
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t comma = text.find(',', pos);
    std::string_view part =
        text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    std::size_t dash = part.find('-');
    SlotRange r;
    if (dash == std::string_view::npos) {
      if (!parse_slot(part, r.first)) return bad("cannot be read");
      r.last = r.first;
    } else if (!parse_slot(part.substr(0, dash), r.first) ||
               !parse_slot(part.substr(dash + 1), r.last)) {
      return bad("cannot be read");
    }
    if (r.last < r.first) return bad("has a range that runs backwards");
    out.push_back(r);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return normalized(std::move(out));
}

std::string format_slots(const SlotRanges& ranges) {
  std::string out;
  for (const auto& r : ranges) {
    if (!out.empty()) out += ',';
    out += std::to_string(r.first) + "-" + std::to_string(r.last);
  }
  return out;
}

int slot_count(const SlotRanges& ranges) {
  int n = 0;
  for (const auto& r : ranges) n += r.last - r.first + 1;
  return n;
}

bool contains(const SlotRanges& ranges, int slot) {
  for (const auto& r : ranges)
    if (slot >= r.first && slot <= r.last) return true;
  return false;
}

std::vector<SlotRanges> even_split(int shards) {
  std::vector<SlotRanges> out;
  if (shards <= 0) return out;
  int base = kSlotCount / shards;
  int extra = kSlotCount % shards;
  int next = 0;
  for (int i = 0; i < shards; ++i) {
    int size = base + (i < extra ? 1 : 0);
    out.push_back({{next, next + size - 1}});
    next += size;
  }
  return out;
}

SlotLayout rebalance(const SlotLayout& current, const std::vector<std::string>& keep) {
  SlotLayout out;
  if (keep.empty()) return out;
  const int n = static_cast<int>(keep.size());
  std::map<std::string, int> share;
  for (int i = 0; i < n; ++i)
    share[keep[static_cast<std::size_t>(i)]] = kSlotCount / n + (i < kSlotCount % n ? 1 : 0);
  std::vector<std::string> owner = owners(current);
  std::map<std::string, int> kept;
  std::vector<std::string> next(kSlotCount);
  std::vector<int> pool;
  for (int s = 0; s < kSlotCount; ++s) {
    const std::string& o = owner[static_cast<std::size_t>(s)];
    auto it = share.find(o);
    if (it != share.end() && kept[o] < it->second) {
      ++kept[o];
      next[static_cast<std::size_t>(s)] = o;
    } else {
      pool.push_back(s);
    }
  }
  std::size_t taken = 0;
  for (const auto& group : keep) {
    for (int want = share[group] - kept[group]; want > 0 && taken < pool.size(); --want)
      next[static_cast<std::size_t>(pool[taken++])] = group;
  }
  for (const auto& group : keep) out[group];
  for (int s = 0; s < kSlotCount; ++s) {
    auto& ranges = out[next[static_cast<std::size_t>(s)]];
    if (!ranges.empty() && ranges.back().last == s - 1) {
      ranges.back().last = s;
    } else {
      ranges.push_back({s, s});
    }
  }
  return out;
}

int slots_moved(const SlotLayout& from, const SlotLayout& to) {
  auto a = owners(from);
  auto b = owners(to);
  int moved = 0;
  for (int s = 0; s < kSlotCount; ++s)
    if (a[static_cast<std::size_t>(s)] != b[static_cast<std::size_t>(s)]) ++moved;
  return moved;
}

}  // namespace cachectl::core
