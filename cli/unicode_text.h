// UTF-8 text as the formatters measure it: code points (YAML's line width)
// and terminal columns as aws-cli counts them (table widths).
#pragma once

#include <string>
#include <string_view>

namespace cachectl::cli {

// The code point that starts at byte `at` and how many bytes it takes; a
// length of 0 when the bytes there are not UTF-8 (cut short, overlong, a
// surrogate or past U+10FFFF). Every decoder here is built on it.
struct Utf8Step {
  char32_t code_point = 0;
  std::size_t length = 0;
};
Utf8Step decode_utf8_at(std::string_view text, std::size_t at);
void append_utf8(std::string& out, char32_t c);

// Strict UTF-8: every byte belongs to a valid code point.
bool is_valid_utf8(std::string_view text);

// Invalid bytes become U+FFFD, one per byte, so every input has a decoding.
std::u32string decode_utf8(std::string_view text);
std::string encode_utf8(std::u32string_view text);

// East Asian Width W, F or A (east_asian_width.cpp).
bool counts_as_wide(char32_t c);

// aws-cli's get_text_length: two columns for a wide code point, one otherwise.
std::size_t display_width(std::string_view utf8);

}  // namespace cachectl::cli
