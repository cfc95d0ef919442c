// The syntax tree a compiled expression is made of.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/jmespath/value.h"

namespace cachectl::jmespath::detail {

struct FunctionSpec;

enum class NodeKind {
  kCurrent,           // @, and the implicit "rest" of a projection
  kField,             // name
  kSubexpression,     // children applied one after the other (a.b, a[0])
  kPipe,              // same, but written with | (ends projections)
  kIndex,             // index
  kSlice,             // start, stop, step
  kListProjection,    // children: lhs, rhs  ([*], [], slices)
  kObjectProjection,  // children: lhs, rhs  (*)
  kFilterProjection,  // children: lhs, rhs, condition
  kFlatten,           // children: the array to flatten
  kComparator,        // comparator; children: lhs, rhs
  kOr,                // children: lhs, rhs
  kAnd,               // children: lhs, rhs
  kNot,               // children: operand
  kLiteral,           // literal
  kMultiSelectList,   // children
  kMultiSelectHash,   // keys[i] -> children[i]
  kFunction,          // name, function; children: arguments
  kExpressionRef,     // children: the referenced expression
};

enum class Comparator { kEqual, kNotEqual, kLess, kLessEqual, kGreater, kGreaterEqual };

// One struct for every kind keeps the tree easy to build and walk; only the members the
// kind's comment names are meaningful.
struct Node {
  explicit Node(NodeKind node_kind) : kind(node_kind) {}

  NodeKind kind;
  std::vector<std::unique_ptr<Node>> children;
  std::string name;
  std::vector<std::string> keys;
  Json literal;
  std::int64_t index = 0;
  std::optional<std::int64_t> start, stop, step;
  Comparator comparator = Comparator::kEqual;
  const FunctionSpec* function = nullptr;  // resolved when parsed
  int depth = 1;                           // height of the subtree, bounded by the parser
};

using NodePtr = std::unique_ptr<Node>;

}  // namespace cachectl::jmespath::detail
