// Percent-encoding, both ways: the form decoder's (`+` is a space, a bad
// escape an error) and SigV4's canonical query (RFC 3986).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cachectl::serve {

// The name=value pairs of a query string or form body, still encoded, in
// order; empty pairs skipped, a pair without '=' has an empty value.
std::vector<std::pair<std::string_view, std::string_view>> query_pairs(std::string_view text);

// 0-15, or -1 for a character that is not a hexadecimal digit.
int hex_digit(char c);

// Every %XX as its byte, and '+' as a space when `plus_is_space`; nullopt
// when a '%' is not followed by two hexadecimal digits.
std::optional<std::string> percent_decoded(std::string_view text, bool plus_is_space);

// RFC 3986: every byte but A-Z a-z 0-9 - _ . ~ as %XX.
std::string uri_encoded(std::string_view text);

}  // namespace cachectl::serve
