#include "cli/format_yaml.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "cli/unicode_text.h"

namespace cachectl::cli {
namespace {

using ordered = nlohmann::ordered_json;

constexpr long kBestIndent = 2;
constexpr long kBestWidth = 80;

bool is_break(char32_t c) { return c == U'\n' || c == U'\x85' || c == U'\u2028' || c == U'\u2029'; }
bool is_space_or_break(char32_t c) {
  return c == 0 || c == U' ' || c == U'\t' || c == U'\r' || is_break(c);
}
bool in(char32_t c, std::u32string_view set) { return set.find(c) != std::u32string_view::npos; }

// Would a YAML 1.1 reader (PyYAML's implicit resolvers) read this plain
// scalar as something other than a string?
bool resolves_to_non_string(const std::string& v) {
  static const std::regex kBool(
      "yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF");
  static const std::regex kFloat(
      "[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
      "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)");
  static const std::regex kInt(
      "[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
      "|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+");
  static const std::regex kNull("~|null|Null|NULL|");
  static const std::regex kTimestamp(
      "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
      "|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ "
      "\\t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9]"
      "(?:\\.[0-9]*)?(?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?");
  // PyYAML picks resolvers by the first character; the same sets here.
  char first = v.empty() ? '\0' : v[0];
  auto starts = [&](const char* set) {
    return first != '\0' && std::string_view(set).find(first) != std::string_view::npos;
  };
  if (v.empty()) return true;  // null
  if (starts("yYnNtTfFoO") && std::regex_match(v, kBool)) return true;
  if (starts("-+0123456789.") && std::regex_match(v, kFloat)) return true;
  if (starts("-+0123456789") && std::regex_match(v, kInt)) return true;
  if (v == "<<" || v == "=" || v == "!" || v == "&" || v == "*") return true;  // merge, value, yaml
  if (starts("~nN") && std::regex_match(v, kNull)) return true;
  if (starts("0123456789") && std::regex_match(v, kTimestamp)) return true;
  return false;
}

struct Analysis {
  bool empty = false;
  bool multiline = false;
  bool allow_flow_plain = true;
  bool allow_block_plain = true;
  bool allow_single_quoted = true;
  bool allow_double_quoted = true;
};

// PyYAML's Emitter.analyze_scalar (allow_unicode=True).
Analysis analyze(const std::u32string& s) {
  Analysis a;
  if (s.empty()) {
    a.empty = true;
    a.allow_flow_plain = false;
    return a;
  }
  bool block_indicators = false, flow_indicators = false, line_breaks = false, special = false;
  bool leading_space = false, leading_break = false, trailing_space = false, trailing_break = false;
  bool break_space = false, space_break = false;
  if (s.rfind(U"---", 0) == 0 || s.rfind(U"...", 0) == 0) block_indicators = flow_indicators = true;
  bool preceded_by_whitespace = true;
  bool followed_by_whitespace = s.size() == 1 || is_space_or_break(s[1]);
  bool previous_space = false, previous_break = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char32_t ch = s[i];
    if (i == 0) {
      if (in(ch, U"#,[]{}&*!|>'\"%@`")) flow_indicators = block_indicators = true;
      if (ch == U'?' || ch == U':') {
        flow_indicators = true;
        if (followed_by_whitespace) block_indicators = true;
      }
      if (ch == U'-' && followed_by_whitespace) flow_indicators = block_indicators = true;
    } else {
      if (in(ch, U",?[]{}")) flow_indicators = true;
      if (ch == U':') {
        flow_indicators = true;
        if (followed_by_whitespace) block_indicators = true;
      }
      if (ch == U'#' && preceded_by_whitespace) flow_indicators = block_indicators = true;
    }
    if (is_break(ch)) line_breaks = true;
    if (!(ch == U'\n' || (ch >= 0x20 && ch <= 0x7E))) {
      bool printable = ch == 0x85 || (ch >= 0xA0 && ch <= 0xD7FF) ||
                       (ch >= 0xE000 && ch <= 0xFFFD) || (ch >= 0x10000 && ch < 0x10FFFF);
      if (!printable || ch == 0xFEFF) special = true;
    }
    if (ch == U' ') {
      if (i == 0) leading_space = true;
      if (i == s.size() - 1) trailing_space = true;
      if (previous_break) break_space = true;
      previous_space = true;
      previous_break = false;
    } else if (is_break(ch)) {
      if (i == 0) leading_break = true;
      if (i == s.size() - 1) trailing_break = true;
      if (previous_space) space_break = true;
      previous_space = false;
      previous_break = true;
    } else {
      previous_space = previous_break = false;
    }
    preceded_by_whitespace = is_space_or_break(ch);
    followed_by_whitespace = i + 2 >= s.size() || is_space_or_break(s[i + 2]);
  }
  if (leading_space || leading_break || trailing_space || trailing_break)
    a.allow_flow_plain = a.allow_block_plain = false;
  if (break_space) a.allow_flow_plain = a.allow_block_plain = a.allow_single_quoted = false;
  if (space_break || special)
    a.allow_flow_plain = a.allow_block_plain = a.allow_single_quoted = false;
  if (line_breaks) {
    a.allow_flow_plain = a.allow_block_plain = false;
    a.multiline = true;
  }
  if (flow_indicators) a.allow_flow_plain = false;
  if (block_indicators) a.allow_block_plain = false;
  return a;
}

// PyYAML's Emitter, reduced to what safe_dump of JSON data in block style
// reaches: no anchors, no tags, no block scalars; flow style only for empty
// collections. The state machine becomes recursion; the column bookkeeping
// (which decides line folding) is kept exactly.
class Emitter {
 public:
  explicit Emitter(std::ostream& out) : out_(out) {}

