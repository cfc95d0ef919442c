// Whether an address:port on loopback is free to listen on (the engine will
// bind it): the registry asks this before handing an address to a node.
#pragma once

#include <chrono>
#include <string>

namespace cachectl::cli {

bool can_listen(const std::string& address, int port);
// A cluster-mode member's address: its port and Redis Cluster's bus port
// (port + 10000) are both free.
bool can_listen_cluster(const std::string& address, int port);
inline constexpr int kClusterBusOffset = 10000;

// Waits (at most `limit`) until no TCP socket listens on `address`, any port
// (/proc/net/tcp): an address is released only once its engine is gone. A
// daemon's engine dies after the daemon when the daemon was killed
// (PR_SET_PDEATHSIG), and an address handed out while it still listens
// would be marked "in use outside this state home". False on timeout.
bool wait_until_unbound(const std::string& address, std::chrono::milliseconds limit);

}  // namespace cachectl::cli
