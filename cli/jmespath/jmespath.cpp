#include "cli/jmespath/jmespath.h"

#include "cli/jmespath/ast.h"
#include "cli/jmespath/evaluator.h"
#include "cli/jmespath/parser.h"
#include "cli/jmespath/value.h"

namespace cachectl::jmespath {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Syntax:
      return "syntax";
    case ErrorKind::InvalidType:
      return "invalid-type";
    case ErrorKind::InvalidValue:
      return "invalid-value";
    case ErrorKind::InvalidArity:
      return "invalid-arity";
    case ErrorKind::UnknownFunction:
      return "unknown-function";
  }
  return "unknown";
}

Expression Expression::compile(std::string_view text) {
  return Expression(std::string(text), detail::parse(text));
}

nlohmann::ordered_json Expression::search(const nlohmann::ordered_json& data) const {
  detail::BuildBudget budget(data);
  detail::Value result = detail::evaluate(*root_, detail::borrow(data));
  if (result.use_count() == 1) {
    // Nothing else shares what the search built, and it was created non-const (own()):
    // move it out rather than copy it.
    return std::move(const_cast<nlohmann::ordered_json&>(*result));
  }
  return *result;
}

nlohmann::json Expression::search(const nlohmann::json& data) const {
  return nlohmann::json(search(nlohmann::ordered_json(data)));
}

nlohmann::json search(std::string_view expression, const nlohmann::json& data) {
  return Expression::compile(expression).search(data);
}

nlohmann::ordered_json search(std::string_view expression, const nlohmann::ordered_json& data) {
  return Expression::compile(expression).search(data);
}

}  // namespace cachectl::jmespath