  void document(const ordered& root) {
    node(root, {.root = true});
    write_indent();     // document end
    if (open_ended_) {  // stream end after an open-ended plain scalar
      write_indicator(U"...", true);
      write_indent();
    }
  }

 private:
  struct Context {
    bool root = false;
    bool sequence = false;
    bool mapping = false;
    bool simple_key = false;
  };

  void node(const ordered& v, Context ctx) {
    ctx_ = ctx;
    if (v.is_array()) {
      if (v.empty()) return empty_collection(U"[", U"]");
      block_sequence(v);
    } else if (v.is_object()) {
      if (v.empty()) return empty_collection(U"{", U"}");
      block_mapping(v);
    } else {
      scalar(v);
    }
  }

  void empty_collection(std::u32string_view open, std::u32string_view close) {
    write_indicator(open, true, true);
    increase_indent(true, false);
    indent_ = pop_indent();
    write_indicator(close, false);
  }

  void block_sequence(const ordered& v) {
    bool indentless = ctx_.mapping && !indention_;
    increase_indent(false, indentless);
    for (const ordered& item : v) {
      write_indent();
      write_indicator(U"-", true, false, true);
      node(item, {.sequence = true});
    }
    indent_ = pop_indent();
  }

  void block_mapping(const ordered& v) {
    increase_indent(false, false);
    std::vector<std::string> keys;
    for (auto it = v.begin(); it != v.end(); ++it) keys.push_back(it.key());
    std::sort(keys.begin(), keys.end());
    for (const auto& key : keys) {
      write_indent();
      std::u32string k = decode_utf8(key);
      Analysis a = analyze(k);
      bool simple = k.size() < 128 && !a.empty && !a.multiline;
      if (simple) {
        node(ordered(key), {.mapping = true, .simple_key = true});
        write_indicator(U":", false);
      } else {
        write_indicator(U"?", true, false, true);
        node(ordered(key), {.mapping = true});
        write_indent();
        write_indicator(U":", true, false, true);
      }
      node(v[key], {.mapping = true});
    }
    indent_ = pop_indent();
  }

