#include "cli/jmespath/functions.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "cli/jmespath/evaluator.h"
#include "cli/jmespath/jmespath.h"

namespace cachectl::jmespath::detail {
namespace {

// Parameter types, as bits so that one parameter can accept several.
enum Type : unsigned {
  kNumber = 1u << 0,
  kString = 1u << 1,
  kBoolean = 1u << 2,
  kArray = 1u << 3,
  kObject = 1u << 4,
  kNull = 1u << 5,
  kExpression = 1u << 6,
  kArrayOfNumber = 1u << 7,  // an array whose elements are all numbers
  kArrayOfString = 1u << 8,  // an array whose elements are all strings
  kAny = kNumber | kString | kBoolean | kArray | kObject | kNull,
};

using Arguments = std::span<const Argument>;

}  // namespace

struct FunctionSpec {
  std::string_view name;
  std::array<unsigned, 2> parameters;
  std::size_t parameter_count;
  bool variadic;  // the last parameter repeats; at least parameter_count arguments
  Value (*run)(Arguments arguments);
};

namespace {

// ---- type checking

std::string type_list(unsigned types) {
  if ((types & kAny) == kAny) return "a JSON value";
  static constexpr std::pair<unsigned, std::string_view> kNames[] = {
      {kNumber, "number"},
      {kString, "string"},
      {kBoolean, "boolean"},
      {kArray, "array"},
      {kObject, "object"},
      {kNull, "null"},
      {kExpression, "&expression"},
      {kArrayOfNumber, "array[number]"},
      {kArrayOfString, "array[string]"},
  };
  std::string out;
  for (const auto& [bit, name] : kNames) {
    if (!(types & bit)) continue;
    if (!out.empty()) out += " or ";
    out += name;
  }
  return out;
}

unsigned type_of(const Json& json) {
  switch (json.type()) {
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return kNumber;
    case Json::value_t::string:
      return kString;
    case Json::value_t::boolean:
      return kBoolean;
    case Json::value_t::array:
      return kArray;
    case Json::value_t::object:
      return kObject;
    default:
      return kNull;
  }
}

bool all_of_type(const Json& array, unsigned type) {
  return std::all_of(array.begin(), array.end(),
                     [type](const Json& element) { return type_of(element) == type; });
}

bool accepts(unsigned types, const Argument& argument) {
  if (argument.expression) return types & kExpression;
  const Json& value = *argument.value;
  unsigned type = type_of(value);
  if (types & type) return true;
  if (type != kArray) return false;
  return ((types & kArrayOfNumber) && all_of_type(value, kNumber)) ||
         ((types & kArrayOfString) && all_of_type(value, kString));
}

std::string describe(const Argument& argument) {
  if (argument.expression) return "&expression";
  const Json& value = *argument.value;
  if (value.is_array() && !value.empty()) {
    // Name the element that spoiled an array of numbers or of strings.
    unsigned first = type_of(value[0]);
    for (const Json& element : value) {
      if (type_of(element) != first || (first != kNumber && first != kString)) {
        return "array containing " + std::string(type_name(element)) + " " + to_json_text(element);
      }
    }
  }
  std::string text = to_json_text(value);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return std::string(type_name(value)) + " " + text;
}

[[noreturn]] void throw_invalid_type(std::string_view function, const std::string& message) {
  throw Error(ErrorKind::InvalidType,
              "invalid type in " + std::string(function) + "(): " + message);
}

// ---- helpers

const Json& json_of(Arguments arguments, std::size_t i) { return *arguments[i].value; }

const std::string& string_of(const Json& json) { return json.get_ref<const std::string&>(); }

Value make_int(std::int64_t value) { return own(Json(value)); }

bool add_overflows(std::int64_t a, std::int64_t b) {
  return (b > 0 && a > std::numeric_limits<std::int64_t>::max() - b) ||
         (b < 0 && a < std::numeric_limits<std::int64_t>::min() - b);
}

double as_double(const Json& json) { return json.get<double>(); }

// An integral float result becomes an integer when it fits, as JSON text would spell it:
// ceil(`1.2`) is 2, not 2.0.
Value integral(double value) {
  if (value >= -0x1p63 && value < 0x1p63) return make_int(static_cast<std::int64_t>(value));
  return own(Json(value));
}

// The key of each element of arguments[0] under the expression arguments[1]: all numbers
// or all strings, else Error(InvalidType).
std::vector<Value> sort_keys(Arguments arguments, std::string_view function) {
  const Value& array = arguments[0].value;
  const Node& expression = *arguments[1].expression;
  std::vector<Value> keys;
  keys.reserve(array->size());
  for (const Json& element : *array) keys.push_back(evaluate(expression, child(array, element)));
  if (keys.empty()) return keys;
  unsigned wanted = type_of(*keys[0]);
  for (const Value& key : keys) {
    unsigned type = type_of(*key);
    if ((type != kNumber && type != kString) || type != wanted) {
      throw_invalid_type(function, "the expression must give all numbers or all strings, got " +
                                       std::string(type_name(*key)) + " " + to_json_text(*key));
    }
  }
  return keys;
}

// ---- the functions, in the specification's order

Value fn_abs(Arguments arguments) {
  const Value& value = arguments[0].value;
  if (auto integer = as_int64(*value)) {
    if (*integer >= 0) return value;
    if (*integer == std::numeric_limits<std::int64_t>::min()) {
      return own(Json(static_cast<std::uint64_t>(1) << 63));
    }
    return make_int(-*integer);
  }
  if (value->is_number_unsigned()) return value;  // beyond int64, so positive
  return own(Json(std::fabs(as_double(*value))));
}

Value fn_avg(Arguments arguments) {
  const Json& array = json_of(arguments, 0);
  if (array.empty()) return null_value();
  double total = 0;
  for (const Json& element : array) total += as_double(element);
  return own(Json(total / static_cast<double>(array.size())));
}

Value fn_ceil(Arguments arguments) {
  const Value& value = arguments[0].value;
  return value->is_number_float() ? integral(std::ceil(as_double(*value))) : value;
}

Value fn_contains(Arguments arguments) {
  const Json& subject = json_of(arguments, 0);
  const Json& search = json_of(arguments, 1);
  if (subject.is_string()) {
    return bool_value(search.is_string() &&
                      string_of(subject).find(string_of(search)) != std::string::npos);
  }
  return bool_value(std::any_of(subject.begin(), subject.end(),
                                [&](const Json& element) { return equal(element, search); }));
}

Value fn_ends_with(Arguments arguments) {
  return bool_value(string_of(json_of(arguments, 0)).ends_with(string_of(json_of(arguments, 1))));
}

Value fn_floor(Arguments arguments) {
  const Value& value = arguments[0].value;
  return value->is_number_float() ? integral(std::floor(as_double(*value))) : value;
}

Value fn_join(Arguments arguments) {
  const std::string& glue = string_of(json_of(arguments, 0));
  std::string out;
  bool first = true;
  for (const Json& element : json_of(arguments, 1)) {
    if (!first) out += glue;
    out += string_of(element);
    first = false;
  }
  return own(Json(std::move(out)));
}

Value fn_keys(Arguments arguments) {
  const Json& object = json_of(arguments, 0);
  Json out = Json::array();
  for (auto it = object.begin(); it != object.end(); ++it) out.push_back(it.key());
  return own(std::move(out));
}

Value fn_length(Arguments arguments) {
  const Json& value = json_of(arguments, 0);
  std::size_t length = value.is_string() ? code_point_count(string_of(value)) : value.size();
  return make_int(static_cast<std::int64_t>(length));
}

Value fn_map(Arguments arguments) {
  const Node& expression = *arguments[0].expression;
  const Value& array = arguments[1].value;
  Json out = Json::array();
  // Unlike a projection, map keeps nulls: one result per element.
  for (const Json& element : *array) out.push_back(*evaluate(expression, child(array, element)));
  return own(std::move(out));
}

// The first greatest (or least) element, as the reference implementation picks.
Value extreme(const Value& array, bool greatest) {
  if (array->empty()) return null_value();
  const Json* best = &(*array)[0];
  for (const Json& element : *array) {
    if (greatest ? *best < element : element < *best) best = &element;
  }
  return child(array, *best);
}

Value fn_max(Arguments arguments) { return extreme(arguments[0].value, true); }

Value fn_min(Arguments arguments) { return extreme(arguments[0].value, false); }

Value extreme_by(Arguments arguments, bool greatest, std::string_view function) {
  const Value& array = arguments[0].value;
  std::vector<Value> keys = sort_keys(arguments, function);
  if (keys.empty()) return null_value();
  std::size_t best = 0;
  for (std::size_t i = 1; i < keys.size(); ++i) {
    if (greatest ? *keys[best] < *keys[i] : *keys[i] < *keys[best]) best = i;
  }
  return child(array, (*array)[best]);
}

Value fn_max_by(Arguments arguments) { return extreme_by(arguments, true, "max_by"); }

Value fn_min_by(Arguments arguments) { return extreme_by(arguments, false, "min_by"); }

Value fn_merge(Arguments arguments) {
  if (arguments.size() == 1) return arguments[0].value;
  Json out = Json::object();
  for (const Argument& argument : arguments) out.update(*argument.value);
  return own(std::move(out));
}

Value fn_not_null(Arguments arguments) {
  for (const Argument& argument : arguments) {
    if (!argument.value->is_null()) return argument.value;
  }
  return null_value();
}

Value fn_reverse(Arguments arguments) {
  const Json& value = json_of(arguments, 0);
  if (value.is_string()) return own(Json(reverse_code_points(string_of(value))));
  Json out = Json::array();
  for (auto it = value.rbegin(); it != value.rend(); ++it) out.push_back(*it);
  return own(std::move(out));
}

Value fn_sort(Arguments arguments) {
  // nlohmann::json orders numbers by value (int and float alike) and strings by bytes,
  // which for UTF-8 is code point order, as the specification asks.
  Json out = json_of(arguments, 0);
  auto& elements = out.get_ref<Json::array_t&>();
  std::stable_sort(elements.begin(), elements.end());
  return own(std::move(out));
}

Value fn_sort_by(Arguments arguments) {
  const Json& array = json_of(arguments, 0);
  std::vector<Value> keys = sort_keys(arguments, "sort_by");
  std::vector<std::size_t> order(keys.size());
  std::iota(order.begin(), order.end(), 0);
  // Stable, so that elements with equal keys keep their order.
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return *keys[a] < *keys[b]; });
  Json out = Json::array();
  for (std::size_t i : order) out.push_back(array[i]);
  return own(std::move(out));
}

