// JMESPath (https://jmespath.org/specification.html) over nlohmann::json: the language
// behind aws-cli's --query.
//
// What this promises:
//  - the whole language of the specification and all of its built-in functions, with
//    the specification's semantics (truthiness, null propagation, projections, type
//    checking of function arguments);
//  - every failure is an Error whose kind is one of the compliance suite's error kinds;
//    nothing else is thrown (except std::bad_alloc);
//  - compile() rejects syntax errors, unknown functions and wrong argument counts before
//    any data is seen; search() reports what depends on the data (invalid-type,
//    invalid-value);
//  - a compiled Expression is immutable: search() may run any number of times, from any
//    number of threads at once;
//  - numbers keep their JSON kind (an integer stays an integer), strings are handled as
//    Unicode code points; over an ordered_json, objects keep their members' order (a
//    multiselect hash its expression's), as aws-cli's do.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace cachectl::jmespath {

enum class ErrorKind { Syntax, InvalidType, InvalidValue, InvalidArity, UnknownFunction };

// The compliance suite's name of a kind: "syntax", "invalid-type", "invalid-value",
// "invalid-arity" or "unknown-function".
std::string_view to_string(ErrorKind kind);

struct Error : std::runtime_error {
  Error(ErrorKind error_kind, const std::string& message)
      : std::runtime_error(message), kind(error_kind) {}

  ErrorKind kind;
};

namespace detail {
struct Node;
}  // namespace detail

class Expression {
 public:
  // Throws Error (Syntax, UnknownFunction or InvalidArity).
  static Expression compile(std::string_view text);

  // Throws Error (InvalidType or InvalidValue).
  nlohmann::ordered_json search(const nlohmann::ordered_json& data) const;
  // The same over a nlohmann::json (whose objects are in key order).
  nlohmann::json search(const nlohmann::json& data) const;

  // The text the expression was compiled from.
  const std::string& text() const { return text_; }

 private:
  Expression(std::string text, std::shared_ptr<const detail::Node> root)
      : text_(std::move(text)), root_(std::move(root)) {}

  std::string text_;
  // Shared so that copies of an Expression are cheap; the tree is never modified.
  std::shared_ptr<const detail::Node> root_;
};

// Expression::compile(expression).search(data).
nlohmann::json search(std::string_view expression, const nlohmann::json& data);
nlohmann::ordered_json search(std::string_view expression, const nlohmann::ordered_json& data);

}  // namespace cachectl::jmespath
