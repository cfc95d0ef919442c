#include "cli/jmespath/lexer.h"

#include <algorithm>
#include <limits>

#include "cli/jmespath/jmespath.h"
#include "cli/jmespath/value.h"
#include "core/json_depth.h"

namespace cachectl::jmespath::detail {
namespace {

// Deeper JSON literals are refused: copying, comparing and printing nlohmann::json values
// recurses once per level.
constexpr int kMaxLiteralDepth = 256;

bool is_identifier_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_identifier_char(char c) { return is_identifier_start(c) || (c >= '0' && c <= '9'); }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_whitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  std::vector<Token> run() {
    // Raw strings are taken byte for byte: without this check a stray byte would become a
    // string that no JSON printer accepts.
    if (auto bad = first_invalid_utf8(text_)) {
      throw_syntax_error(*bad, "the expression is not valid UTF-8");
    }
    std::vector<Token> tokens;
    while (true) {
      while (pos_ < text_.size() && is_whitespace(text_[pos_])) ++pos_;
      if (pos_ == text_.size()) break;
      tokens.push_back(next());
    }
    Token eof;
    eof.type = TokenType::kEof;
    eof.position = text_.size();
    tokens.push_back(std::move(eof));
    return tokens;
  }

 private:
  Token next() {
    Token token;
    token.position = pos_;
    char c = text_[pos_];
    if (is_identifier_start(c)) {
      std::size_t start = pos_;
      while (pos_ < text_.size() && is_identifier_char(text_[pos_])) ++pos_;
      token.type = TokenType::kUnquotedIdentifier;
      token.text = std::string(text_.substr(start, pos_ - start));
      return token;
    }
    if (is_digit(c) || c == '-') {
      lex_number(token);
      return token;
    }
    switch (c) {
      case '.':
        return simple(token, TokenType::kDot, 1);
      case '*':
        return simple(token, TokenType::kStar, 1);
      case ']':
        return simple(token, TokenType::kRbracket, 1);
      case '{':
        return simple(token, TokenType::kLbrace, 1);
      case '}':
        return simple(token, TokenType::kRbrace, 1);
      case '(':
        return simple(token, TokenType::kLparen, 1);
      case ')':
        return simple(token, TokenType::kRparen, 1);
      case ',':
        return simple(token, TokenType::kComma, 1);
      case ':':
        return simple(token, TokenType::kColon, 1);
      case '@':
        return simple(token, TokenType::kCurrent, 1);
      case '[':
        if (peek(1) == ']') return simple(token, TokenType::kFlatten, 2);
        if (peek(1) == '?') return simple(token, TokenType::kFilter, 2);
        return simple(token, TokenType::kLbracket, 1);
      case '|':
        if (peek(1) == '|') return simple(token, TokenType::kOr, 2);
        return simple(token, TokenType::kPipe, 1);
      case '&':
        if (peek(1) == '&') return simple(token, TokenType::kAnd, 2);
        return simple(token, TokenType::kExpressionRef, 1);
      case '!':
        if (peek(1) == '=') return simple(token, TokenType::kNotEqual, 2);
        return simple(token, TokenType::kNot, 1);
      case '<':
        if (peek(1) == '=') return simple(token, TokenType::kLessEqual, 2);
        return simple(token, TokenType::kLess, 1);
      case '>':
        if (peek(1) == '=') return simple(token, TokenType::kGreaterEqual, 2);
        return simple(token, TokenType::kGreater, 1);
      case '=':
        if (peek(1) == '=') return simple(token, TokenType::kEqual, 2);
        throw_syntax_error(pos_, "'=' is not an operator (did you mean '=='?)");
      case '"':
        lex_quoted_identifier(token);
        return token;
      case '\'':
        lex_raw_string(token);
        return token;
      case '`':
        lex_json_literal(token);
        return token;
      default:
        throw_syntax_error(pos_, "unexpected character '" + character_at(pos_) + "'");
    }
  }

  // The whole UTF-8 sequence starting at `at`, so that messages stay valid UTF-8.
  std::string character_at(std::size_t at) const {
    std::size_t end = at + 1;
    while (end < text_.size() && (static_cast<unsigned char>(text_[end]) & 0xC0) == 0x80) ++end;
    return std::string(text_.substr(at, end - at));
  }

  char peek(std::size_t ahead) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }

  Token& simple(Token& token, TokenType type, std::size_t length) {
    token.type = type;
    pos_ += length;
    return token;
  }

  void lex_number(Token& token) {
    std::size_t start = pos_;
    bool negative = text_[pos_] == '-';
    if (negative) ++pos_;
    if (pos_ == text_.size() || !is_digit(text_[pos_])) {
      throw_syntax_error(start, "'-' must be followed by digits");
    }
    // Saturating keeps huge indices meaningful: out of range, like any other.
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    std::int64_t magnitude = 0;
    for (; pos_ < text_.size() && is_digit(text_[pos_]); ++pos_) {
      int digit = text_[pos_] - '0';
      magnitude = magnitude > (kMax - digit) / 10 ? kMax : magnitude * 10 + digit;
    }
    token.type = TokenType::kNumber;
    token.number = negative ? -magnitude : magnitude;
  }

