#include "serve/form_decoder.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <set>

#include "cli/model_params.h"
#include "core/time_format.h"
#include "serve/percent_encoding.h"
#include "serve/wire_names.h"

namespace cachectl::serve {
namespace {

using cli::ModelJson;
using json = nlohmann::json;

core::ApiError malformed(std::string message) {
  return {"MalformedQueryString", std::move(message)};
}
core::ApiError invalid_query(std::string message) {
  return {"InvalidQueryParameter", std::move(message)};
}

// A shown value: a huge or binary one does not flood a message.
std::string shown(std::string_view v) {
  std::string out;
  for (unsigned char c : v.substr(0, 100)) out += c < 0x20 || c == 0x7f ? '?' : char(c);
  if (v.size() > 100) out += "...";
  return out;
}

core::Result<std::string> form_decoded(std::string_view text) {
  auto decoded = percent_decoded(text, true);
  if (decoded) return *decoded;
  std::size_t bad = text.find('%');
  while (bad != std::string_view::npos && bad + 2 < text.size() && hex_digit(text[bad + 1]) >= 0 &&
         hex_digit(text[bad + 2]) >= 0)
    bad = text.find('%', bad + 1);
  return malformed("'%' must be followed by two hexadecimal digits: ..." +
                   shown(text.substr(bad, 3)));
}

// Decoding one operation's parameters: every parameter used is counted, so
// that one no member took is found at the end.
class Decoder {
 public:
  explicit Decoder(const FormParams& params) : params_(params) {}

  core::Result<json> structure(const ModelJson& shape, const std::string& prefix);
  const std::set<std::string_view>& used() const { return used_; }

 private:
  core::Result<json> value(const ModelJson& shape, const std::string& key);
  core::Result<json> list(const ModelJson& shape, const std::string& key);
  core::Result<json> scalar(const ModelJson& shape, const std::string& key,
                            const std::string& text);
  bool any_under(const std::string& prefix) const {
    auto it = params_.lower_bound(prefix);
    return it != params_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
  }

