#include "cli/shorthand.h"

#include <optional>
#include <utility>

#include "cli/unicode_text.h"

namespace cachectl::cli::shorthand {
namespace {

using ordered = nlohmann::ordered_json;

// The grammar's character classes are Python regex classes over code points,
// so the text is decoded first. A byte that is not valid UTF-8 becomes
// U+DC80+byte, as Python's surrogateescape gives it to aws-cli (and it goes
// back to the same byte on the way out).
std::u32string decode(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    Utf8Step step = decode_utf8_at(s, i);
    if (step.length == 0) {
      out.push_back(0xDC00 + static_cast<unsigned char>(s[i]));
      ++i;
      continue;
    }
    out.push_back(step.code_point);
    i += step.length;
  }
  return out;
}

std::string encode(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) {
    if (c >= 0xDC80 && c <= 0xDCFF) {
      out.push_back(static_cast<char>(c - 0xDC00));
    } else {
      append_utf8(out, c);
    }
  }
  return out;
}

// Python's str.isspace() (and the regex \s): what rstrip() drops and what a
// word may contain.
bool unicode_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x3000;
}

// Python's string.whitespace: what is skipped between tokens.
bool ascii_space(char32_t c) { return c == ' ' || (c >= 0x09 && c <= 0x0D); }

bool in(char32_t c, char32_t lo, char32_t hi) { return c >= lo && c <= hi; }

// The first character of a word: no whitespace or control character, no
// quote, ',', '=', '[' or '{', and nothing beyond the BMP (as aws-cli's
// classes, which end at U+FFFF).
bool word_start(char32_t c) {
  return c == '!' || in(c, '#', '&') || in(c, '(', '+') || in(c, '-', '<') || in(c, '>', 'Z') ||
         in(c, '\\', 'z') || in(c, '|', 0xFFFF);
}

// The rest of a word written first (a key's value, an element of [ ] or a
// member of { }): whitespace, '=', '[', '{' allowed; ',', ']', '}' end it.
bool first_follow(char32_t c) {
  return unicode_space(c) || c == '!' || in(c, '#', '&') || in(c, '(', '+') || in(c, '-', '\\') ||
         in(c, '^', '|') || in(c, '~', 0xFFFF);
}

// The rest of a later word of a csv-list (a=b,WORD): '=' ends it, so that
// "a=b,c=d" is two keys; ']' and '}' do not.
bool second_follow(char32_t c) {
  return unicode_space(c) || c == '!' || in(c, '#', '&') || in(c, '(', '+') || in(c, '-', '<') ||
         in(c, '>', 0xFFFF);
}

bool key_char(char32_t c) {
  return in(c, 'a', 'z') || in(c, 'A', 'Z') || in(c, '0', '9') || c == '-' || c == '_' ||
         c == '.' || c == '#' || c == '/' || c == ':';
}

std::u32string replace_all(std::u32string s, std::u32string_view from, std::u32string_view to) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    if (s.compare(i, from.size(), from) == 0) {
      out += to;
      i += from.size();
    } else {
      out.push_back(s[i++]);
    }
  }
  return out;
}

std::u32string rstrip(std::u32string s) {
  while (!s.empty() && unicode_space(s.back())) s.pop_back();
  return s;
}

enum class Failure { kNone, kSyntax, kOther };

class Parser {
 public:
  Parser(std::string_view text, const ParamfileReader& reader)
      : s_(decode(text)), reader_(reader) {}

  core::Result<ordered> run() {
    std::optional<ordered> v = parameter();
    if (!v) return core::ApiError{kShorthandError, message_};
    return std::move(*v);
  }

 private:
  static constexpr char32_t kEof = 0xFFFFFFFF;

  bool eof() const { return i_ >= s_.size(); }
  char32_t current() const { return eof() ? kEof : s_[i_]; }
  void skip_space() {
    while (!eof() && ascii_space(s_[i_])) ++i_;
  }

