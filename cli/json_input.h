// JSON that comes from the user (--cli-input-json, an option's JSON value,
// a --starting-token): its nesting is bounded before a document is built,
// so that no input reaches code that walks it recursively (our validators,
// dump, comparisons) deeper than kMaxDepth. Parse errors are values.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "core/result.h"

namespace cachectl::cli {

// Far beyond any request of the model (its deepest input nests 4 levels).
inline constexpr std::size_t kMaxJsonDepth = 64;

// The ApiError code of a parse failure; the message says where and why.
inline constexpr const char* kJsonInputError = "InvalidJson";

core::Result<nlohmann::ordered_json> parse_json_input(std::string_view text);

}  // namespace cachectl::cli