Value fn_starts_with(Arguments arguments) {
  return bool_value(string_of(json_of(arguments, 0)).starts_with(string_of(json_of(arguments, 1))));
}

Value fn_sum(Arguments arguments) {
  const Json& array = json_of(arguments, 0);
  // Integers add up to an integer, as long as int64 holds the sum.
  std::int64_t integer_total = 0;
  bool integral_sum = true;
  for (const Json& element : array) {
    auto integer = as_int64(element);
    if (!integer || add_overflows(integer_total, *integer)) {
      integral_sum = false;
      break;
    }
    integer_total += *integer;
  }
  if (integral_sum) return make_int(integer_total);
  double total = 0;
  for (const Json& element : array) total += as_double(element);
  return own(Json(total));
}

Value fn_to_array(Arguments arguments) {
  const Value& value = arguments[0].value;
  if (value->is_array()) return value;
  Json out = Json::array();
  out.push_back(*value);
  return own(std::move(out));
}

Value fn_to_string(Arguments arguments) {
  const Value& value = arguments[0].value;
  if (value->is_string()) return value;
  return own(Json(to_json_text(*value)));
}

Value fn_to_number(Arguments arguments) {
  const Value& value = arguments[0].value;
  if (value->is_number()) return value;
  if (!value->is_string() || !is_json_number(string_of(*value))) return null_value();
  Json number = Json::parse(string_of(*value), nullptr, false);
  if (number.is_discarded() || (number.is_number_float() && !std::isfinite(number.get<double>()))) {
    return null_value();
  }
  return own(std::move(number));
}

