// libFuzzer target: every TOML record loader of the state home (cluster,
// parameter group, snapshot, an event line, home.toml, engines.toml) gets the same
// bytes. A loader may refuse anything; it must never crash, hang or throw.
// The first byte picks no loader: all of them read every input, so one
// corpus serves them all.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cli/engine_versions.h"
#include "core/cluster.h"
#include "core/events.h"
#include "core/parameter_groups.h"
#include "core/snapshots.h"
#include "core/state_home.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cachectl;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)core::cluster_from_toml(text, "clusters/fuzz.toml");
  (void)core::parameter_group_from_toml(text, "parameter-groups/fuzz.toml");
  (void)core::snapshot_from_toml(text, "snapshots/fuzz/snapshot.toml");
  (void)core::parse_event_line(text);
  (void)core::address_prefix_from_toml(text, "home.toml");
  (void)cli::engines_cache_from_toml(text, "engines.toml");
  return 0;
}
