// Which engine versions are installed, read from the engine binaries
// (`redis-server --version`, `memcached -V`) and cached in the state home
// until a binary changes.
#pragma once

#include <vector>

#include "core/engines.h"
#include "core/state_home.h"

namespace cachectl::cli {

std::vector<core::InstalledEngine> installed_engines(const core::StateHome& home);

}  // namespace cachectl::cli