Value fn_type(Arguments arguments) {
  return own(Json(std::string(type_name(json_of(arguments, 0)))));
}

Value fn_values(Arguments arguments) {
  Json out = Json::array();
  for (const Json& value : json_of(arguments, 0)) out.push_back(value);
  return own(std::move(out));
}

// Sorted by name.
constexpr FunctionSpec kFunctions[] = {
    {"abs", {kNumber}, 1, false, fn_abs},
    {"avg", {kArrayOfNumber}, 1, false, fn_avg},
    {"ceil", {kNumber}, 1, false, fn_ceil},
    {"contains", {kArray | kString, kAny}, 2, false, fn_contains},
    {"ends_with", {kString, kString}, 2, false, fn_ends_with},
    {"floor", {kNumber}, 1, false, fn_floor},
    {"join", {kString, kArrayOfString}, 2, false, fn_join},
    {"keys", {kObject}, 1, false, fn_keys},
    {"length", {kString | kArray | kObject}, 1, false, fn_length},
    {"map", {kExpression, kArray}, 2, false, fn_map},
    {"max", {kArrayOfNumber | kArrayOfString}, 1, false, fn_max},
    {"max_by", {kArray, kExpression}, 2, false, fn_max_by},
    {"merge", {kObject}, 1, true, fn_merge},
    {"min", {kArrayOfNumber | kArrayOfString}, 1, false, fn_min},
    {"min_by", {kArray, kExpression}, 2, false, fn_min_by},
    {"not_null", {kAny}, 1, true, fn_not_null},
    {"reverse", {kString | kArray}, 1, false, fn_reverse},
    {"sort", {kArrayOfNumber | kArrayOfString}, 1, false, fn_sort},
    {"sort_by", {kArray, kExpression}, 2, false, fn_sort_by},
    {"starts_with", {kString, kString}, 2, false, fn_starts_with},
    {"sum", {kArrayOfNumber}, 1, false, fn_sum},
    {"to_array", {kAny}, 1, false, fn_to_array},
    {"to_number", {kAny}, 1, false, fn_to_number},
    {"to_string", {kAny}, 1, false, fn_to_string},
    {"type", {kAny}, 1, false, fn_type},
    {"values", {kObject}, 1, false, fn_values},
};

}  // namespace