  void scalar(const ordered& v) {
    increase_indent(true, false);
    bool split = !ctx_.simple_key;
    if (!v.is_string()) {
      write_plain(decode_utf8(plain_text_of(v)), split);
    } else {
      const std::string& text = v.get_ref<const std::string&>();
      std::u32string s = decode_utf8(text);
      Analysis a = analyze(s);
      bool implicit_plain = !resolves_to_non_string(text);
      if (implicit_plain && !(ctx_.simple_key && (a.empty || a.multiline)) && a.allow_block_plain) {
        write_plain(s, split);
      } else if (a.allow_single_quoted && !(ctx_.simple_key && a.multiline)) {
        write_single_quoted(s, split);
      } else {
        write_double_quoted(s, split);
      }
    }
    indent_ = pop_indent();
  }

  static std::string plain_text_of(const ordered& v) {
    if (v.is_null()) return "null";
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    std::string text = v.dump();
    // Python's repr(float), lowered, with ".0" before a bare exponent.
    if (v.is_number_float() && text.find('.') == std::string::npos &&
        text.find('e') != std::string::npos)
      text.insert(text.find('e'), ".0");
    return text;
  }

  void increase_indent(bool flow, bool indentless) {
    indents_.push_back(indent_);
    if (!indent_) {
      indent_ = flow ? kBestIndent : 0;
    } else if (!indentless) {
      *indent_ += kBestIndent;
    }
  }
  std::optional<long> pop_indent() {
    std::optional<long> top = indents_.back();
    indents_.pop_back();
    return top;
  }

  void write(std::u32string_view data) {
    column_ += static_cast<long>(data.size());
    out_ << encode_utf8(data);
  }

  void write_indicator(std::u32string_view indicator, bool need_whitespace, bool whitespace = false,
                       bool indention = false) {
    if (!whitespace_ && need_whitespace) write(U" ");
    write(indicator);
    whitespace_ = whitespace;
    indention_ = indention_ && indention;
    open_ended_ = false;
  }

  void write_indent() {
    long indent = indent_.value_or(0);
    if (!indention_ || column_ > indent || (column_ == indent && !whitespace_)) write_line_break();
    if (column_ < indent) {
      whitespace_ = true;
      write(std::u32string(static_cast<std::size_t>(indent - column_), U' '));
    }
  }

  void write_line_break(char32_t br = U'\n') {
    whitespace_ = true;
    indention_ = true;
    out_ << encode_utf8(std::u32string(1, br));
    column_ = 0;
  }

  void write_breaks(std::u32string_view breaks) {
    if (breaks.front() == U'\n') write_line_break();
    for (char32_t br : breaks) write_line_break(br);
  }

  void write_plain(const std::u32string& text, bool split) {
    if (ctx_.root) open_ended_ = true;
    if (text.empty()) return;
    if (!whitespace_) write(U" ");
    whitespace_ = indention_ = false;
    bool spaces = false, breaks = false;
    std::size_t start = 0;
    for (std::size_t end = 0; end <= text.size(); ++end) {
      std::optional<char32_t> ch;
      if (end < text.size()) ch = text[end];
      if (spaces) {
        if (ch != U' ') {
          if (start + 1 == end && column_ > kBestWidth && split) {
            write_indent();
            whitespace_ = indention_ = false;
          } else {
            write(std::u32string_view(text).substr(start, end - start));
          }
          start = end;
        }
      } else if (breaks) {
        if (!ch || !is_break(*ch)) {
          write_breaks(std::u32string_view(text).substr(start, end - start));
          write_indent();
          whitespace_ = indention_ = false;
          start = end;
        }
      } else if (!ch || *ch == U' ' || is_break(*ch)) {
        write(std::u32string_view(text).substr(start, end - start));
        start = end;
      }
      if (ch) {
        spaces = *ch == U' ';
        breaks = is_break(*ch);
      }
    }
  }

