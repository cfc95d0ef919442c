#include "cli/api_model.h"

#include <algorithm>
#include <cctype>

#include "model/model_data.h"

namespace cachectl::cli {

std::string kebab_case(const std::string& name) {
  // (.)([A-Z][a-z]+) -> \1-\2, then ([a-z0-9])([A-Z]) -> \1-\2, then lower.
  std::string s1;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (i > 0 && std::isupper(static_cast<unsigned char>(name[i])) && i + 1 < name.size() &&
        std::islower(static_cast<unsigned char>(name[i + 1])) && s1.back() != '-') {
      s1.push_back('-');
    }
    s1.push_back(name[i]);
  }
  std::string out;
  for (std::size_t i = 0; i < s1.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s1[i]);
    if (i > 0 && std::isupper(c)) {
      unsigned char p = static_cast<unsigned char>(s1[i - 1]);
      if (std::islower(p) || std::isdigit(p)) out.push_back('-');
    }
    out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out;
}

std::string pascal_from_kebab(const std::string& name) {
  std::string out;
  bool up = true;
  for (char c : name) {
    if (c == '-') {
      up = true;
      continue;
    }
    out.push_back(up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
    up = false;
  }
  return out;
}

ApiModel::ApiModel()
    : service_(ModelJson::parse(model::service_json())),
      waiters_(ModelJson::parse(model::waiters_json())),
      paginators_(ModelJson::parse(model::paginators_json())) {}

const ApiModel& ApiModel::get() {
  static const ApiModel model;
  return model;
}

std::optional<std::string> ApiModel::operation_for(const std::string& cli_name) const {
  std::string api = pascal_from_kebab(cli_name);
  const ModelJson& ops = service_["operations"];
  if (ops.contains(api) && kebab_case(api) == cli_name) return api;
  // Names whose kebab form does not round-trip (acronyms).
  for (auto it = ops.begin(); it != ops.end(); ++it)
    if (kebab_case(it.key()) == cli_name) return it.key();
  return std::nullopt;
}

const ModelJson& ApiModel::operation(const std::string& api_name) const {
  return service_["operations"][api_name];
}

std::vector<std::string> ApiModel::cli_operation_names() const {
  std::vector<std::string> out;
  for (auto it = service_["operations"].begin(); it != service_["operations"].end(); ++it)
    out.push_back(kebab_case(it.key()));
  std::sort(out.begin(), out.end());
  return out;
}

std::string ApiModel::error_code(const std::string& shape_name) const {
  const ModelJson& s = service_["shapes"][shape_name];
  if (s.contains("error") && s["error"].contains("code")) return s["error"]["code"];
  return shape_name;
}

}  // namespace cachectl::cli
