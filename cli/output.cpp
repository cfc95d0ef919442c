#include "cli/output.h"

#include <iostream>

#include "cli/api_model.h"
#include "cli/jmespath/jmespath.h"

namespace cachectl::cli {

using ordered = nlohmann::ordered_json;

ordered in_model_order(const json& value, const std::string& shape_name) {
  const ApiModel& model = ApiModel::get();
  const ModelJson& shape = model.shape(shape_name);
  std::string type = shape.is_object() ? shape.value("type", "") : "";
  if (type == "structure" && value.is_object()) {
    ordered out = ordered::object();
    for (auto it = shape["members"].begin(); it != shape["members"].end(); ++it) {
      if (value.contains(it.key())) out[it.key()] = in_model_order(value[it.key()], it.value()["shape"]);
    }
    for (auto it = value.begin(); it != value.end(); ++it)  // not in the model: keep, last
      if (!out.contains(it.key())) out[it.key()] = ordered::parse(it.value().dump());
    return out;
  }
  if (type == "list" && value.is_array()) {
    ordered out = ordered::array();
    for (const auto& item : value) out.push_back(in_model_order(item, shape["member"]["shape"]));
    return out;
  }
  return ordered::parse(value.dump());
}

int print_response(const json& response, const std::string& api_operation,
                   const GlobalOptions& options, std::ostream& out) {
  const ApiModel& model = ApiModel::get();
  const ModelJson& op = model.operation(api_operation);
  ordered doc;
  if (options.query) {
    json result;
    try {
      result = jmespath::search(*options.query, response);
    } catch (const jmespath::Error& e) {
      std::cerr << "\nBad value for --query " << *options.query << ": " << e.what() << "\n";
      return 252;
    }
    doc = ordered::parse(result.dump());
  } else if (op.contains("output")) {
    doc = in_model_order(response, op["output"]["shape"]);
  } else {
    doc = ordered::parse(response.dump());
  }
  if (options.output != "json") {
    std::cerr << "cachectl: --output " << options.output << " is not available yet; use json\n";
    return 252;
  }
  // aws-cli prints nothing for an operation without output.
  if (!options.query && doc.is_object() && doc.empty()) return 0;
  out << doc.dump(4, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return 0;
}

}  // namespace cachectl::cli
