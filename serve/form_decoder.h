// The Query protocol's request, decoded. First the text: the
// application/x-www-form-urlencoded pairs of a POST body (or a GET's query
// string). Then the pairs: the JSON request the operations take
// (cli/context.h's Handler), driven by the operation's input shape as
// botocore's QuerySerializer writes one: structure members by name
// (`Parent.Child`), list items as `List.<item locationName, else
// member>.N` from 1 (`List=` alone: an empty list), booleans `true` and
// `false`, numbers in decimal, timestamps in ISO 8601. Failures are the Query
// API's error codes, with a message that names the parameter.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "cli/api_model.h"
#include "core/result.h"

namespace cachectl::serve {

// Parameter name -> value, both percent-decoded ('+' is a space).
using FormParams = std::map<std::string, std::string, std::less<>>;

// Adds the pairs of `text` to `params`. MalformedQueryString for a '%' not
// followed by two hex digits, a pair with no name, or a name given twice.
[[nodiscard]] core::Status parse_form(std::string_view text, FormParams& params);

// The members of `input_shape` (a structure of the API model; `operation`
// names it in messages) from `params`, which hold its members only, each in
// its member's type. InvalidQueryParameter: a parameter that is no member's,
// or a list's items not numbered 1..N; InvalidParameterValue: a value that
// is not its member's type.
core::Result<nlohmann::json> decode_members(const FormParams& params,
                                            const cli::ModelJson& input_shape,
                                            const std::string& operation);

// decode_members, then what the command line checks before it calls an
// operation: MissingParameter for a required member that is absent;
// InvalidParameterValue for what the model's checks refuse
// (cli/model_params.h: enums, lengths, ranges, UTF-8).
core::Result<nlohmann::json> decode_request(const FormParams& params,
                                            const cli::ModelJson& input_shape,
                                            const std::string& operation);

}  // namespace cachectl::serve
