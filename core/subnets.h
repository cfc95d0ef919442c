// Local subnets: ranges of the IPv4 loopback network (Linux routes all of
// 127.0.0.0/8 to `lo`), written as CIDRs. A subnet's CIDR is also its
// SubnetIdentifier in a cache subnet group ("127.20.0.0/24"); the nodes of a
// cluster take their addresses from its group's subnets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cachectl::core {

// Prefix lengths a subnet may have: from a whole /16 (what a state home
// owns) to a /28 (14 addresses).
inline constexpr int kMinSubnetPrefix = 16;
inline constexpr int kMaxSubnetPrefix = 28;

std::optional<std::uint32_t> parse_ipv4(std::string_view text);
std::string format_ipv4(std::uint32_t address);

struct Subnet {
  std::uint32_t network = 0;
  int prefix = 32;

  std::string id() const;  // "127.20.0.0/24"
  std::uint32_t first() const { return network; }
  std::uint32_t last() const { return network | (prefix >= 32 ? 0u : (~0u >> prefix)); }
  bool contains(std::uint32_t address) const { return address >= first() && address <= last(); }
  bool contains(std::string_view address) const;
  // How many addresses of it a node may get (is_node_address).
  std::uint64_t node_addresses() const;
};

// A subnet of 127.0.0.0/8 written NETWORK/PREFIX, its prefix from
// kMinSubnetPrefix to kMaxSubnetPrefix and its host bits zero; else nullopt.
std::optional<Subnet> parse_subnet(std::string_view id);

// Whether an address is one a node may get: its last byte is 1 to 254 (no
// network or broadcast-looking address).
inline bool is_node_address(std::uint32_t address) {
  return (address & 0xff) != 0 && (address & 0xff) != 255;
}

// The availability zone a subnet is in: the region's zones in turn, by the
// subnet's third byte (127.20.0.0/24 a, 127.20.1.0/24 b, 127.20.2.0/24 c,
// 127.20.3.0/24 a, ...).
std::string subnet_zone(const Subnet& subnet, std::string_view region);

// The subnets to take a node's address from: those in the node's zone
// (us-east-1b: its letter, b) first, then the others.
std::vector<Subnet> subnets_for_zone(const std::vector<Subnet>& subnets, std::string_view zone);

}  // namespace cachectl::core
