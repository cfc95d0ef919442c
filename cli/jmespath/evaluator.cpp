#include "cli/jmespath/evaluator.h"

#include <vector>

#include "cli/jmespath/functions.h"
#include "cli/jmespath/jmespath.h"

namespace cachectl::jmespath::detail {
namespace {

Value field(const Node& node, const Value& current) {
  if (!current->is_object()) return null_value();
  auto it = current->find(node.name);
  return it == current->end() ? null_value() : child(current, *it);
}

Value index(const Node& node, const Value& current) {
  if (!current->is_array()) return null_value();
  auto size = static_cast<std::int64_t>(current->size());
  std::int64_t at = node.index < 0 ? node.index + size : node.index;
  if (at < 0 || at >= size) return null_value();
  return child(current, (*current)[static_cast<std::size_t>(at)]);
}

// Python's slice semantics, as the specification defines them.
Value slice(const Node& node, const Value& current) {
  std::int64_t step = node.step.value_or(1);
  if (step == 0) throw Error(ErrorKind::InvalidValue, "slice step cannot be 0");
  if (!current->is_array()) return null_value();
  auto length = static_cast<std::int64_t>(current->size());
  auto cap = [&](std::int64_t at) {
    if (at < 0) {
      at += length;
      if (at < 0) at = step > 0 ? 0 : -1;
    } else if (at >= length) {
      at = step > 0 ? length : length - 1;
    }
    return at;
  };
  std::int64_t start = node.start ? cap(*node.start) : (step > 0 ? 0 : length - 1);
  std::int64_t stop = node.stop ? cap(*node.stop) : (step > 0 ? length : -1);
  Json out = Json::array();
  for (std::int64_t i = start; step > 0 ? i < stop : i > stop;) {
    out.push_back((*current)[static_cast<std::size_t>(i)]);
    // Stop before i + step passes stop: with a huge step, i + step would overflow.
    if (step > 0 ? stop - i <= step : stop - i >= step) break;
    i += step;
  }
  return own(std::move(out));
}

Value sequence(const Node& node, const Value& current) {
  Value value = current;
  for (const NodePtr& step : node.children) value = evaluate(*step, value);
  return value;
}

Value projection(const Node& node, const Value& current) {
  bool over_object = node.kind == NodeKind::kObjectProjection;
  Value base = evaluate(*node.children[0], current);
  if (over_object ? !base->is_object() : !base->is_array()) return null_value();
  const Node& rhs = *node.children[1];
  const Node* condition =
      node.kind == NodeKind::kFilterProjection ? node.children[2].get() : nullptr;
  Json out = Json::array();
  // Iterating a nlohmann::json object yields its values, as an object projection wants.
  for (const Json& element : *base) {
    Value item = child(base, element);
    if (condition && !is_truthy(*evaluate(*condition, item))) continue;
    Value result = evaluate(rhs, item);
    // Projections drop nulls: [*].missing is [] rather than [null, null].
    if (!result->is_null()) out.push_back(*result);
  }
  return own(std::move(out));
}

Value flatten(const Node& node, const Value& current) {
  Value base = evaluate(*node.children[0], current);
  if (!base->is_array()) return null_value();
  Json out = Json::array();
  for (const Json& element : *base) {
    if (element.is_array()) {
      out.insert(out.end(), element.begin(), element.end());
    } else {
      out.push_back(element);
    }
  }
  return own(std::move(out));
}

Value compare(const Node& node, const Value& current) {
  Value lhs = evaluate(*node.children[0], current);
  Value rhs = evaluate(*node.children[1], current);
  switch (node.comparator) {
    case Comparator::kEqual:
      return bool_value(equal(*lhs, *rhs));
    case Comparator::kNotEqual:
      return bool_value(!equal(*lhs, *rhs));
    default:
      break;
  }
  // Ordering is defined for numbers only; anything else compares to null.
  if (!lhs->is_number() || !rhs->is_number()) return null_value();
  bool result = false;
  switch (node.comparator) {
    case Comparator::kLess:
      result = *lhs < *rhs;
      break;
    case Comparator::kLessEqual:
      result = *lhs <= *rhs;
      break;
    case Comparator::kGreater:
      result = *lhs > *rhs;
      break;
    case Comparator::kGreaterEqual:
      result = *lhs >= *rhs;
      break;
    default:
      break;
  }
  return bool_value(result);
}

Value multi_select_list(const Node& node, const Value& current) {
  if (current->is_null()) return null_value();
  Json out = Json::array();
  for (const NodePtr& element : node.children) out.push_back(*evaluate(*element, current));
  return own(std::move(out));
}

Value multi_select_hash(const Node& node, const Value& current) {
  if (current->is_null()) return null_value();
  Json out = Json::object();
  for (std::size_t i = 0; i < node.children.size(); ++i) {
    out[node.keys[i]] = *evaluate(*node.children[i], current);
  }
  return own(std::move(out));
}

Value function(const Node& node, const Value& current) {
  std::vector<Argument> arguments(node.children.size());
  for (std::size_t i = 0; i < node.children.size(); ++i) {
    const Node& argument = *node.children[i];
    if (argument.kind == NodeKind::kExpressionRef) {
      arguments[i].expression = argument.children[0].get();
    } else {
      arguments[i].value = evaluate(argument, current);
    }
  }
  return call_function(*node.function, arguments);
}

}  // namespace

Value evaluate(const Node& node, const Value& current) {
  switch (node.kind) {
    case NodeKind::kCurrent:
      return current;
    case NodeKind::kField:
      return field(node, current);
    case NodeKind::kSubexpression:
    case NodeKind::kPipe:
      return sequence(node, current);
    case NodeKind::kIndex:
      return index(node, current);
    case NodeKind::kSlice:
      return slice(node, current);
    case NodeKind::kListProjection:
    case NodeKind::kObjectProjection:
    case NodeKind::kFilterProjection:
      return projection(node, current);
    case NodeKind::kFlatten:
      return flatten(node, current);
    case NodeKind::kComparator:
      return compare(node, current);
    case NodeKind::kOr: {
      Value lhs = evaluate(*node.children[0], current);
      return is_truthy(*lhs) ? lhs : evaluate(*node.children[1], current);
    }
    case NodeKind::kAnd: {
      Value lhs = evaluate(*node.children[0], current);
      return is_truthy(*lhs) ? evaluate(*node.children[1], current) : lhs;
    }
    case NodeKind::kNot:
      return bool_value(!is_truthy(*evaluate(*node.children[0], current)));
    case NodeKind::kLiteral:
      return borrow(node.literal);
    case NodeKind::kMultiSelectList:
      return multi_select_list(node, current);
    case NodeKind::kMultiSelectHash:
      return multi_select_hash(node, current);
    case NodeKind::kFunction:
      return function(node, current);
    case NodeKind::kExpressionRef:
      // Only a function can take an expression; it has no JSON value.
      throw Error(ErrorKind::InvalidType,
                  "an expression reference (&...) can only be a function argument");
  }
  return null_value();
}

}  // namespace cachectl::jmespath::detail
