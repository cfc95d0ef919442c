#include "cli/format_table.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "cli/format_text.h"
#include "cli/unicode_text.h"

namespace cachectl::cli {
namespace {

using ordered = nlohmann::ordered_json;
using Row = std::vector<std::string>;

// Sizes are signed: aws-cli's arithmetic goes negative for titles wider than
// their box, and Python's ' ' * -1 is simply empty.
long width_of(const std::string& s) { return static_cast<long>(display_width(s)); }
std::string repeat(const std::string& s, long n) {
  std::string out;
  for (long i = 0; i < n; ++i) out += s;
  return out;
}

struct Section {
  std::string title;
  Row headers;
  std::vector<Row> rows;
  int indent_level = 0;
  std::vector<long> max_widths;

  void add_header(const Row& h) {
    update_max_widths(h);
    headers = h;
  }
  void add_row(Row row) {
    // aws-cli refuses rows of different lengths (a crash); pad them instead.
    std::size_t columns = std::max(max_widths.size(), headers.size());
    if (!rows.empty() || !headers.empty()) {
      if (row.size() < columns) row.resize(columns);
    }
    update_max_widths(row);
    rows.push_back(std::move(row));
  }
  void update_max_widths(const Row& row) {
    if (max_widths.size() < row.size()) max_widths.resize(row.size(), 0);
    for (std::size_t i = 0; i < row.size(); ++i)
      max_widths[i] = std::max(max_widths[i], width_of(row[i]));
  }
  // Column widths scaled to fill max_width exactly (aws-cli's rounding:
  // Python's round() is to even, and so is nearbyint's default mode).
  std::vector<long> column_widths(long padding, long max_width) const {
    std::vector<long> unscaled;
    for (long w : max_widths) unscaled.push_back(w + padding);
    if (unscaled.empty()) return unscaled;
    long sum = 0;
    for (long w : unscaled) sum += w;
    double scale = static_cast<double>(max_width) / static_cast<double>(sum);
    std::vector<long> scaled;
    long total = 0;
    for (long w : unscaled) {
      scaled.push_back(static_cast<long>(std::nearbyint(scale * static_cast<double>(w))));
      total += scaled.back();
    }
    long off_by = total - max_width;
    while (off_by != 0) {
      const long n = static_cast<long>(scaled.size());
      for (long k = 0; k < n && off_by != 0; ++k) {
        long i = off_by > 0 ? k : n - 1 - k;
        if (off_by > 0) {
          --scaled[static_cast<std::size_t>(i)];
          --off_by;
        } else {
          ++scaled[static_cast<std::size_t>(i)];
          ++off_by;
        }
      }
    }
    return scaled;
  }
  long total_width(long padding, long outer_padding) const {
    long total = 0;
    for (long w : max_widths) total += w + padding;
    total += 2 + 2 * outer_padding;
    return std::max(width_of(title) + 2 + 2 * outer_padding, total);
  }
};

class Styler {
 public:
  explicit Styler(bool color) : color_(color) {}
  std::string row_element(const std::string& text) const {
    return color_ ? "\x1b[1m\x1b[34m" + text + "\x1b[0m" : text;
  }
  std::string indentation_char() const { return color_ ? "\x1b[2m\x1b[33m|\x1b[0m" : "|"; }

 private:
  bool color_;
};

std::string center_text(const std::string& text, long length, const std::string& left,
                        const std::string& right, long text_length) {
  long char_start = (length / 2) - (text_length / 2) - 1;
  std::string out = left + repeat(" ", char_start) + text;
  long so_far = width_of(left) + char_start + text_length;
  out += repeat(" ", length - width_of(right) - so_far);
  return out + right;
}

std::string align_left(const std::string& text, long length, const std::string& left,
                       const std::string& right, long text_length) {
  long computed = text_length + 2 + width_of(left) + width_of(right);
  long padding = length - computed >= 0 ? 2 : 0;
  long so_far = static_cast<long>(left.size()) + padding + text_length;
  return left + repeat(" ", padding) + text +
         repeat(" ", length - so_far - static_cast<long>(right.size())) + right;
}

class MultiTable {
 public:
  MultiTable(const TableStyle& style) : style_(style), styler_(style.color) {}

  void new_section(const std::string& title, int indent_level) {
    sections_.emplace_back();
    sections_.back().title = title;
    sections_.back().indent_level = indent_level;
  }
  Section& current() { return sections_.back(); }

  void render(std::ostream& out) {
    long max_width = calculate_max_width();
    if (max_width > static_cast<long>(style_.terminal_width)) {
      convert_to_vertical();
      max_width = calculate_max_width();
    }
    out << repeat("-", max_width) << '\n';
    for (const Section& s : sections_) render_section(s, max_width, out);
  }

 private:
  long calculate_max_width() const {
    long widest = 0;
    for (const Section& s : sections_) widest = std::max(widest, s.total_width(4, s.indent_level));
    return widest;
  }

  // A section of one row becomes one key/value row per column.
  void convert_to_vertical() {
    for (Section& s : sections_) {
      if (s.rows.size() != 1 || s.headers.empty()) continue;
      Section vertical;
      vertical.title = s.title;
      vertical.indent_level = s.indent_level;
      for (std::size_t i = 0; i < s.headers.size() && i < s.rows[0].size(); ++i)
        vertical.add_row({s.headers[i], s.rows[0][i]});
      s = std::move(vertical);
    }
  }

  // aws-cli's IndentedStream: every line framed by one bar per nesting level.
  void write_line(std::ostream& out, int indent, const std::string& line) const {
    std::string bars = repeat(styler_.indentation_char(), indent);
    out << bars << line << bars << '\n';
  }

