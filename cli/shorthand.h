// aws-cli's shorthand syntax (the grammar of awscli/shorthand.py), on its
// own: it knows nothing of the API model, so its result holds only objects,
// arrays and strings; cli/model_params.h turns those into the model's types.
//
//   parameter     = keyval *("," keyval)          (a key twice is an error)
//   keyval        = key "=" [values] / key "@=" [values]   (@=: file:// is read)
//   key           = *[a-zA-Z0-9-_.#/:]
//   values        = csv-list / explicit-list / hash-literal
//   csv-list      = first-value *("," second-value)   (a=b,c -> a: [b, c];
//                   a value that turns out to be the next key=... ends it)
//   explicit-list = "[" [explicit-value *("," explicit-value)] [","] "]"
//   hash-literal  = "{" [key "=" explicit-value *("," key "=" explicit-value)] "}"
//   explicit-value= explicit-list / hash-literal / first-value
//   first-value   = 'single' / "double" / word   ('\'' and '\\' escaped in quotes)
//
// A word stops at ',' (write '\,' to keep one) and, inside [ ] and { }, at
// ']' and '}'; trailing whitespace is dropped, quoted values are kept as
// written. Whitespace (space, tab, CR, LF, VT, FF) is skipped around ',',
// '=', '[', '{'. Nesting deeper than kMaxDepth is refused (aws-cli crashes).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/result.h"

namespace cachectl::cli::shorthand {

// How deeply [ ] and { } may nest. ElastiCache's deepest input is 4 levels.
inline constexpr std::size_t kMaxDepth = 64;

// The ApiError code of every parse failure; its message is aws-cli's text
// ("Expected: '=', received: 'EOF' for input:\n...") without the
// "Error parsing parameter" prefix the caller adds.
inline constexpr const char* kShorthandError = "ShorthandParseError";

// For `key@=VALUE`: VALUE read as a paramfile (file://PATH) or kept as it is.
using ParamfileReader = std::function<core::Result<std::string>(const std::string& value)>;

// Objects keep the order keys were written in, as Python's dicts do.
core::Result<nlohmann::ordered_json> parse(std::string_view text,
                                           const ParamfileReader& read_paramfile = {});

}  // namespace cachectl::cli::shorthand
