// Whose is the other end of a TCP connection to this machine: the uid that
// owns the connecting socket, asked of the kernel (NETLINK_SOCK_DIAG) by the
// connection's addresses and ports. Without --credentials `cachectl serve`
// serves only its own user's connections, as the state home is its owner's
// only (DESIGN.md: other local users exist); a TCP port on 127.0.0.1 is
// open to every local user.
#pragma once

#include <sys/types.h>

#include <optional>

namespace cachectl::serve {

// nullopt when the other end is no socket of this network namespace
// (another host, a container) or the kernel cannot say.
std::optional<uid_t> peer_user(int connection);

}  // namespace cachectl::serve