  // aws-cli's message: the input with a caret under where parsing stopped.
  std::string location(std::size_t at) const {
    std::u32string_view all(s_);
    std::size_t spaces = at;
    std::u32string_view consumed = all, remaining;
    std::size_t last_nl = all.substr(0, at).rfind(U'\n');
    if (last_nl != std::u32string_view::npos) spaces = at - last_nl - 1;
    std::size_t next_nl = at < all.size() ? all.find(U'\n', at) : std::u32string_view::npos;
    if (next_nl != std::u32string_view::npos) {
      consumed = all.substr(0, next_nl);
      remaining = all.substr(next_nl);
    }
    return encode(consumed) + "\n" + std::string(spaces, ' ') + "^" + encode(remaining);
  }

  void syntax_error(const std::string& expected, const std::string& actual) {
    failure_ = Failure::kSyntax;
    message_ =
        "Expected: '" + expected + "', received: '" + actual + "' for input:\n" + location(i_);
  }
  void other_error(std::string message) {
    failure_ = Failure::kOther;
    message_ = std::move(message);
  }

  bool expect(char32_t c, bool space = false) {
    if (space) skip_space();
    if (eof()) {
      syntax_error(encode(std::u32string(1, c)), "EOF");
      return false;
    }
    if (s_[i_] != c) {
      syntax_error(encode(std::u32string(1, c)), encode(std::u32string(1, s_[i_])));
      return false;
    }
    ++i_;
    if (space) skip_space();
    return true;
  }

  // A word: (\, | first-char) (\, | follow-char)*, taken greedily.
  template <class Follow>
  std::optional<std::u32string> word(Follow follow) {
    std::size_t j = i_;
    auto step = [&](bool first) {
      if (j + 1 < s_.size() && s_[j] == '\\' && s_[j + 1] == ',') {
        j += 2;
        return true;
      }
      if (j < s_.size() && (first ? word_start(s_[j]) : follow(s_[j]))) {
        ++j;
        return true;
      }
      return false;
    };
    if (!step(true)) return std::nullopt;
    while (step(false)) {
    }
    std::u32string w = s_.substr(i_, j - i_);
    i_ = j;
    return rstrip(replace_all(std::move(w), U"\\,", U","));
  }

  // 'text' or "text": \q is an escaped quote. Like aws-cli's regex
  // q(?:\\q|[^q])*q, an unterminated value closes at the last \q if any.
  std::optional<std::u32string> quoted(char32_t q) {
    std::size_t j = i_ + 1, close = std::u32string::npos, last_escape = std::u32string::npos;
    while (j < s_.size()) {
      if (s_[j] == '\\' && j + 1 < s_.size() && s_[j + 1] == q) {
        last_escape = j + 1;
        j += 2;
      } else if (s_[j] == q) {
        close = j;
        break;
      } else {
        ++j;
      }
    }
    if (close == std::u32string::npos) close = last_escape;
    if (close == std::u32string::npos) {
      syntax_error(q == '\'' ? "<singled quoted>" : "<double quoted>", "<none>");
      return std::nullopt;
    }
    std::u32string v = s_.substr(i_ + 1, close - i_ - 1);
    i_ = close + 1;
    const char32_t escaped[] = {'\\', q, 0};
    v = replace_all(std::move(v), escaped, std::u32string(1, q));
    return replace_all(std::move(v), U"\\\\", U"\\");
  }

  std::optional<ordered> resolved(std::u32string v) {
    std::string text = encode(v);
    if (!resolve_ || !reader_) return ordered(std::move(text));
    core::Result<std::string> r = reader_(text);
    if (!r) {
      other_error(r.error().message);
      return std::nullopt;
    }
    return ordered(std::move(*r));
  }

  std::optional<ordered> first_value() {
    if (current() == '\'' || current() == '"') {
      auto q = quoted(current());
      if (!q) return std::nullopt;
      return resolved(std::move(*q));
    }
    auto w = word(first_follow);
    if (!w) return ordered("");  // nothing there: an empty value, never read as a file
    return resolved(std::move(*w));
  }

  std::optional<ordered> second_value() {
    if (current() == '\'' || current() == '"') {
      auto q = quoted(current());
      if (!q) return std::nullopt;
      return resolved(std::move(*q));
    }
    auto w = word(second_follow);
    if (!w) {
      syntax_error("<second>", "<none>");
      return std::nullopt;
    }
    return resolved(std::move(*w));
  }

  std::u32string key() {
    std::size_t start = i_;
    while (!eof() && key_char(s_[i_])) ++i_;
    return s_.substr(start, i_ - start);
  }

