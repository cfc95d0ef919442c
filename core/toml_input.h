// TOML of the state home (every state file, through parse_state_file, and the
// engines cache) is handed to toml++ only when its nesting is bounded: toml++ 3.3 recurses per
// level of a dotted key or table header (a.a.a... = 1, [a.a.a...]) and
// overflows the stack near 200,000 levels; its own limit (256) covers only
// inline arrays and tables.
#pragma once

#include <toml++/toml.h>

#include <optional>
#include <string_view>

namespace cachectl::core {

inline constexpr std::size_t kMaxTomlNesting = 256;

// toml++ 3.3 also reaches an "unreachable" point (undefined behaviour) when
// it asks whether some non-ASCII characters outside a string are white
// space (found by fuzz_toml_records): such text is refused first.
enum class TomlScan { kOk, kTooDeep, kNonAsciiOutsideStrings };
TomlScan scan_toml(std::string_view text, std::size_t limit = kMaxTomlNesting);

// False when a key path plus the open [ ] and { } around it go deeper than
// `limit` anywhere outside strings and comments (a cheap, conservative scan).
bool toml_nesting_within(std::string_view text, std::size_t limit = kMaxTomlNesting);

// The table, or nullopt for text that is not TOML or nests too deeply. Never throws.
std::optional<toml::table> parse_toml_bounded(std::string_view text);

}  // namespace cachectl::core
