// --output table, as aws-cli draws it (awscli/formatter.py TableFormatter
// and awscli/table.py MultiTable): a box titled by the operation name; each
// dictionary a section whose scalar members are columns (keys sorted) and
// whose nested members are sections indented inside it; a list of
// dictionaries one section with a row per element. When the widest section
// does not fit the terminal (80 columns when stdout is not one), sections of
// a single row are turned into key/value rows, as aws-cli does.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace cachectl::cli {

struct TableStyle {
  std::size_t terminal_width = 80;
  bool color = false;  // aws-cli's colours: values bright blue, nesting bars dim yellow
};

// Prints nothing for an empty or false document, as aws-cli does.
void format_table(const std::string& title, const nlohmann::ordered_json& document,
                  const TableStyle& style, std::ostream& out);

// The width of the terminal on stdout, else 80 (aws-cli's default).
std::size_t stdout_terminal_width();

}  // namespace cachectl::cli
