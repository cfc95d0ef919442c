#include "cli/jmespath/parser.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "cli/jmespath/functions.h"
#include "cli/jmespath/jmespath.h"
#include "cli/jmespath/lexer.h"

namespace cachectl::jmespath::detail {
namespace {

// What follows a projection belongs to it only if it binds at least this tightly: '.',
// '[', '[?' continue the projection; '|', '||', '&&', comparators and '[]' end it.
constexpr int kProjectionStop = 10;

int binding_power(TokenType type) {
  switch (type) {
    case TokenType::kPipe:
      return 1;
    case TokenType::kOr:
      return 2;
    case TokenType::kAnd:
      return 3;
    case TokenType::kEqual:
    case TokenType::kNotEqual:
    case TokenType::kLess:
    case TokenType::kLessEqual:
    case TokenType::kGreater:
    case TokenType::kGreaterEqual:
      return 5;
    case TokenType::kFlatten:
      return 9;
    case TokenType::kStar:
      return 20;
    case TokenType::kFilter:
      return 21;
    case TokenType::kDot:
      return 40;
    case TokenType::kNot:
      return 45;
    case TokenType::kLbrace:
      return 50;
    case TokenType::kLbracket:
      return 55;
    case TokenType::kLparen:
      return 60;
    default:
      return 0;
  }
}

std::optional<Comparator> comparator_of(TokenType type) {
  switch (type) {
    case TokenType::kEqual:
      return Comparator::kEqual;
    case TokenType::kNotEqual:
      return Comparator::kNotEqual;
    case TokenType::kLess:
      return Comparator::kLess;
    case TokenType::kLessEqual:
      return Comparator::kLessEqual;
    case TokenType::kGreater:
      return Comparator::kGreater;
    case TokenType::kGreaterEqual:
      return Comparator::kGreaterEqual;
    default:
      return std::nullopt;
  }
}

class Parser {
 public:
  explicit Parser(std::string_view text) : tokens_(tokenize(text)) {}

  NodePtr run() {
    NodePtr root = expression(0);
    if (current().type != TokenType::kEof) unexpected("end of expression");
    // Reported only now so that a syntax error anywhere in the text takes precedence.
    if (function_error_) throw *function_error_;
    return root;
  }

 private:
  // Counts the recursion of expression(), which every nesting construct goes through.
  class NestingGuard {
   public:
    explicit NestingGuard(Parser& parser) : parser_(parser) {
      if (++parser_.nesting_ > kMaxNesting) {
        throw_syntax_error(parser_.current().position, "expression nested too deeply");
      }
    }
    ~NestingGuard() { --parser_.nesting_; }
    NestingGuard(const NestingGuard&) = delete;
    NestingGuard& operator=(const NestingGuard&) = delete;

   private:
    Parser& parser_;
  };

  // ---- tokens

  const Token& current() const { return tokens_[pos_]; }

