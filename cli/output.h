// Printing a response as aws-cli does: members in the model's order, then
// --query, then the chosen --output format (json, text, table, yaml,
// yaml-stream; format_*.h). Paginated responses print as aws-cli prints
// them: merged for json, table and yaml, page by page for text and
// yaml-stream.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>

#include "cli/command_line.h"
#include "cli/paging.h"

namespace cachectl::cli {

// A bad --query, found before the operation runs (aws-cli parses it with
// the command line): prints the error and returns 252, else nullopt.
std::optional<int> check_query(const GlobalOptions& options);

// Returns the exit code (0, or 252 for a bad --query).
int print_response(const nlohmann::json& response, const std::string& api_operation,
                   const GlobalOptions& options, std::ostream& out);
int print_pages(const Paginator& paginator, const Pages& pages, const std::string& api_operation,
                const GlobalOptions& options, std::ostream& out);

// The response with object members in the order of the output shape (what
// aws-cli prints), as an ordered_json.
nlohmann::ordered_json in_model_order(const nlohmann::json& value, const std::string& shape_name);

}  // namespace cachectl::cli
