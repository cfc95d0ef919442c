#include "core/subnets.h"

#include <charconv>

namespace cachectl::core {

std::optional<std::uint32_t> parse_ipv4(std::string_view text) {
  std::uint32_t out = 0;
  for (int i = 0; i < 4; ++i) {
    std::size_t dot = i < 3 ? text.find('.') : text.size();
    if (dot == std::string_view::npos || dot == 0 || dot > 3) return std::nullopt;
    std::string_view part = text.substr(0, dot);
    if (part.size() > 1 && part[0] == '0') return std::nullopt;  // no octal-looking forms
    unsigned value = 0;
    auto r = std::from_chars(part.data(), part.data() + part.size(), value);
    if (r.ec != std::errc() || r.ptr != part.data() + part.size() || value > 255)
      return std::nullopt;
    out = out << 8 | value;
    text.remove_prefix(i < 3 ? dot + 1 : dot);
  }
  return out;
}

std::string format_ipv4(std::uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string(a >> 16 & 0xff) + "." +
         std::to_string(a >> 8 & 0xff) + "." + std::to_string(a & 0xff);
}

std::string Subnet::id() const { return format_ipv4(network) + "/" + std::to_string(prefix); }

bool Subnet::contains(std::string_view address) const {
  auto a = parse_ipv4(address);
  return a && contains(*a);
}

std::uint64_t Subnet::node_addresses() const {
  std::uint64_t size = std::uint64_t{last()} - first() + 1;
  if (prefix <= 24) return size / 256 * 254;
  return size - ((first() & 0xff) == 0) - ((last() & 0xff) == 255);
}

std::optional<Subnet> parse_subnet(std::string_view id) {
  auto slash = id.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto network = parse_ipv4(id.substr(0, slash));
  std::string_view length = id.substr(slash + 1);
  int prefix = 0;
  auto r = std::from_chars(length.data(), length.data() + length.size(), prefix);
  if (!network || length.empty() || r.ec != std::errc() || r.ptr != length.data() + length.size() ||
      prefix < kMinSubnetPrefix || prefix > kMaxSubnetPrefix || (*network >> 24) != 127)
    return std::nullopt;
  Subnet s{*network, prefix};
  if ((s.network & (~0u >> prefix)) != 0) return std::nullopt;  // host bits set
  return s;
}

namespace {

// The zone letter of a subnet, as availability_zones() names them (a, b, c).
char zone_letter(const Subnet& subnet) {
  return static_cast<char>('a' + (subnet.network >> 8 & 0xff) % 3);
}

}  // namespace

std::string subnet_zone(const Subnet& subnet, std::string_view region) {
  return std::string(region) + zone_letter(subnet);
}

std::vector<Subnet> subnets_for_zone(const std::vector<Subnet>& subnets, std::string_view zone) {
  std::vector<Subnet> first, then;
  for (const auto& s : subnets)
    (!zone.empty() && zone.back() == zone_letter(s) ? first : then).push_back(s);
  first.insert(first.end(), then.begin(), then.end());
  return first;
}

}  // namespace cachectl::core