  void write_single_quoted(const std::u32string& text, bool split) {
    write_indicator(U"'", true);
    bool spaces = false, breaks = false;
    std::size_t start = 0;
    for (std::size_t end = 0; end <= text.size(); ++end) {
      std::optional<char32_t> ch;
      if (end < text.size()) ch = text[end];
      if (spaces) {
        if (!ch || *ch != U' ') {
          if (start + 1 == end && column_ > kBestWidth && split && start != 0 &&
              end != text.size()) {
            write_indent();
          } else {
            write(std::u32string_view(text).substr(start, end - start));
          }
          start = end;
        }
      } else if (breaks) {
        if (!ch || !is_break(*ch)) {
          write_breaks(std::u32string_view(text).substr(start, end - start));
          write_indent();
          start = end;
        }
      } else if (!ch || *ch == U' ' || is_break(*ch) || *ch == U'\'') {
        if (start < end) {
          write(std::u32string_view(text).substr(start, end - start));
          start = end;
        }
      }
      if (ch == U'\'') {
        write(U"''");
        start = end + 1;
      }
      if (ch) {
        spaces = *ch == U' ';
        breaks = is_break(*ch);
      }
    }
    write_indicator(U"'", false);
  }

  static std::u32string escape(char32_t ch) {
    static const std::pair<char32_t, char> kShort[] = {
        {0, '0'},      {0x07, 'a'}, {0x08, 'b'}, {0x09, 't'},   {0x0A, 'n'},
        {0x0B, 'v'},   {0x0C, 'f'}, {0x0D, 'r'}, {0x1B, 'e'},   {U'"', '"'},
        {U'\\', '\\'}, {0x85, 'N'}, {0xA0, '_'}, {0x2028, 'L'}, {0x2029, 'P'}};
    for (const auto& [c, e] : kShort)
      if (c == ch) return std::u32string{U'\\', static_cast<char32_t>(e)};
    char buf[16];
    if (ch <= 0xFF) {
      std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(ch));
    } else if (ch <= 0xFFFF) {
      std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(ch));
    } else {
      std::snprintf(buf, sizeof buf, "\\U%08X", static_cast<unsigned>(ch));
    }
    return decode_utf8(buf);
  }

  void write_double_quoted(const std::u32string& text, bool split) {
    write_indicator(U"\"", true);
    std::size_t start = 0;
    for (std::size_t end = 0; end <= text.size(); ++end) {
      std::optional<char32_t> ch;
      if (end < text.size()) ch = text[end];
      bool needs_escape = ch && (in(*ch, U"\"\\\x85\u2028\u2029\uFEFF") ||
                                 !((*ch >= 0x20 && *ch <= 0x7E) || (*ch >= 0xA0 && *ch <= 0xD7FF) ||
                                   (*ch >= 0xE000 && *ch <= 0xFFFD)));
      if (!ch || needs_escape) {
        if (start < end) {
          write(std::u32string_view(text).substr(start, end - start));
          start = end;
        }
        if (ch) {
          write(escape(*ch));
          start = end + 1;
        }
      }
      if (end > 0 && end + 1 < text.size() && (ch == U' ' || start >= end) &&
          column_ + static_cast<long>(end - start) > kBestWidth && split) {
        std::u32string data = text.substr(start, end > start ? end - start : 0) + U"\\";
        if (start < end) start = end;
        write(data);
        write_indent();
        whitespace_ = indention_ = false;
        if (text[start] == U' ') write(U"\\");
      }
    }
    write_indicator(U"\"", false);
  }

  std::ostream& out_;
  Context ctx_;
  std::optional<long> indent_;
  std::vector<std::optional<long>> indents_;
  long column_ = 0;
  bool whitespace_ = true;
  bool indention_ = true;
  bool open_ended_ = false;
};

}  // namespace

void format_yaml(const ordered& document, std::ostream& out) { Emitter(out).document(document); }

}  // namespace cachectl::cli
