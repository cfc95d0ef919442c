#include "cli/model_params.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "cli/unicode_text.h"

namespace cachectl::cli {
namespace {

core::ApiError type_error(std::string message) { return {kParamTypeError, std::move(message)}; }

// A line of a "Parameter validation failed" report, as an error of its own
// (a number too large to hold is found while converting the text).
core::ApiError validation_error(std::string line) { return {"ParamValidation", std::move(line)}; }

std::string trim_spaces(std::string_view s) {
  auto space = [](char c) {
    return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
  };
  std::size_t a = 0, b = s.size();
  while (a < b && space(s[a])) ++a;
  while (b > a && space(s[b - 1])) --b;
  return std::string(s.substr(a, b - a));
}

std::string range_line(const std::string& name, const std::string& value, const IntRange& r) {
  return "Invalid value for parameter " + name + ", value: " + value +
         ", valid range: " + std::to_string(r.min) + " to " + std::to_string(r.max) + " (a " +
         r.what + ")";
}

// The value as a message shows it (a huge one cut short).
std::string shown(const json& v) {
  std::string s =
      v.is_string() ? v.get<std::string>() : v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > 200) s = s.substr(0, 200) + "...";
  return s;
}

// Python's type() of what json.loads would have made of the value.
const char* python_type(const json& v) {
  switch (v.type()) {
    case json::value_t::string:
      return "<class 'str'>";
    case json::value_t::boolean:
      return "<class 'bool'>";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "<class 'int'>";
    case json::value_t::number_float:
      return "<class 'float'>";
    case json::value_t::object:
      return "<class 'dict'>";
    case json::value_t::array:
      return "<class 'list'>";
    default:
      return "<class 'NoneType'>";
  }
}

// botocore's valid types of each model type.
const char* valid_types(const std::string& type) {
  if (type == "structure" || type == "map") return "<class 'dict'>";
  if (type == "list") return "<class 'list'>, <class 'tuple'>";
  if (type == "integer" || type == "long") return "<class 'int'>";
  if (type == "boolean") return "<class 'bool'>";
  if (type == "double" || type == "float")
    return "<class 'float'>, <class 'decimal.Decimal'>, <class 'int'>";
  if (type == "timestamp") return "<class 'datetime.datetime'>, timestamp-string";
  return "<class 'str'>";
}

// Length as Python's len() of a str counts it: code points.
long long code_points(const std::string& s) {
  long long n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string member_list(const ModelJson& members) {
  std::string out;
  for (auto it = members.begin(); it != members.end(); ++it)
    out += (out.empty() ? "" : ", ") + it.key();
  return out;
}

// The model's min/max of a number, or of a length (strings, lists).
void check_bounds(long long value, const ModelJson& shape, const std::string& name,
                  const char* what, std::vector<std::string>& problems) {
  const std::string kind = std::string(what) == "length" ? "Invalid length" : "Invalid value";
  if (shape.contains("min") && shape["min"].is_number() && value < shape["min"].get<double>())
    problems.push_back(kind + " for parameter " + name + ", value: " + std::to_string(value) +
                       ", valid min " + what + ": " + shape["min"].dump());
  if (shape.contains("max") && shape["max"].is_number() && value > shape["max"].get<double>())
    problems.push_back(kind + " for parameter " + name + ", value: " + std::to_string(value) +
                       ", valid max " + what + ": " + shape["max"].dump());
}

const ModelJson& member_shape(const ModelJson& ref) {
  return ApiModel::get().shape(ref.value("shape", std::string()));
}

}  // namespace

IntText parse_int_text(std::string_view raw) {
  std::string s = trim_spaces(raw);
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  if (i == s.size()) return {};
  // Accumulate as a negative number: its range holds INT64_MIN.
  long long v = 0;
  bool too_large = false;
  constexpr long long kMin = std::numeric_limits<long long>::min();
  for (; i < s.size(); ++i) {
    if (s[i] == '_' && i > 0 && std::isdigit(static_cast<unsigned char>(s[i - 1])) &&
        i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))
      continue;
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return {};
    int d = s[i] - '0';
    if (v < (kMin + d) / 10) too_large = true;
    if (!too_large) v = v * 10 - d;
  }
  if (too_large || (!negative && v == kMin)) return {IntText::kTooLarge, 0};
  return {IntText::kOk, negative ? v : -v};
}

IntRange int_range(const std::string& type) {
  if (type == "long")
    return {std::numeric_limits<long long>::min(), std::numeric_limits<long long>::max(),
            "64-bit integer"};
  return {std::numeric_limits<int>::min(), std::numeric_limits<int>::max(), "32-bit integer"};
}

core::Result<json> scalar_from_text(const std::string& text, const ModelJson& shape,
                                    const std::string& name) {
  const std::string type = shape.value("type", "");
  if (type == "integer" || type == "long") {
    IntText n = parse_int_text(text);
    if (n.status == IntText::kNotAnInteger) return type_error("'" + text + "' is not an integer");
    if (n.status == IntText::kTooLarge)
      return validation_error(range_line(name, trim_spaces(text), int_range(type)));
    return json(n.value);
  }
  if (type == "double" || type == "float") {
    std::string s = trim_spaces(text);
    char* end = nullptr;
    double d = s.empty() ? 0 : std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(d))
      return type_error("'" + text + "' is not a number");
    return json(d);
  }
  return json(text);
}

