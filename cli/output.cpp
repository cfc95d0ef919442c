#include "cli/output.h"

#include <unistd.h>

#include <iostream>

#include "cli/api_model.h"
#include "cli/format_table.h"
#include "cli/format_text.h"
#include "cli/format_yaml.h"
#include "cli/jmespath/jmespath.h"

namespace cachectl::cli {
namespace {

using ordered = nlohmann::ordered_json;

ordered to_ordered(const json& v) { return ordered::parse(v.dump()); }

// The document as aws-cli prints it: in the model's order, then --query
// applied (objects taken from the response keep that order).
ordered prepared(const json& response, const std::string& api_operation,
                 const GlobalOptions& options) {
  const ModelJson& op = ApiModel::get().operation(api_operation);
  ordered doc = op.contains("output") ? in_model_order(response, op["output"]["shape"])
                                      : to_ordered(response);
  if (options.query) return jmespath::search(*options.query, doc);
  return doc;
}

void print_json(const ordered& doc, std::ostream& out) {
  out << doc.dump(4, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

TableStyle table_style(const GlobalOptions& options) {
  TableStyle style;
  style.terminal_width = stdout_terminal_width();
  style.color = options.color == "on" || (options.color == "auto" && ::isatty(STDOUT_FILENO));
  return style;
}

// json, table and yaml print one whole document.
void print_document(const ordered& doc, const std::string& api_operation,
                    const GlobalOptions& options, std::ostream& out) {
  const std::string& format = options.output;
  // aws-cli prints nothing for {} (an operation without output, or a query
  // that selected an empty object), in every format.
  if (doc.is_object() && doc.empty()) return;
  if (format == "json") {
    print_json(doc, out);
  } else if (format == "text") {
    format_text(doc, out);
  } else if (format == "table") {
    format_table(api_operation, doc, table_style(options), out);
  } else if (format == "yaml") {
    format_yaml(doc, out);
  } else {  // yaml-stream: a stream of one-item lists, one per response
    format_yaml(ordered::array({doc}), out);
  }
}

}  // namespace

ordered in_model_order(const json& value, const std::string& shape_name) {
  const ApiModel& model = ApiModel::get();
  const ModelJson& shape = model.shape(shape_name);
  std::string type = shape.is_object() ? shape.value("type", "") : "";
  if (type == "structure" && value.is_object()) {
    ordered out = ordered::object();
    for (auto it = shape["members"].begin(); it != shape["members"].end(); ++it) {
      if (value.contains(it.key()))
        out[it.key()] = in_model_order(value[it.key()], it.value()["shape"]);
    }
    for (auto it = value.begin(); it != value.end(); ++it)  // not in the model: keep, last
      if (!out.contains(it.key())) out[it.key()] = to_ordered(it.value());
    return out;
  }
  if (type == "list" && value.is_array()) {
    ordered out = ordered::array();
    for (const auto& item : value) out.push_back(in_model_order(item, shape["member"]["shape"]));
    return out;
  }
  return to_ordered(value);
}

std::optional<int> check_query(const GlobalOptions& options) {
  if (!options.query) return std::nullopt;
  try {
    jmespath::Expression::compile(*options.query);
  } catch (const jmespath::Error& e) {
    std::cerr << "\nBad value for --query " << *options.query << ": " << e.what() << "\n";
    return 252;
  }
  return std::nullopt;
}

int print_response(const json& response, const std::string& api_operation,
                   const GlobalOptions& options, std::ostream& out) {
  try {
    print_document(prepared(response, api_operation, options), api_operation, options, out);
  } catch (const jmespath::Error& e) {
    std::cerr << "\nBad value for --query " << *options.query << ": " << e.what() << "\n";
    return 252;
  }
  return 0;
}

int print_pages(const Paginator& paginator, const Pages& pages, const std::string& api_operation,
                const GlobalOptions& options, std::ostream& out) {
  try {
    if (options.output == "text") {
      // aws-cli prints text page by page, --query applied to each page (so a
      // query must start from the result key, e.g. CacheClusters[]...).
      const std::vector<json> parts = text_pages(paginator, pages);
      for (std::size_t i = 0; i < parts.size(); ++i) {
        bool next_token_part = pages.next_token && i + 1 == parts.size();
        json doc = options.query ? jmespath::search(*options.query, parts[i]) : parts[i];
        // aws-cli prints "None" when the query finds nothing in the NextToken
        // part; a script reading the values would take it for one.
        if (next_token_part && options.query && doc.is_null()) continue;
        format_text(to_ordered(doc), out);
      }
      return 0;
    }
    if (options.output == "yaml-stream") {
      for (std::size_t i = 0; i < pages.responses.size(); ++i) {
        json page = pages.responses[i];
        if (pages.next_token && i + 1 == pages.responses.size())
          page["NextToken"] = *pages.next_token;
        format_yaml(ordered::array({prepared(page, api_operation, options)}), out);
      }
      return 0;
    }
    print_document(prepared(full_result(paginator, pages), api_operation, options), api_operation,
                   options, out);
  } catch (const jmespath::Error& e) {
    std::cerr << "\nBad value for --query " << *options.query << ": " << e.what() << "\n";
    return 252;
  }
  return 0;
}

}  // namespace cachectl::cli
