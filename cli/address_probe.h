// Whether an address:port on loopback is free to listen on (the engine will
// bind it): the registry asks this before handing an address to a node.
#pragma once

#include <string>

namespace cachectl::cli {

bool can_listen(const std::string& address, int port);

}  // namespace cachectl::cli