const FunctionSpec* find_function(std::string_view name) {
  auto it = std::lower_bound(std::begin(kFunctions), std::end(kFunctions), name,
                             [](const FunctionSpec& f, std::string_view n) { return f.name < n; });
  return it != std::end(kFunctions) && it->name == name ? &*it : nullptr;
}

void check_arity(const FunctionSpec& function, std::size_t argument_count) {
  bool ok = function.variadic ? argument_count >= function.parameter_count
                              : argument_count == function.parameter_count;
  if (ok) return;
  std::size_t wanted = function.parameter_count;
  throw Error(ErrorKind::InvalidArity,
              std::string(function.name) + "() takes " + (function.variadic ? "at least " : "") +
                  std::to_string(wanted) + (wanted == 1 ? " argument" : " arguments") + ", got " +
                  std::to_string(argument_count));
}

Value call_function(const FunctionSpec& function, Arguments arguments) {
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    unsigned types = function.parameters[std::min(i, function.parameter_count - 1)];
    if (!accepts(types, arguments[i])) {
      throw_invalid_type(function.name, "argument " + std::to_string(i + 1) + " must be " +
                                            type_list(types) + ", got " + describe(arguments[i]));
    }
  }
  return function.run(arguments);
}

}  // namespace cachectl::jmespath::detail
