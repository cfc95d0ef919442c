// How deeply a JSON text nests, found without building it: recursive
// parsers and walkers are only handed text whose depth has been bounded.
// Header-only so that the JMESPath library uses it without linking core.
#pragma once

#include <algorithm>
#include <string_view>

namespace cachectl::core {

// The deepest nesting of [ ] and { } outside strings (a cheap scan; the
// text need not be valid JSON).
inline int json_nesting_depth(std::string_view text) {
  int depth = 0;
  int max_depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      max_depth = std::max(max_depth, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return max_depth;
}

}  // namespace cachectl::core
