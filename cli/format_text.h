// --output text, as aws-cli prints it (awscli/text.py): tab-separated, one
// line per record. A dictionary's scalar values form one line (its keys
// sorted); each nested dictionary or list follows on lines of its own,
// prefixed by its key in upper case; a list of dictionaries shares one
// column order, the union of their scalar keys. A bare scalar (what --query
// often leaves) is printed alone, so $(cachectl ... --output text) is the
// value itself.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace cachectl::cli {

void format_text(const nlohmann::ordered_json& document, std::ostream& out);

// A scalar as Python's str() shows it, which is what aws-cli's text and
// table formats print: strings as they are, True/False, None, numbers as
// JSON writes them. Anything else (not a scalar) as compact JSON.
std::string scalar_text(const nlohmann::ordered_json& value);

}  // namespace cachectl::cli
