#include "cli/jmespath/value.h"

#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

#include "cli/jmespath/jmespath.h"

namespace cachectl::jmespath::detail {

bool equal(const Json& a, const Json& b) {
  if (a.is_object() && b.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it) {
      auto other = b.find(it.key());
      if (other == b.end() || !equal(it.value(), *other)) return false;
    }
    return true;
  }
  if (a.is_array() && b.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!equal(a[i], b[i])) return false;
    return true;
  }
  return a == b;
}

Value borrow(const Json& json) {
  // The aliasing constructor with an empty owner: a non-null pointer that owns nothing.
  return Value(Value(), &json);
}

namespace {

thread_local BuildBudget* current_budget = nullptr;

std::size_t cost_of_text(std::size_t bytes) { return bytes / 16; }

// Walks the value without recursion (it may be deep) and stops at the first limit hit,
// so the walk itself costs at most `limit`. Returns the cost, or throws.
std::size_t measure(const Json& json, std::size_t limit, int max_depth) {
  std::vector<std::pair<const Json*, int>> pending{{&json, 1}};
  std::size_t cost = 0;
  while (!pending.empty()) {
    auto [value, depth] = pending.back();
    pending.pop_back();
    if (depth > max_depth) {
      throw Error(ErrorKind::InvalidValue, "the result would be nested more than " +
                                               std::to_string(max_depth) + " levels deep");
    }
    cost += 1;
    if (value->is_string()) cost += cost_of_text(value->get_ref<const Json::string_t&>().size());
    if (value->is_object()) {
      for (const auto& [key, member] : value->items()) {
        cost += cost_of_text(key.size());
        pending.emplace_back(&member, depth + 1);
      }
    } else if (value->is_array()) {
      for (const Json& element : *value) pending.emplace_back(&element, depth + 1);
    }
    if (cost > limit) {
      throw Error(ErrorKind::InvalidValue,
                  "the expression builds more than " +
                      std::to_string(current_budget ? current_budget->total() : limit) +
                      " values; simplify it");
    }
  }
  return cost;
}

// The number of values in the input, saturated at what makes the budget overflow.
std::size_t input_size(const Json& json) {
  constexpr std::size_t kCap =
      (std::numeric_limits<std::size_t>::max() - kBaseBuiltValues) / kBuiltValuesPerInputValue;
  std::vector<const Json*> pending{&json};
  std::size_t count = 0;
  while (!pending.empty() && count < kCap) {
    const Json* value = pending.back();
    pending.pop_back();
    ++count;
    if (value->is_structured()) {
      for (const Json& element : *value) pending.push_back(&element);
    }
  }
  return count;
}

void charge(const Json& json) {
  if (!current_budget) {
    measure(json, std::numeric_limits<std::size_t>::max(), kMaxBuiltDepth);
    return;
  }
  std::size_t& remaining = current_budget->remaining();
  remaining -= measure(json, remaining, kMaxBuiltDepth);
}

}  // namespace

BuildBudget::BuildBudget(const Json& input)
    : total_(kBaseBuiltValues + kBuiltValuesPerInputValue * input_size(input)),
      remaining_(total_),
      previous_(current_budget) {
  current_budget = this;
}

BuildBudget::~BuildBudget() { current_budget = previous_; }

Value own(Json json) {
  charge(json);
  // Created non-const: Expression::search may move a result out of it.
  return std::make_shared<Json>(std::move(json));
}

Value child(const Value& parent, const Json& member) { return Value(parent, &member); }

const Value& null_value() {
  static const Json kNull;
  static const Value kValue = borrow(kNull);
  return kValue;
}

const Value& bool_value(bool value) {
  static const Json kTrue = true;
  static const Json kFalse = false;
  static const Value kTrueValue = borrow(kTrue);
  static const Value kFalseValue = borrow(kFalse);
  return value ? kTrueValue : kFalseValue;
}

bool is_truthy(const Json& json) {
  switch (json.type()) {
    case Json::value_t::null:
      return false;
    case Json::value_t::boolean:
      return json.get<bool>();
    case Json::value_t::string:
      return !json.get_ref<const Json::string_t&>().empty();
    case Json::value_t::array:
    case Json::value_t::object:
      return !json.empty();
    default:
      return true;
  }
}

std::string_view type_name(const Json& json) {
  switch (json.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return "boolean";
    case Json::value_t::string:
      return "string";
    case Json::value_t::array:
      return "array";
    case Json::value_t::object:
      return "object";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return "number";
    default:
      return "unknown";  // binary and discarded values never come from JSON text
  }
}

std::optional<std::int64_t> as_int64(const Json& json) {
  if (json.is_number_unsigned()) {
    auto value = json.get<std::uint64_t>();
    if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(value);
  }
  if (json.is_number_integer()) return json.get<std::int64_t>();
  return std::nullopt;
}

namespace {

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::size_t code_point_count(std::string_view utf8) {
  return static_cast<std::size_t>(
      std::count_if(utf8.begin(), utf8.end(), [](char c) { return !is_continuation_byte(c); }));
}

std::string reverse_code_points(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  std::size_t end = utf8.size();
  while (end > 0) {
    std::size_t begin = end - 1;
    while (begin > 0 && is_continuation_byte(utf8[begin])) --begin;
    out.append(utf8.substr(begin, end - begin));
    end = begin;
  }
  return out;
}

std::optional<std::size_t> first_invalid_utf8(std::string_view text) {
  auto byte = [&](std::size_t at) { return static_cast<unsigned char>(text[at]); };
  std::size_t i = 0;
  while (i < text.size()) {
    unsigned char lead = byte(i);
    std::size_t length = 0;
    // The range of the second byte narrows for E0, ED, F0 and F4 (Unicode table 3-7).
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead < 0x80) {
      length = 1;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return i;
    }
    if (length > text.size() - i) return i;
    for (std::size_t k = 1; k < length; ++k) {
      unsigned char next = byte(i + k);
      bool ok = k == 1 ? next >= low && next <= high : next >= 0x80 && next <= 0xBF;
      if (!ok) return i;
    }
    i += length;
  }
  return std::nullopt;
}

bool is_json_number(std::string_view text) {
  std::size_t i = 0;
  auto digits = [&] {
    std::size_t from = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return i - from;
  };
  if (i < text.size() && text[i] == '-') ++i;
  if (i < text.size() && text[i] == '0') {
    ++i;
  } else if (digits() == 0) {
    return false;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == text.size();
}

std::string to_json_text(const Json& json) {
  // Replace rather than throw on invalid UTF-8: a string built by the caller need not be
  // valid, and showing it must not fail.
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace cachectl::jmespath::detail
