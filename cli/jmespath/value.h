// Values as the evaluator passes them around, and the JMESPath rules about JSON values
// that more than one part of the evaluator needs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace cachectl::jmespath::detail {

// Ordered: an object keeps its members' order (the response's, which the
// output puts in the model's order, and a multiselect hash's), as aws-cli's
// Python dicts do.
using Json = nlohmann::ordered_json;

// A pointer to a JSON value that keeps alive whatever it points into. Most results are
// parts of the searched document or of the expression's literals, which outlive a search
// and are pointed to without owning anything; only values the search builds (projections,
// function results) are owned. This saves copying every subtree a path walks through.
using Value = std::shared_ptr<const Json>;

// Points into data that outlives the search (the input, the expression's literals).
Value borrow(const Json& json);
// A value the search built. Throws Error (InvalidValue) when the value is nested deeper
// than kMaxBuiltDepth, or when building it exhausts the current search's BuildBudget.
Value own(Json json);

// Bounds on what one search builds. A short expression can double its result at every
// step ([@, @] | [@, @] | ...) or nest it one level deeper ([@] | [@] | ...): without
// these it exhausts memory, or the stack of nlohmann::json's recursive copy and dump.
inline constexpr int kMaxBuiltDepth = 512;
inline constexpr std::size_t kBaseBuiltValues = std::size_t{1} << 20;
inline constexpr std::size_t kBuiltValuesPerInputValue = 8;

// While alive, own() charges every value it is given (each JSON value counts 1, strings
// and keys 1 more per 16 bytes) against kBaseBuiltValues plus kBuiltValuesPerInputValue
// for each value of the searched document: what a search copies, so the charge bounds
// both its memory and its time, and stays linear in its input. One per search, per
// thread.
class BuildBudget {
 public:
  explicit BuildBudget(const Json& input);
  ~BuildBudget();
  BuildBudget(const BuildBudget&) = delete;
  BuildBudget& operator=(const BuildBudget&) = delete;

  std::size_t total() const { return total_; }
  std::size_t& remaining() { return remaining_; }

 private:
  std::size_t total_;
  std::size_t remaining_;
  BuildBudget* previous_;
};
// A part of parent, keeping parent alive.
Value child(const Value& parent, const Json& member);
// Shared constants, so that filters and comparisons allocate nothing.
const Value& null_value();
const Value& bool_value(bool value);

// JMESPath's equality: deep, with objects equal whatever their members' order
// (ordered_json's own == compares the order too).
bool equal(const Json& a, const Json& b);

// False for null, false, "", [] and {}; true for everything else (numbers included).
bool is_truthy(const Json& json);

// The specification's name of a value's type: "number", "string", "boolean", "array",
// "object" or "null".
std::string_view type_name(const Json& json);

// The value of an integer that fits in int64; nullopt for floats, big unsigned numbers
// and non-numbers.
std::optional<std::int64_t> as_int64(const Json& json);

// Unicode code points of UTF-8 text.
std::size_t code_point_count(std::string_view utf8);
std::string reverse_code_points(std::string_view utf8);

// Where the first byte that does not start a well-formed UTF-8 sequence is (overlong
// forms, surrogates and code points beyond U+10FFFF included); nullopt when all is well.
std::optional<std::size_t> first_invalid_utf8(std::string_view text);

// Whether text is exactly a JSON number (the specification's json-number production).
bool is_json_number(std::string_view text);

// Compact JSON text, as to_string() and error messages show values.
std::string to_json_text(const Json& json);

}  // namespace cachectl::jmespath::detail