  // "@" before "=" asks for file:// values to be read.
  bool assignment() {
    resolve_ = false;
    skip_space();
    if (current() == '@') {
      ++i_;
      skip_space();
      resolve_ = true;
    }
    return expect('=', true);
  }

  bool deeper() {
    if (++depth_ <= kMaxDepth) return true;
    other_error("Nesting deeper than " + std::to_string(kMaxDepth) +
                " levels of [ ] and { } for input:\n" + location(i_));
    return false;
  }

  std::optional<ordered> explicit_value() {
    if (current() == '[') return explicit_list();
    if (current() == '{') return hash_literal();
    return first_value();
  }

  std::optional<ordered> explicit_list() {
    if (!deeper() || !expect('[', true)) return std::nullopt;
    ordered values = ordered::array();
    while (current() != ']') {
      auto v = explicit_value();
      if (!v) return std::nullopt;
      values.push_back(std::move(*v));
      skip_space();
      if (current() != ']') {
        if (!expect(',')) return std::nullopt;
        skip_space();
      }
    }
    if (!expect(']')) return std::nullopt;
    --depth_;
    return values;
  }

  std::optional<ordered> hash_literal() {
    if (!deeper() || !expect('{', true)) return std::nullopt;
    ordered members = ordered::object();
    while (current() != '}') {
      std::string k = encode(key());
      if (!assignment()) return std::nullopt;
      auto v = explicit_value();
      if (!v) return std::nullopt;
      skip_space();
      if (current() != '}') {
        if (!expect(',')) return std::nullopt;
        skip_space();
      }
      members[k] = std::move(*v);  // a repeated key: the last one, in the first one's place
    }
    if (!expect('}')) return std::nullopt;
    --depth_;
    return members;
  }

  // a=b -> "b"; a=b,c -> ["b", "c"]; a=b,c=d -> "b" and the next key.
  std::optional<ordered> csv_value() {
    auto first = first_value();
    if (!first) return std::nullopt;
    skip_space();
    if (eof() || s_[i_] != ',') return first;
    if (!expect(',', true)) return std::nullopt;
    ordered list = ordered::array({*first});
    for (;;) {
      auto next = second_value();
      bool ok = next.has_value();
      if (ok) {
        skip_space();
        if (eof()) {
          list.push_back(std::move(*next));
          break;
        }
        ok = expect(',', true);
        if (ok) list.push_back(std::move(*next));
      }
      if (!ok) {
        if (failure_ != Failure::kSyntax || eof()) return std::nullopt;
        // The word was the next key: back to the comma before it.
        while (i_ > 0 && s_[i_] != ',') --i_;
        failure_ = Failure::kNone;
        message_.clear();
        break;
      }
    }
    if (list.size() == 1) return first;
    return list;
  }

  std::optional<ordered> values() {
    if (eof()) return ordered("");
    if (current() == '[') return explicit_list();
    if (current() == '{') return hash_literal();
    return csv_value();
  }

  std::optional<ordered> parameter() {
    ordered params = ordered::object();
    std::string k = encode(key());
    if (!assignment()) return std::nullopt;
    auto v = values();
    if (!v) return std::nullopt;
    params[k] = std::move(*v);
    std::size_t last = i_;
    while (!eof()) {
      if (!expect(',', true)) return std::nullopt;
      k = encode(key());
      if (!assignment()) return std::nullopt;
      v = values();
      if (!v) return std::nullopt;
      if (params.contains(k)) {
        other_error("Second instance of key \"" + k + "\" encountered for input:\n" +
                    location(last + 1) +
                    "\nThis is often because there is a preceding \",\" instead of a space.");
        return std::nullopt;
      }
      params[k] = std::move(*v);
      last = i_;
    }
    return params;
  }

  std::u32string s_;
  const ParamfileReader& reader_;
  std::size_t i_ = 0;
  std::size_t depth_ = 0;
  bool resolve_ = false;
  Failure failure_ = Failure::kNone;
  std::string message_;
};

}  // namespace

core::Result<ordered> parse(std::string_view text, const ParamfileReader& read_paramfile) {
  return Parser(text, read_paramfile).run();
}

}  // namespace cachectl::cli::shorthand
