#include "core/listeners.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdlib>
#include <fstream>

namespace cachectl::core {

std::set<std::uint32_t> listening_ipv4_addresses() {
  std::set<std::uint32_t> out;
  std::ifstream in("/proc/net/tcp");
  std::string line;
  std::getline(in, line);  // the header
  // "   N: 0100007F:1F90 00000000:0000 0A ...": local address (the 32-bit
  // value as the kernel holds it, printed in hex), remote, state (0A: LISTEN).
  while (std::getline(in, line)) {
    auto colon = line.find(": ");
    if (colon == std::string::npos || line.size() < colon + 32) continue;
    if (line.compare(colon + 30, 2, "0A") != 0) continue;
    char* end = nullptr;
    unsigned long value = std::strtoul(line.substr(colon + 2, 8).c_str(), &end, 16);
    if (end && *end == '\0') out.insert(static_cast<std::uint32_t>(value));
  }
  return out;
}

bool is_listening_on(const std::string& address) {
  in_addr a{};
  if (::inet_pton(AF_INET, address.c_str(), &a) != 1) return false;
  return listening_ipv4_addresses().count(a.s_addr) > 0;
}

}  // namespace cachectl::core
