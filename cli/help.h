// `cachectl help`, `cachectl OPERATION help`, `cachectl wait help` and the
// man page (`cachectl __man`): documents made from the API model (options,
// types, enums, required members, paginators, waiters) plus text of our own
// on what each implemented operation does here, rendered as text or roff
// (help_document.h).
#pragma once

#include <ostream>
#include <string>

#include "cli/help_document.h"

namespace cachectl::cli {

inline constexpr const char* kVersion = "0.1.0";

void print_usage(std::ostream& out);
void print_overview(std::ostream& out);
void print_operation_help(std::ostream& out, const std::string& api_operation);
void print_wait_help(std::ostream& out, const std::string& waiter);
// cachectl(1): the overview, every implemented command with its options,
// and the waiters.
void print_man_page(std::ostream& out);

HelpDocument overview_document();
HelpDocument operation_document(const std::string& api_operation);
HelpDocument man_document();

}  // namespace cachectl::cli
