// Turns expression text into tokens.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cli/jmespath/value.h"

namespace cachectl::jmespath::detail {

enum class TokenType {
  kEof,
  kUnquotedIdentifier,
  kQuotedIdentifier,
  kLiteral,  // `json` and 'raw string'
  kNumber,
  kDot,
  kStar,
  kFlatten,  // []
  kFilter,   // [?
  kLbracket,
  kRbracket,
  kLbrace,
  kRbrace,
  kLparen,
  kRparen,
  kComma,
  kColon,
  kPipe,
  kOr,
  kAnd,
  kNot,
  kExpressionRef,  // &
  kCurrent,        // @
  kEqual,
  kNotEqual,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
};

struct Token {
  TokenType type = TokenType::kEof;
  std::size_t position = 0;  // byte offset in the expression
  std::string text;          // identifiers: the (unescaped) name
  Json literal;              // literals
  std::int64_t number = 0;   // numbers, saturated to the int64 range
};

// A short description of a token for error messages ("identifier \"foo\"", "']'").
std::string describe(const Token& token);

// Throws Error(Syntax) on text that is not made of JMESPath tokens. The result always
// ends with a kEof token.
std::vector<Token> tokenize(std::string_view expression);

// Throws Error(Syntax) with the position, as every syntax error is reported.
[[noreturn]] void throw_syntax_error(std::size_t position, const std::string& message);

}  // namespace cachectl::jmespath::detail
