// Which engine versions are installed, read from the engine binaries
// (`redis-server --version`, `memcached -V`) and cached in the state home
// until a binary changes (STATE/engines.toml; a cache that cannot be read is
// an error naming it, RegistryFileInvalid, never silently re-made).
#pragma once

#include <vector>

#include "core/engines.h"
#include "core/state_home.h"

namespace cachectl::cli {

[[nodiscard]] core::Result<std::vector<core::InstalledEngine>> installed_engines(
    const core::StateHome& home);

}  // namespace cachectl::cli
