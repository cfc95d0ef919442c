// The built-in functions: their signatures, argument type checking and implementations.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "cli/jmespath/ast.h"
#include "cli/jmespath/value.h"

namespace cachectl::jmespath::detail {

// One argument of a call: a JSON value, or an expression reference (&expr).
struct Argument {
  Value value;                       // null for expression references
  const Node* expression = nullptr;  // the referenced expression, for &expr
};

// nullptr when there is no such function.
const FunctionSpec* find_function(std::string_view name);

// Throws Error(InvalidArity) when the function cannot take that many arguments.
void check_arity(const FunctionSpec& function, std::size_t argument_count);

// Type-checks the arguments (Error(InvalidType)) and runs the function. The argument
// count has been checked when the call was parsed.
Value call_function(const FunctionSpec& function, std::span<const Argument> arguments);

}  // namespace cachectl::jmespath::detail
