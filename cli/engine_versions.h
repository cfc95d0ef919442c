// Which engine versions are installed, read from the engine binaries
// (`redis-server --version`, `memcached -V`) and cached in the state home
// until a binary changes (STATE/engines.toml; a cache that cannot be read is
// an error naming it, RegistryFileInvalid, never silently re-made).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/engines.h"
#include "core/state_home.h"

namespace cachectl::cli {

// engines.toml's text: the cache key and the engines it lists.
struct EnginesCache {
  std::string key;
  std::vector<core::InstalledEngine> engines;
};
core::Result<EnginesCache> engines_cache_from_toml(std::string_view text, std::string_view origin);

[[nodiscard]] core::Result<std::vector<core::InstalledEngine>> installed_engines(
    const core::StateHome& home);

}  // namespace cachectl::cli