  // The text up to the closing delimiter. A backslash always takes the next character
  // with it (both are kept), so an escaped delimiter does not close; what the escapes
  // mean is up to the caller.
  std::string until(char delimiter) {
    std::size_t start = pos_;
    std::string out;
    ++pos_;
    while (pos_ >= text_.size() || text_[pos_] != delimiter) {
      if (pos_ < text_.size() && text_[pos_] == '\\') {
        out += '\\';
        ++pos_;
      }
      if (pos_ >= text_.size()) {
        throw_syntax_error(start, "unclosed " + std::string(1, delimiter));
      }
      out += text_[pos_++];
    }
    ++pos_;
    return out;
  }

  static void replace_all(std::string& text, std::string_view from, std::string_view to) {
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size())) {
      text.replace(at, from.size(), to);
    }
  }

  void lex_quoted_identifier(Token& token) {
    std::size_t start = pos_;
    std::string body = until('"');
    // The body uses JSON string escapes.
    Json parsed = Json::parse("\"" + body + "\"", nullptr, false);
    if (parsed.is_discarded() || !parsed.is_string()) {
      throw_syntax_error(start, "invalid quoted identifier \"" + body + "\"");
    }
    token.type = TokenType::kQuotedIdentifier;
    token.text = parsed.get<std::string>();
  }

  void lex_raw_string(Token& token) {
    std::string body = until('\'');
    // Only \' is an escape in a raw string; every other backslash is kept as written.
    replace_all(body, "\\'", "'");
    token.type = TokenType::kLiteral;
    token.literal = std::move(body);
  }

  void lex_json_literal(Token& token) {
    std::size_t start = pos_;
    std::string body = until('`');
    replace_all(body, "\\`", "`");
    if (core::json_nesting_depth(body) > kMaxLiteralDepth) {
      throw_syntax_error(start, "literal nested too deeply");
    }
    Json parsed = Json::parse(body, nullptr, false);
    if (parsed.is_discarded()) {
      // Legacy literals (`foo`) that are not JSON are strings, as the compliance suite
      // and the reference implementation still accept.
      std::size_t first = body.find_first_not_of(" \t\n\r");
      std::string rest = first == std::string::npos ? "" : body.substr(first);
      parsed = Json::parse("\"" + rest + "\"", nullptr, false);
      if (parsed.is_discarded()) throw_syntax_error(start, "invalid JSON literal `" + body + "`");
    }
    token.type = TokenType::kLiteral;
    token.literal = std::move(parsed);
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

void throw_syntax_error(std::size_t position, const std::string& message) {
  throw Error(ErrorKind::Syntax,
              "syntax error at column " + std::to_string(position + 1) + ": " + message);
}

std::string describe(const Token& token) {
  switch (token.type) {
    case TokenType::kEof:
      return "end of expression";
    case TokenType::kUnquotedIdentifier:
      return "identifier " + token.text;
    case TokenType::kQuotedIdentifier:
      return "quoted identifier " + to_json_text(Json(token.text));
    case TokenType::kLiteral:
      return "literal " + to_json_text(token.literal);
    case TokenType::kNumber:
      return "number " + std::to_string(token.number);
    case TokenType::kDot:
      return "'.'";
    case TokenType::kStar:
      return "'*'";
    case TokenType::kFlatten:
      return "'[]'";
    case TokenType::kFilter:
      return "'[?'";
    case TokenType::kLbracket:
      return "'['";
    case TokenType::kRbracket:
      return "']'";
    case TokenType::kLbrace:
      return "'{'";
    case TokenType::kRbrace:
      return "'}'";
    case TokenType::kLparen:
      return "'('";
    case TokenType::kRparen:
      return "')'";
    case TokenType::kComma:
      return "','";
    case TokenType::kColon:
      return "':'";
    case TokenType::kPipe:
      return "'|'";
    case TokenType::kOr:
      return "'||'";
    case TokenType::kAnd:
      return "'&&'";
    case TokenType::kNot:
      return "'!'";
    case TokenType::kExpressionRef:
      return "'&'";
    case TokenType::kCurrent:
      return "'@'";
    case TokenType::kEqual:
      return "'=='";
    case TokenType::kNotEqual:
      return "'!='";
    case TokenType::kLess:
      return "'<'";
    case TokenType::kLessEqual:
      return "'<='";
    case TokenType::kGreater:
      return "'>'";
    case TokenType::kGreaterEqual:
      return "'>='";
  }
  return "token";
}

std::vector<Token> tokenize(std::string_view expression) { return Lexer(expression).run(); }

}  // namespace cachectl::jmespath::detail
