// `cachectl help`, `cachectl OPERATION help`, `cachectl wait help`: text
// made from the API model (options, types, enums, required members) plus a
// line of our own on what each implemented operation does here.
#pragma once

#include <ostream>
#include <string>

namespace cachectl::cli {

void print_usage(std::ostream& out);
void print_overview(std::ostream& out);
void print_operation_help(std::ostream& out, const std::string& api_operation);
void print_wait_help(std::ostream& out, const std::string& waiter);

}  // namespace cachectl::cli
