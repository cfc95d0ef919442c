// Printing a response as aws-cli does: members in the model's order, then
// --query, then the chosen --output format.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "cli/command_line.h"

namespace cachectl::cli {

// Returns the exit code (0, or 252 for a bad --query).
int print_response(const nlohmann::json& response, const std::string& api_operation,
                   const GlobalOptions& options, std::ostream& out);

// The response with object members in the order of the output shape (what
// aws-cli prints), as an ordered_json.
nlohmann::ordered_json in_model_order(const nlohmann::json& value, const std::string& shape_name);

}  // namespace cachectl::cli
