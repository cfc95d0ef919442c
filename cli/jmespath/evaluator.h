// Applies a syntax tree to a value.
#pragma once

#include "cli/jmespath/ast.h"
#include "cli/jmespath/value.h"

namespace cachectl::jmespath::detail {

// The result of node applied to current. Throws Error (InvalidType, InvalidValue).
// Recursion follows the tree, whose depth the parser bounds.
Value evaluate(const Node& node, const Value& current);

}  // namespace cachectl::jmespath::detail
