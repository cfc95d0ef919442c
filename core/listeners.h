// The IPv4 addresses something listens on (TCP), from /proc/net/tcp: the one
// reader of the kernel's socket table, for "is this address still in use"
// (a node's address is released only once its engine let go) and for a new
// state home's choice of a 127.N.0.0/16 nobody else on the machine uses.
#pragma once

#include <cstdint>
#include <set>
#include <string>

namespace cachectl::core {

// Listening addresses in network byte order (as in in_addr::s_addr); empty
// when /proc/net/tcp cannot be read.
std::set<std::uint32_t> listening_ipv4_addresses();

// Whether `address` ("127.1.0.2") has a listening TCP socket, any port.
bool is_listening_on(const std::string& address);

}  // namespace cachectl::core