  TokenType peek(std::size_t ahead) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)].type;
  }

  const Token& advance() {
    const Token& token = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return token;
  }

  const Token& expect(TokenType type, const char* what) {
    if (current().type != type) unexpected(what);
    return advance();
  }

  [[noreturn]] void unexpected(const std::string& expected) const {
    throw_syntax_error(current().position,
                       "expected " + expected + ", found " + describe(current()));
  }

  // ---- tree building

  NodePtr make(NodeKind kind) { return std::make_unique<Node>(kind); }

  void add_child(Node& parent, NodePtr child) {
    parent.depth = std::max(parent.depth, child->depth + 1);
    if (parent.depth > kMaxNesting) {
      throw_syntax_error(current().position, "expression nested too deeply");
    }
    parent.children.push_back(std::move(child));
  }

  NodePtr make(NodeKind kind, NodePtr a, NodePtr b = nullptr, NodePtr c = nullptr) {
    NodePtr node = make(kind);
    for (NodePtr* part : {&a, &b, &c}) {
      if (*part) add_child(*node, std::move(*part));
    }
    return node;
  }

  // Steps applied one after another (a.b.c, a[0][1], a | b | c) make one flat node:
  // composition is associative, and a flat node keeps long paths shallow.
  NodePtr chain(NodeKind kind, NodePtr left, NodePtr right) {
    NodePtr node = left->kind == kind ? std::move(left) : make(kind, std::move(left));
    if (right->kind == kind) {
      for (NodePtr& step : right->children) add_child(*node, std::move(step));
    } else {
      add_child(*node, std::move(right));
    }
    return node;
  }

  // ---- the Pratt loop

  NodePtr expression(int right_binding_power) {
    NestingGuard guard(*this);
    NodePtr left = nud(advance());
    while (right_binding_power < binding_power(current().type)) {
      left = led(advance(), std::move(left));
    }
    return left;
  }

  // A token that starts an expression.
  NodePtr nud(const Token& token) {
    switch (token.type) {
      case TokenType::kLiteral: {
        NodePtr node = make(NodeKind::kLiteral);
        node->literal = token.literal;
        return node;
      }
      case TokenType::kUnquotedIdentifier:
        return field(token.text);
      case TokenType::kQuotedIdentifier:
        if (current().type == TokenType::kLparen) {
          throw_syntax_error(token.position, "a quoted identifier cannot name a function");
        }
        return field(token.text);
      case TokenType::kStar:
        return make(NodeKind::kObjectProjection, make(NodeKind::kCurrent),
                    projection_rhs(binding_power(TokenType::kStar)));
      case TokenType::kFilter:
        return filter(make(NodeKind::kCurrent));
      case TokenType::kLbrace:
        return multi_select_hash();
      case TokenType::kLparen: {
        NodePtr inner = expression(0);
        expect(TokenType::kRparen, "')'");
        return inner;
      }
      case TokenType::kFlatten:
        return make(NodeKind::kListProjection, make(NodeKind::kFlatten, make(NodeKind::kCurrent)),
                    projection_rhs(binding_power(TokenType::kFlatten)));
      case TokenType::kNot:
        return make(NodeKind::kNot, expression(binding_power(TokenType::kNot)));
      case TokenType::kLbracket:
        if (current().type == TokenType::kNumber || current().type == TokenType::kColon) {
          return project_if_slice(nullptr, index_or_slice());
        }
        if (current().type == TokenType::kStar && peek(1) == TokenType::kRbracket) {
          advance();
          advance();
          return make(NodeKind::kListProjection, make(NodeKind::kCurrent),
                      projection_rhs(binding_power(TokenType::kStar)));
        }
        return multi_select_list();
      case TokenType::kCurrent:
        return make(NodeKind::kCurrent);
      case TokenType::kExpressionRef:
        // Binds loosely: &a.b | c references all of "a.b | c", as in the reference
        // implementation; arguments still end at ',' and ')'.
        return make(NodeKind::kExpressionRef, expression(0));
      default:
        throw_syntax_error(token.position, "unexpected " + describe(token));
    }
  }

  // A token that continues the expression on its left.
  NodePtr led(const Token& token, NodePtr left) {
    if (auto comparator = comparator_of(token.type)) {
      NodePtr node =
          make(NodeKind::kComparator, std::move(left), expression(binding_power(token.type)));
      node->comparator = *comparator;
      return node;
    }
    switch (token.type) {
      case TokenType::kDot:
        if (current().type == TokenType::kStar) {
          advance();
          return make(NodeKind::kObjectProjection, std::move(left),
                      projection_rhs(binding_power(TokenType::kDot)));
        }
        return chain(NodeKind::kSubexpression, std::move(left),
                     dot_rhs(binding_power(TokenType::kDot)));
      case TokenType::kPipe:
        return chain(NodeKind::kPipe, std::move(left), expression(binding_power(TokenType::kPipe)));
      case TokenType::kOr:
        return make(NodeKind::kOr, std::move(left), expression(binding_power(token.type)));
      case TokenType::kAnd:
        return make(NodeKind::kAnd, std::move(left), expression(binding_power(token.type)));
      case TokenType::kLparen:
        return function_call(token, std::move(left));
      case TokenType::kFilter:
        return filter(std::move(left));
      case TokenType::kFlatten:
        return make(NodeKind::kListProjection, make(NodeKind::kFlatten, std::move(left)),
                    projection_rhs(binding_power(TokenType::kFlatten)));
      case TokenType::kLbracket:
        if (current().type == TokenType::kNumber || current().type == TokenType::kColon) {
          return project_if_slice(std::move(left), index_or_slice());
        }
        expect(TokenType::kStar, "a number, ':' or '*'");
        expect(TokenType::kRbracket, "']'");
        return make(NodeKind::kListProjection, std::move(left),
                    projection_rhs(binding_power(TokenType::kStar)));
      default:
        throw_syntax_error(token.position, "unexpected " + describe(token));
    }
  }

  // ---- constructs

  NodePtr field(const std::string& name) {
    NodePtr node = make(NodeKind::kField);
    node->name = name;
    return node;
  }

  // What a projection applies to each element: nothing (the element itself) unless a
  // tightly binding token follows.
  NodePtr projection_rhs(int right_binding_power) {
    TokenType type = current().type;
    if (binding_power(type) < kProjectionStop) return make(NodeKind::kCurrent);
    if (type == TokenType::kLbracket || type == TokenType::kFilter) {
      return expression(right_binding_power);
    }
    if (type == TokenType::kDot) {
      advance();
      return dot_rhs(right_binding_power);
    }
    unexpected("'.', '[' or the end of the projection");
  }

  // What may follow a '.': an identifier (maybe a function call), '*', or a multi-select.
  NodePtr dot_rhs(int right_binding_power) {
    switch (current().type) {
      case TokenType::kUnquotedIdentifier:
      case TokenType::kQuotedIdentifier:
      case TokenType::kStar:
        return expression(right_binding_power);
      case TokenType::kLbracket:
        advance();
        return multi_select_list();
      case TokenType::kLbrace:
        advance();
        return multi_select_hash();
      default:
        unexpected("an identifier, '*', '[' or '{' after '.'");
    }
  }

  // After '[' when a number or ':' follows.
  NodePtr index_or_slice() {
    if (current().type == TokenType::kColon || peek(1) == TokenType::kColon) return slice();
    NodePtr node = make(NodeKind::kIndex);
    node->index = expect(TokenType::kNumber, "a number").number;
    expect(TokenType::kRbracket, "']'");
    return node;
  }

  NodePtr slice() {
    NodePtr node = make(NodeKind::kSlice);
    std::optional<std::int64_t>* parts[] = {&node->start, &node->stop, &node->step};
    std::size_t part = 0;
    while (current().type != TokenType::kRbracket) {
      if (current().type == TokenType::kColon) {
        if (++part == 3) unexpected("']' (a slice has at most three parts)");
        advance();
      } else if (current().type == TokenType::kNumber && !parts[part]->has_value()) {
        *parts[part] = advance().number;
      } else {
        unexpected("a number, ':' or ']' in a slice");
      }
    }
    advance();
    return node;
  }

  // An index applies to the value on its left; a slice also starts a projection.
  NodePtr project_if_slice(NodePtr left, NodePtr index) {
    bool is_slice = index->kind == NodeKind::kSlice;
    NodePtr indexed = left ? chain(NodeKind::kSubexpression, std::move(left), std::move(index))
                           : std::move(index);
    if (!is_slice) return indexed;
    return make(NodeKind::kListProjection, std::move(indexed),
                projection_rhs(binding_power(TokenType::kStar)));
  }

  // After '[?'.
  NodePtr filter(NodePtr left) {
    NodePtr condition = expression(0);
    expect(TokenType::kRbracket, "']'");
    NodePtr rhs = projection_rhs(binding_power(TokenType::kFilter));
    return make(NodeKind::kFilterProjection, std::move(left), std::move(rhs), std::move(condition));
  }

  // After '['.
  NodePtr multi_select_list() {
    NodePtr node = make(NodeKind::kMultiSelectList);
    while (true) {
      add_child(*node, expression(0));
      if (current().type != TokenType::kComma) break;
      advance();
    }
    expect(TokenType::kRbracket, "',' or ']'");
    return node;
  }

  // After '{'.
  NodePtr multi_select_hash() {
    NodePtr node = make(NodeKind::kMultiSelectHash);
    while (true) {
      TokenType type = current().type;
      if (type != TokenType::kUnquotedIdentifier && type != TokenType::kQuotedIdentifier) {
        unexpected("a key (an identifier)");
      }
      node->keys.push_back(advance().text);
      expect(TokenType::kColon, "':'");
      add_child(*node, expression(0));
      if (current().type != TokenType::kComma) break;
      advance();
    }
    expect(TokenType::kRbrace, "',' or '}'");
    return node;
  }

  // After '(' that follows an expression: only a plain identifier names a function.
  NodePtr function_call(const Token& lparen, NodePtr left) {
    std::size_t lparen_index = static_cast<std::size_t>(&lparen - tokens_.data());
    if (left->kind != NodeKind::kField || lparen_index == 0 ||
        tokens_[lparen_index - 1].type != TokenType::kUnquotedIdentifier) {
      throw_syntax_error(lparen.position, "only a name can be called as a function");
    }
    NodePtr node = make(NodeKind::kFunction);
    node->name = left->name;
    if (current().type != TokenType::kRparen) {
      while (true) {
        add_child(*node, expression(0));
        if (current().type != TokenType::kComma) break;
        advance();
      }
    }
    expect(TokenType::kRparen, "',' or ')'");
    resolve(*node);
    return node;
  }

  void resolve(Node& call) {
    call.function = find_function(call.name);
    if (function_error_) return;
    if (!call.function) {
      function_error_.emplace(ErrorKind::UnknownFunction, "unknown function: " + call.name + "()");
      return;
    }
    try {
      check_arity(*call.function, call.children.size());
    } catch (const Error& error) {
      function_error_ = error;
    }
  }

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  int nesting_ = 0;
  std::optional<Error> function_error_;
};

}  // namespace

NodePtr parse(std::string_view expression) { return Parser(expression).run(); }

}  // namespace cachectl::jmespath::detail
