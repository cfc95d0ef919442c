#include "core/toml_input.h"

namespace cachectl::core {

TomlScan scan_toml(std::string_view s, std::size_t limit) {
  std::size_t depth = 0, dots = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '#') {
      while (i + 1 < s.size() && s[i + 1] != '\n') ++i;
    } else if (c == '"' || c == '\'') {
      bool multi = s.substr(i, 3) == std::string_view(c == '"' ? "\"\"\"" : "'''");
      std::size_t j = i + (multi ? 3 : 1);
      for (; j < s.size(); ++j) {
        if (c == '"' && s[j] == '\\') {
          ++j;  // an escaped character, whatever it is
        } else if (!multi && (s[j] == c || s[j] == '\n')) {
          break;
        } else if (multi && s.substr(j, 3) == s.substr(i, 3)) {
          j += 2;
          break;
        }
      }
      i = j;
    } else if (c == '\n') {
      dots = 0;
    } else if (c == '.') {
      ++dots;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (static_cast<unsigned char>(c) >= 0x80) {
      return TomlScan::kNonAsciiOutsideStrings;
    }
    if (dots + depth > limit) return TomlScan::kTooDeep;
  }
  return TomlScan::kOk;
}

bool toml_nesting_within(std::string_view s, std::size_t limit) {
  return scan_toml(s, limit) == TomlScan::kOk;
}

std::optional<toml::table> parse_toml_bounded(std::string_view text) {
  if (!toml_nesting_within(text)) return std::nullopt;
  try {
    return toml::parse(text);
  } catch (const toml::parse_error&) {
    return std::nullopt;
  }
}

}  // namespace cachectl::core
