#include "core/toml_input.h"

#include <cstdint>

namespace cachectl::core {
namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

// Length of the well-formed UTF-8 sequence at s[i] (its code point in *cp),
// or 0: overlong forms, surrogates and values past U+10FFFF are not UTF-8.
std::size_t utf8_at(std::string_view s, std::size_t i, std::uint32_t* cp) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  unsigned char lead = b(0);
  std::size_t n = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
  if (n == 0 || lead > 0xF4 || i + n > s.size()) return 0;
  std::uint32_t v = lead & (0x7F >> n);
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    v = (v << 6) | (b(k) & 0x3F);
  }
  static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (v < kMin[n] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return n;
}

void append_escape(std::string& out, std::uint32_t cp) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  int digits = cp > 0xFFFF ? 8 : 4;
  out += digits == 8 ? "\\U" : "\\u";
  for (int k = digits - 1; k >= 0; --k) out += kHex[(cp >> (4 * k)) & 0xF];
}

// A date whose 'T' (or 't') is not followed by a digit, starting at s[i].
bool date_without_time(std::string_view s, std::size_t i) {
  if (i + 10 >= s.size() || s[i + 4] != '-' || s[i + 7] != '-') return false;
  for (std::size_t k : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!digit(s[i + k])) return false;
  char sep = s[i + 10];
  return (sep == 'T' || sep == 't') && (i + 11 >= s.size() || !digit(s[i + 11]));
}

class Preparer {
 public:
  Preparer(std::string_view s, std::size_t limit) : s_(s), limit_(limit) {
    out_.text.reserve(s.size() + s.size() / 8);
  }

  PreparedToml run() {
    std::size_t depth = 0, dots = 0;
    while (i_ < s_.size() && out_.ok()) {
      char c = s_[i_];
      if (c == '#') {
        comment();
        continue;
      }
      if (c == '"' || c == '\'') {
        string(c);
        continue;
      }
      if (static_cast<unsigned char>(c) >= 0x80) {
        refuse("a non-ASCII character outside a string");
        break;
      }
      if (date_without_time(s_, i_)) {
        refuse("a date-time needs a time after its 'T'");
        break;
      }
      if (c == '\n') {
        ++line_;
        dots = 0;
      } else if (c == '.') {
        ++dots;
      } else if (c == '[' || c == '{') {
        ++depth;
      } else if ((c == ']' || c == '}') && depth > 0) {
        --depth;
      }
      if (dots + depth > limit_) {
        refuse("nested too deeply (more than " + std::to_string(limit_) + " levels)");
        break;
      }
      out_.text += c;
      ++i_;
    }
    if (!out_.ok()) out_.text.clear();
    return std::move(out_);
  }

 private:
  void refuse(std::string why) { out_.problem = "line " + std::to_string(line_) + ": " + why; }

  // A comment means nothing to the records: its non-ASCII characters become '?'.
  void comment() {
    while (i_ < s_.size() && s_[i_] != '\n') {
      if (static_cast<unsigned char>(s_[i_]) < 0x80) {
        out_.text += s_[i_++];
        continue;
      }
      std::uint32_t cp = 0;
      std::size_t n = utf8_at(s_, i_, &cp);
      if (n == 0) return refuse("not UTF-8");
      out_.text += '?';
      i_ += n;
    }
  }

  // Copies the string opened by `quote` at i_ as an ASCII basic string.
  void string(char quote) {
    const bool literal = quote == '\'';
    const std::string_view triple = literal ? "'''" : "\"\"\"";
    const bool multi = s_.substr(i_, 3) == triple;
    out_.text += multi ? "\"\"\"" : "\"";
    i_ += multi ? 3 : 1;
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == quote && (!multi || s_.substr(i_, 3) == triple)) {
        close(quote, multi);
        return;
      }
      if (c == '\n') {
        if (!multi) return;  // unterminated: the parser reports it at this line
        ++line_;
      }
      if (!literal && c == '\\') {
        if (i_ + 1 < s_.size() && static_cast<unsigned char>(s_[i_ + 1]) >= 0x80)
          return refuse("a backslash before a non-ASCII character in a string");
        out_.text += c;
        if (++i_ < s_.size() && s_[i_] != '\n') out_.text += s_[i_++];
        continue;
      }
      if (literal && (c == '\\' || c == '"')) {
        out_.text += '\\';
        out_.text += c;
        ++i_;
        continue;
      }
      if (static_cast<unsigned char>(c) >= 0x80) {
        std::uint32_t cp = 0;
        std::size_t n = utf8_at(s_, i_, &cp);
        if (n == 0) return refuse("not UTF-8");
        append_escape(out_.text, cp);
        i_ += n;
        continue;
      }
      out_.text += c;
      ++i_;
    }
  }

  // The closing quote(s) at i_. A multi-line string may end with one or two
  // quotes of its own before its closing three.
  void close(char quote, bool multi) {
    if (!multi) {
      out_.text += '"';
      ++i_;
      return;
    }
    std::size_t run = 0;
    while (i_ + run < s_.size() && s_[i_ + run] == quote) ++run;
    if (run > 5) return refuse("more than five quotes in a row in a multi-line string");
    for (std::size_t k = 3; k < run; ++k) out_.text += quote == '"' ? "\\\"" : "'";
    out_.text += "\"\"\"";
    i_ += run;
  }

  std::string_view s_;
  std::size_t limit_;
  std::size_t i_ = 0;
  std::size_t line_ = 1;
  PreparedToml out_;
};

}  // namespace

PreparedToml prepare_toml(std::string_view text, std::size_t limit) {
  return Preparer(text, limit).run();
}

std::optional<toml::table> parse_toml_bounded(std::string_view text) {
  PreparedToml prepared = prepare_toml(text);
  if (!prepared.ok()) return std::nullopt;
  try {
    return toml::parse(prepared.text);
  } catch (const toml::parse_error&) {
    return std::nullopt;
  }
}

}  // namespace cachectl::core