  void write_line_break(std::ostream& out, int indent, const std::vector<long>& widths) const {
    std::string line;
    for (std::size_t i = 0; i < widths.size(); ++i)
      line += i == 0 ? "+" + repeat("-", widths[i] - 2) + "+" : repeat("-", widths[i] - 1) + "+";
    write_line(out, indent, line);
  }

  void render_section(const Section& s, long max_width, std::ostream& out) const {
    max_width -= s.indent_level * 2;
    if (!s.title.empty()) {
      write_line(out, s.indent_level, center_text(s.title, max_width, "|", "|", width_of(s.title)));
      if (s.headers.empty() && s.rows.empty())
        write_line(out, s.indent_level, "+" + repeat("-", max_width - 2) + "+");
    }
    if (!s.headers.empty()) {
      std::vector<long> widths = s.column_widths(4, max_width);
      std::string line;
      for (std::size_t i = 0; i < widths.size() && i < s.headers.size(); ++i)
        line +=
            center_text(s.headers[i], widths[i], i == 0 ? "|" : "", "|", width_of(s.headers[i]));
      write_line_break(out, s.indent_level, widths);
      write_line(out, s.indent_level, line);
    }
    if (s.rows.empty()) return;
    std::vector<long> widths = s.column_widths(4, max_width);
    if (widths.empty()) return;
    write_line_break(out, s.indent_level, widths);
    for (const Row& row : s.rows) {
      std::string line;
      for (std::size_t i = 0; i < widths.size() && i < row.size(); ++i)
        line += align_left(styler_.row_element(row[i]), widths[i], i == 0 ? "|" : "", "|",
                           width_of(row[i]));
      write_line(out, s.indent_level, line);
    }
    write_line_break(out, s.indent_level, widths);
  }

  TableStyle style_;
  Styler styler_;
  std::vector<Section> sections_;
};

bool is_scalar(const ordered& v) { return !v.is_object() && !v.is_array(); }

// Python's truthiness: aws-cli draws nothing for None, False, 0, "", [], {}.
bool truthy(const ordered& v) {
  if (v.is_null()) return false;
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) return v.get<double>() != 0;
  if (v.is_string()) return !v.get_ref<const std::string&>().empty();
  return !v.empty();
}

// Keys of one object split into scalar ones (the columns) and the rest, each sorted.
void group_keys(const ordered& object, std::set<std::string>& scalars,
                std::set<std::string>& nested) {
  for (auto it = object.begin(); it != object.end(); ++it)
    (is_scalar(it.value()) ? scalars : nested).insert(it.key());
}

class TableBuilder {
 public:
  explicit TableBuilder(MultiTable& table) : table_(table) {}

  bool build(const std::string* title, const ordered& current, int indent_level) {
    if (!truthy(current)) return false;
    if (title) table_.new_section(*title, indent_level);
    if (current.is_array()) {
      if (current[0].is_object()) {
        from_list(current, indent_level, title ? *title : std::string());
      } else {
        for (const ordered& item : current) {
          if (is_scalar(item)) {
            table_.current().add_row({scalar_text(item)});
          } else if (item.is_object()) {
            // aws-cli tests "all elements scalar" by iterating, which for a
            // dict means its keys: the row is the keys.
            Row row;
            for (auto it = item.begin(); it != item.end(); ++it) row.push_back(it.key());
            table_.current().add_row(row);
          } else if (std::all_of(item.begin(), item.end(),
                                 [](const ordered& e) { return is_scalar(e); })) {
            Row row;
            for (const ordered& e : item) row.push_back(scalar_text(e));
            table_.current().add_row(row);
          } else {
            build(nullptr, item, 0);
          }
        }
      }
    }
    if (current.is_object()) from_object(current, indent_level);
    return true;
  }

 private:
  void from_object(const ordered& current, int indent_level) {
    std::set<std::string> scalars, nested;
    group_keys(current, scalars, nested);
    if (scalars.size() == 1) {
      const std::string& key = *scalars.begin();
      table_.current().add_row({key, scalar_text(current[key])});
    } else if (!scalars.empty()) {
      Row headers(scalars.begin(), scalars.end()), row;
      for (const auto& k : headers) row.push_back(scalar_text(current[k]));
      table_.current().add_header(headers);
      table_.current().add_row(row);
    }
    for (const auto& key : nested) build(&key, current[key], indent_level + 1);
  }

  void from_list(const ordered& current, int indent_level, const std::string& title) {
    std::set<std::string> scalars, nested;
    for (const ordered& e : current)
      if (e.is_object()) group_keys(e, scalars, nested);
    Row headers(scalars.begin(), scalars.end());
    table_.current().add_header(headers);
    bool first = true;
    for (const ordered& element : current) {
      if (!first && !nested.empty()) {
        table_.new_section(title, indent_level);
        table_.current().add_header(headers);
      }
      first = false;
      Row row;
      for (const auto& h : headers) {
        auto it = element.is_object() ? element.find(h) : element.end();
        row.push_back(element.is_object() && it != element.end() ? scalar_text(*it) : "");
      }
      table_.current().add_row(row);
      if (!element.is_object()) continue;
      for (const auto& key : nested)
        if (element.contains(key)) build(&key, element[key], indent_level + 1);
    }
  }

  MultiTable& table_;
};

}  // namespace

void format_table(const std::string& title, const ordered& document, const TableStyle& style,
                  std::ostream& out) {
  MultiTable table(style);
  if (TableBuilder(table).build(&title, document, 0)) table.render(out);
}

std::size_t stdout_terminal_width() {
  winsize ws{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

}  // namespace cachectl::cli
