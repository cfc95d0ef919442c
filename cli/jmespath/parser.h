// Builds the syntax tree of an expression (a Pratt parser, with the binding powers of
// the reference implementation).
#pragma once

#include <string_view>

#include "cli/jmespath/ast.h"

namespace cachectl::jmespath::detail {

// Deepest nesting accepted, both of the parser's recursion and of the resulting tree:
// far beyond what anyone writes, far below what would exhaust the stack.
inline constexpr int kMaxNesting = 256;

// Throws Error: Syntax for any syntax error (including nesting beyond kMaxNesting),
// else UnknownFunction or InvalidArity for the first bad function call.
NodePtr parse(std::string_view expression);

}  // namespace cachectl::jmespath::detail
