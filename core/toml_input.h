// Every TOML text of the state home (state files through parse_state_file,
// the engines cache, completion's reads) reaches toml++ 3.3 only through
// prepare_toml, because that parser has bugs that are undefined behaviour on
// hand-edited or corrupt input (all found by fuzz_toml_records):
// - it recurses per level of a dotted key or table header and overflows the
//   stack near 200,000 levels (its own limit, 256, covers only inline arrays
//   and tables);
// - it reaches an "unreachable" point when it asks whether some non-ASCII
//   characters are white space, which it asks of characters outside strings,
//   of characters it looks ahead at past a quote while classifying a value,
//   and inside multi-line strings;
// - it assumes a digit after a date-time's 'T'.
// So the parser is given the same document in ASCII only: every string is
// rewritten as a basic string with \u escapes (a literal string becomes the
// equal basic string), comments lose their non-ASCII characters, and text
// that would trip a bug is refused with the line that holds it.
#pragma once

#include <toml++/toml.h>

#include <optional>
#include <string>
#include <string_view>

namespace cachectl::core {

inline constexpr std::size_t kMaxTomlNesting = 256;

struct PreparedToml {
  std::string text;     // the ASCII document for toml++, when problem is empty
  std::string problem;  // "line N: why", when the text is refused
  bool ok() const { return problem.empty(); }
};
PreparedToml prepare_toml(std::string_view text, std::size_t limit = kMaxTomlNesting);

// The table, or nullopt for text that is not TOML or is refused above. Never throws.
std::optional<toml::table> parse_toml_bounded(std::string_view text);

}  // namespace cachectl::core
