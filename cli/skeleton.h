// --generate-cli-skeleton: botocore's ArgumentGenerator over the API model.
// The input skeleton has every member of the request with a placeholder
// ("" for strings, the first allowed value for enums, 0, 0.0, true,
// 1970-01-01T00:00:00, one element per list); filled in, it is what
// --cli-input-json takes. The output skeleton is the response shape with
// member names as strings, printed like a real response (so --query and
// --output apply).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace cachectl::cli {

nlohmann::ordered_json input_skeleton(const std::string& api_operation);
nlohmann::ordered_json output_skeleton(const std::string& api_operation);

}  // namespace cachectl::cli
