#include "cli/format_text.h"

#include <algorithm>
#include <optional>
#include <set>
#include <vector>

#include "cli/unicode_text.h"

namespace cachectl::cli {
namespace {

using ordered = nlohmann::ordered_json;

bool is_container(const ordered& v) { return v.is_object() || v.is_array(); }

// Python's str.upper() for the scripts member names are written in: ASCII,
// Latin-1, Greek and Cyrillic (API names are ASCII; map keys may not be).
std::string upper(const std::string& s) {
  std::u32string out;
  for (char32_t c : decode_utf8(s)) {
    if (c >= U'a' && c <= U'z') {
      c -= 0x20;
    } else if (c == 0xDF) {  // sharp s
      out += U"SS";
      continue;
    } else if (c >= 0xE0 && c <= 0xFE && c != 0xF7) {
      c -= 0x20;
    } else if (c == 0xFF) {
      c = 0x178;
    } else if (c == 0xB5) {  // micro sign: Greek capital mu
      c = 0x39C;
    } else if (c == 0x3C2) {  // final sigma
      c = 0x3A3;
    } else if (c >= 0x3B1 && c <= 0x3C9) {
      c -= 0x20;
    } else if (c >= 0x430 && c <= 0x44F) {
      c -= 0x20;
    } else if (c >= 0x450 && c <= 0x45F) {
      c -= 0x50;
    }
    out.push_back(c);
  }
  return encode_utf8(out);
}

// Object members sorted by key, as Python's sorted(dict.items()) gives them.
std::vector<std::pair<std::string, const ordered*>> sorted_members(const ordered& object) {
  std::vector<std::pair<std::string, const ordered*>> members;
  for (auto it = object.begin(); it != object.end(); ++it)
    members.emplace_back(it.key(), &it.value());
  std::sort(members.begin(), members.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return members;
}

void write_line(std::ostream& out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) out << (i ? "\t" : "") << fields[i];
  out << '\n';
}

void format_value(const ordered& item, std::ostream& out,
                  const std::optional<std::string>& identifier,
                  const std::vector<std::string>* scalar_keys);

void format_scalar_list(const std::vector<const ordered*>& elements,
                        const std::optional<std::string>& identifier, std::ostream& out) {
  if (identifier) {
    for (const ordered* e : elements) out << upper(*identifier) << '\t' << scalar_text(*e) << '\n';
    return;
  }
  std::vector<std::string> fields;
  for (const ordered* e : elements) fields.push_back(scalar_text(*e));
  write_line(out, fields);
}

void format_list(const ordered& list, const std::optional<std::string>& identifier,
                 std::ostream& out) {
  if (list.empty()) return;
  bool any_object =
      std::any_of(list.begin(), list.end(), [](const ordered& e) { return e.is_object(); });
  bool any_list =
      std::any_of(list.begin(), list.end(), [](const ordered& e) { return e.is_array(); });
  if (any_object) {
    // One column order for every record: the union of their scalar keys.
    std::set<std::string> keys;
    for (const ordered& e : list)
      if (e.is_object())
        for (auto it = e.begin(); it != e.end(); ++it)
          if (!is_container(it.value())) keys.insert(it.key());
    std::vector<std::string> all_keys(keys.begin(), keys.end());
    for (const ordered& e : list) format_value(e, out, identifier, &all_keys);
    return;
  }
  std::vector<const ordered*> scalars;
  for (const ordered& e : list)
    if (!is_container(e)) scalars.push_back(&e);
  if (any_list) {
    if (!scalars.empty()) format_scalar_list(scalars, identifier, out);
    for (const ordered& e : list)
      if (is_container(e)) format_value(e, out, identifier, nullptr);
    return;
  }
  format_scalar_list(scalars, identifier, out);
}

void format_object(const ordered& object, const std::optional<std::string>& identifier,
                   const std::vector<std::string>* scalar_keys, std::ostream& out) {
  std::vector<std::string> scalars;
  std::vector<std::pair<std::string, const ordered*>> nested;
  if (!scalar_keys) {
    for (const auto& [key, value] : sorted_members(object)) {
      if (is_container(*value)) {
        nested.emplace_back(key, value);
      } else {
        scalars.push_back(scalar_text(*value));
      }
    }
  } else {
    // A record of a list: every column of the list, '' where this record
    // has no such key, then its other members.
    for (const auto& key : *scalar_keys) {
      auto it = object.find(key);
      scalars.push_back(it == object.end() ? "" : scalar_text(*it));
    }
    for (const auto& [key, value] : sorted_members(object))
      if (!std::binary_search(scalar_keys->begin(), scalar_keys->end(), key))
        nested.emplace_back(key, value);
  }
  if (!scalars.empty()) {
    if (identifier) scalars.insert(scalars.begin(), upper(*identifier));
    write_line(out, scalars);
  }
  for (const auto& [key, value] : nested) format_value(*value, out, key, nullptr);
}

void format_value(const ordered& item, std::ostream& out,
                  const std::optional<std::string>& identifier,
                  const std::vector<std::string>* scalar_keys) {
  if (item.is_object()) {
    format_object(item, identifier, scalar_keys, out);
  } else if (item.is_array()) {
    format_list(item, identifier, out);
  } else {
    out << scalar_text(item) << '\n';
  }
}

}  // namespace

std::string scalar_text(const ordered& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "True" : "False";
  if (value.is_null()) return "None";
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void format_text(const ordered& document, std::ostream& out) {
  format_value(document, out, std::nullopt, nullptr);
}

}  // namespace cachectl::cli
