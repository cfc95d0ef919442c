// Request values in the API model's types. The command line gives text
// (an option's value, or shorthand's strings) that becomes the member's type
// as aws-cli makes it (int(), float(), 'true'/'false', one value where a list
// is expected); then the whole request is checked against the model as
// botocore's ParamValidator does, plus what botocore leaves to the service
// and we must not: `integer` is 32-bit and `long` 64-bit, the model's max as
// well as its min, enums, and strings that are UTF-8.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cli/api_model.h"
#include "core/result.h"

namespace cachectl::cli {

// The ApiError code of a value that cannot become its member's type.
inline constexpr const char* kParamTypeError = "ParamTypeError";

// Python's int() of a text: [spaces][+|-]digits[_digits...][spaces].
struct IntText {
  enum Status { kOk, kNotAnInteger, kTooLarge } status = kNotAnInteger;
  long long value = 0;  // with kOk
};
IntText parse_int_text(std::string_view text);

// The range of a model number type: integer is 32-bit, long 64-bit.
struct IntRange {
  long long min, max;
  const char* what;  // "32-bit integer"
};
IntRange int_range(const std::string& type);

// A scalar's text in the type of `shape` (integer, long, float, double;
// anything else stays text). `name` names it in the message.
core::Result<json> scalar_from_text(const std::string& text, const ModelJson& shape,
                                    const std::string& name);

// aws-cli's BackCompatVisitor: shorthand's strings, lists and objects in the
// shape of `shape`. Values that fit no type are left for validate_value.
core::Result<json> shorthand_to_model(const nlohmann::ordered_json& value, const ModelJson& shape,
                                      const std::string& name);

// Every problem of `value` as a `shape`, in botocore's words, each member
// named by its path from `name` ("Tags[0].Key"). Empty: the value is valid.
void validate_value(const json& value, const ModelJson& shape, const std::string& name,
                    std::vector<std::string>& problems);

// A request as a whole: unknown members ("in input"), then each member.
std::vector<std::string> validate_request(const json& request, const ModelJson& input_shape);

}  // namespace cachectl::cli
