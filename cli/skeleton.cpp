#include "cli/skeleton.h"

#include <algorithm>
#include <vector>

#include "cli/api_model.h"

namespace cachectl::cli {
namespace {

using ordered = nlohmann::ordered_json;

class Generator {
 public:
  explicit Generator(bool use_member_names) : use_member_names_(use_member_names) {}

  ordered generate(const std::string& shape_name, const std::string& name) {
    const ModelJson& shape = ApiModel::get().shape(shape_name);
    const std::string type = shape.value("type", "");
    stack_.push_back(shape_name);
    ordered out;
    if (type == "structure") {
      // A shape inside itself (recursive shapes) stops as {}, as botocore does.
      if (std::count(stack_.begin(), stack_.end(), shape_name) > 1) {
        out = ordered::object();
      } else {
        out = ordered::object();
        for (auto m = shape["members"].begin(); m != shape["members"].end(); ++m)
          out[m.key()] = generate(m.value()["shape"], m.key());
      }
    } else if (type == "list") {
      std::string item = shape["member"]["shape"];
      out = ordered::array({generate(item, use_member_names_ ? item : "")});
    } else if (type == "map") {
      out = ordered::object({{"KeyName", generate(shape["value"]["shape"], "")}});
    } else if (type == "string") {
      if (use_member_names_) {
        out = name;
      } else if (shape.contains("enum") && !shape["enum"].empty()) {
        // botocore picks a random allowed value; the first keeps it reproducible.
        out = shape["enum"][0];
      } else {
        out = "";
      }
    } else if (type == "integer" || type == "long") {
      out = 0;
    } else if (type == "float" || type == "double") {
      out = 0.0;
    } else if (type == "boolean") {
      out = true;
    } else if (type == "timestamp") {
      out = "1970-01-01T00:00:00";
    }  // anything else (blob) stays null, as botocore leaves it
    stack_.pop_back();
    return out;
  }

 private:
  bool use_member_names_;
  std::vector<std::string> stack_;
};

ordered skeleton(const std::string& api_operation, const char* which, bool use_member_names) {
  const ModelJson& op = ApiModel::get().operation(api_operation);
  if (!op.contains(which)) return ordered::object();
  return Generator(use_member_names).generate(op[which]["shape"], "");
}

}  // namespace

ordered input_skeleton(const std::string& api_operation) {
  return skeleton(api_operation, "input", false);
}
ordered output_skeleton(const std::string& api_operation) {
  return skeleton(api_operation, "output", true);
}

}  // namespace cachectl::cli