  const FormParams& params_;
  std::set<std::string_view> used_;
};

core::Result<json> Decoder::structure(const ModelJson& shape, const std::string& prefix) {
  json out = json::object();
  const ModelJson& members = shape.contains("members") ? shape["members"] : ModelJson::object();
  for (auto it = members.begin(); it != members.end(); ++it) {
    const ModelJson& member_shape = shape_of(it.value());
    std::string name = wire_name(it.value(), member_shape, it.key());
    std::string key = prefix.empty() ? name : prefix + "." + name;
    auto v = value(member_shape, key);
    if (!v) return v;
    if (!v->is_null()) out[it.key()] = std::move(*v);
  }
  return out;
}

// null when the parameters say nothing of `key`.
core::Result<json> Decoder::value(const ModelJson& shape, const std::string& key) {
  const std::string type = shape.value("type", "string");
  if (type == "structure") {
    if (!any_under(key + ".")) return json();
    return structure(shape, key);
  }
  if (type == "list") return list(shape, key);
  auto found = params_.find(key);
  if (found == params_.end()) return json();
  used_.insert(found->first);
  return scalar(shape, key, found->second);
}

core::Result<json> Decoder::list(const ModelJson& shape, const std::string& key) {
  const ModelJson& item_ref = shape["member"];
  const ModelJson& item_shape = shape_of(item_ref);
  std::string item_prefix = key + "." + wire_name(item_ref, item_shape, "member") + ".";
  // The items' numbers, from the names under item_prefix.
  std::map<unsigned long, std::string> items;  // N -> its key
  for (auto it = params_.lower_bound(item_prefix);
       it != params_.end() && it->first.compare(0, item_prefix.size(), item_prefix) == 0; ++it) {
    std::string_view rest = std::string_view(it->first).substr(item_prefix.size());
    std::string_view digits = rest.substr(0, rest.find('.'));
    unsigned long n = 0;
    auto r = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (digits.empty() || digits[0] == '0' || r.ec != std::errc() ||
        r.ptr != digits.data() + digits.size())
      return invalid_query("Parameter " + shown(it->first) + ": a list item's number (" +
                           item_prefix + "N) must be a whole number from 1");
    items.emplace(n, item_prefix + std::string(digits));
  }
  auto empty = params_.find(key);
  if (empty != params_.end()) {
    if (!empty->second.empty())
      return invalid_query("Parameter " + key + " is a list: its items are " + item_prefix + "1, " +
                           item_prefix + "2, ... (" + key + "= alone is an empty list)");
    used_.insert(empty->first);
  }
  if (items.empty()) return empty != params_.end() ? json::array() : json();
  json out = json::array();
  unsigned long expected = 1;
  for (const auto& [n, item_key] : items) {
    if (n != expected)
      return invalid_query("Parameter " + item_prefix + std::to_string(expected) +
                           " is missing: list items are numbered from 1 without gaps");
    ++expected;
    auto v = value(item_shape, item_key);
    if (!v) return v;
    // An item given only by unknown sub-names: left for the unknown-parameter check.
    if (v->is_null()) continue;
    out.push_back(std::move(*v));
  }
  return out;
}

core::Result<json> Decoder::scalar(const ModelJson& shape, const std::string& key,
                                   const std::string& text) {
  const std::string type = shape.value("type", "string");
  auto wrong = [&](const std::string& what) -> core::ApiError {
    return core::invalid_value("Value '" + shown(text) + "' for parameter " + key + " is not " +
                               what + ".");
  };
  if (type == "integer" || type == "long") {
    long long n = 0;
    const char* end = text.data() + text.size();
    auto r = std::from_chars(text.data(), end, n);
    if (text.empty() || r.ptr != end ||
        (r.ec != std::errc() && r.ec != std::errc::result_out_of_range))
      return wrong("an integer");
    cli::IntRange range = cli::int_range(type);
    if (r.ec == std::errc::result_out_of_range || n < range.min || n > range.max)
      return wrong(std::string("a ") + range.what + " (" + std::to_string(range.min) + " to " +
                   std::to_string(range.max) + ")");
    return json(n);
  }
  if (type == "boolean") {
    std::string lower;
    for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "true") return json(true);
    if (lower == "false") return json(false);
    return wrong("a boolean (true or false)");
  }
  if (type == "double" || type == "float") {
    char* end = nullptr;
    double d = text.empty() ? 0 : std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(d) ||
        std::isspace(static_cast<unsigned char>(text[0])))
      return wrong("a number");
    return json(d);
  }
  if (type == "timestamp") {
    if (!core::parse_iso8601(text)) return wrong("an ISO 8601 timestamp");
    return json(text);
  }
  return json(text);
}

}  // namespace

core::Status parse_form(std::string_view text, FormParams& params) {
  for (auto [raw_name, raw_value] : query_pairs(text)) {
    auto name = form_decoded(raw_name);
    if (!name) return name.error();
    auto value = form_decoded(raw_value);
    if (!value) return value.error();
    if (name->empty())
      return malformed("A parameter has no name: '" + shown(raw_name) + "=" + shown(raw_value) +
                       "'");
    if (!params.emplace(*name, std::move(*value)).second)
      return malformed("Parameter " + shown(*name) + " is given more than once");
  }
  return std::nullopt;
}

core::Result<json> decode_members(const FormParams& params, const ModelJson& input_shape,
                                  const std::string& operation) {
  Decoder decoder(params);
  auto request = decoder.structure(input_shape, "");
  if (!request) return request;
  if (decoder.used().size() != params.size()) {
    for (const auto& [name, value] : params)
      if (!decoder.used().count(name))
        return invalid_query(operation + " has no parameter " + shown(name) + ".");
  }
  return request;
}

core::Result<json> decode_request(const FormParams& params, const ModelJson& input_shape,
                                  const std::string& operation) {
  auto request = decode_members(params, input_shape, operation);
  if (!request) return request;
  for (const auto& r : input_shape.value("required", ModelJson::array()))
    if (!request->contains(r.get<std::string>()))
      return core::ApiError{"MissingParameter",
                            "The request must contain the parameter " + r.get<std::string>() + "."};
  std::vector<std::string> problems = cli::validate_request(*request, input_shape);
  if (!problems.empty()) {
    bool missing = problems[0].rfind("Missing required parameter", 0) == 0;
    std::string message = problems[0];
    for (std::size_t i = 1; i < problems.size(); ++i) message += "; " + problems[i];
    return core::ApiError{missing ? "MissingParameter" : "InvalidParameterValue", message};
  }
  return request;
}

}  // namespace cachectl::serve