core::Result<json> shorthand_to_model(const nlohmann::ordered_json& v, const ModelJson& shape,
                                      const std::string& name) {
  const std::string type = shape.value("type", "");
  if (type == "structure" && v.is_object()) {
    json out = json::object();
    const ModelJson& members = shape["members"];
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (!members.contains(it.key())) {
        out[it.key()] = json(it.value());  // validate_value names it
        continue;
      }
      auto m =
          shorthand_to_model(it.value(), member_shape(members[it.key()]), name + "." + it.key());
      if (!m) return m;
      out[it.key()] = std::move(*m);
    }
    return out;
  }
  if (type == "list") {
    const ModelJson& item = member_shape(shape["member"]);
    if (v.is_null()) return json();
    // "foo=bar" where a list is wanted means ["bar"].
    if (!v.is_array()) {
      auto one = shorthand_to_model(v, item, name + "[0]");
      if (!one) return one;
      return json::array({std::move(*one)});
    }
    json out = json::array();
    for (std::size_t i = 0; i < v.size(); ++i) {
      auto e = shorthand_to_model(v[i], item, name + "[" + std::to_string(i) + "]");
      if (!e) return e;
      out.push_back(std::move(*e));
    }
    return out;
  }
  if (type == "map" && v.is_object()) {
    json out = json::object();
    const ModelJson& value_shape = member_shape(shape["value"]);
    for (auto it = v.begin(); it != v.end(); ++it) {
      auto m = shorthand_to_model(it.value(), value_shape, name + "." + it.key());
      if (!m) return m;
      out[it.key()] = std::move(*m);
    }
    return out;
  }
  if (v.is_string() &&
      (type == "integer" || type == "long" || type == "double" || type == "float")) {
    auto n = scalar_from_text(v.get<std::string>(), shape, name);
    if (!n && n.error().code == kParamTypeError)
      return type_error("invalid value for " + name + ": " + n.error().message);
    return n;
  }
  if (v.is_string() && type == "boolean") {
    std::string lower;
    for (char c : v.get<std::string>())
      lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (lower == "true") return json(true);
    if (lower == "false") return json(false);
  }
  return json(v);
}

void validate_value(const json& v, const ModelJson& shape, const std::string& name,
                    std::vector<std::string>& problems) {
  const std::string type = shape.value("type", "");
  auto wrong_type = [&] {
    problems.push_back("Invalid type for parameter " + name + ", value: " + shown(v) +
                       ", type: " + python_type(v) + ", valid types: " + valid_types(type));
  };
  if (type == "structure") {
    if (!v.is_object()) return wrong_type();
    const ModelJson& members = shape["members"];
    for (const auto& r : shape.value("required", ModelJson::array()))
      if (!v.contains(r.get<std::string>()))
        problems.push_back("Missing required parameter in " + name + ": \"" + r.get<std::string>() +
                           "\"");
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (!members.contains(it.key())) {
        problems.push_back("Unknown parameter in " + name + ": \"" + it.key() +
                           "\", must be one of: " + member_list(members));
        continue;
      }
      validate_value(it.value(), member_shape(members[it.key()]), name + "." + it.key(), problems);
    }
    return;
  }
  if (type == "list") {
    if (!v.is_array()) return wrong_type();
    check_bounds(static_cast<long long>(v.size()), shape, name, "length", problems);
    const ModelJson& item = member_shape(shape["member"]);
    for (std::size_t i = 0; i < v.size(); ++i)
      validate_value(v[i], item, name + "[" + std::to_string(i) + "]", problems);
    return;
  }
  if (type == "map") {
    if (!v.is_object()) return wrong_type();
    const ModelJson& key_shape = member_shape(shape["key"]);
    const ModelJson& value_shape = member_shape(shape["value"]);
    for (auto it = v.begin(); it != v.end(); ++it) {
      validate_value(json(it.key()), key_shape, name + " (key)", problems);
      validate_value(it.value(), value_shape, name + "." + it.key(), problems);
    }
    return;
  }
  if (type == "integer" || type == "long") {
    if (!v.is_number_integer()) return wrong_type();  // booleans are not numbers here
    IntRange r = int_range(type);
    bool in_range = v.is_number_unsigned()
                        ? v.get<unsigned long long>() <= static_cast<unsigned long long>(r.max)
                        : v.get<long long>() >= r.min && v.get<long long>() <= r.max;
    if (!in_range) return problems.push_back(range_line(name, v.dump(), r));
    check_bounds(v.get<long long>(), shape, name, "value", problems);
    return;
  }
  if (type == "double" || type == "float") {
    if (!v.is_number()) wrong_type();
    return;
  }
  if (type == "boolean") {
    if (!v.is_boolean()) wrong_type();
    return;
  }
  if (type == "timestamp") {
    if (!v.is_string() && !v.is_number()) wrong_type();
    return;
  }
  // string (and blob, given as text)
  if (!v.is_string()) return wrong_type();
  const std::string& s = v.get_ref<const std::string&>();
  if (!is_valid_utf8(s))
    return problems.push_back("Invalid value for parameter " + name +
                              ": the value is not valid UTF-8");
  check_bounds(code_points(s), shape, name, "length", problems);
  if (shape.contains("enum")) {
    for (const auto& e : shape["enum"])
      if (e == s) return;
    std::string values;
    for (const auto& e : shape["enum"])
      values += (values.empty() ? "" : ", ") + e.get<std::string>();
    problems.push_back("Invalid value for parameter " + name + ", value: " + s +
                       ", valid values: " + values);
  }
}

std::vector<std::string> validate_request(const json& request, const ModelJson& input_shape) {
  std::vector<std::string> problems;
  const ModelJson& members =
      input_shape.contains("members") ? input_shape["members"] : ModelJson::object();
  for (auto it = request.begin(); it != request.end(); ++it) {
    if (!members.contains(it.key())) {
      problems.push_back("Unknown parameter in input: \"" + it.key() +
                         "\", must be one of: " + member_list(members));
      continue;
    }
    validate_value(it.value(), member_shape(members[it.key()]), it.key(), problems);
  }
  return problems;
}

}  // namespace cachectl::cli
