#include "cli/api_model.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "model/model_data.h"

namespace cachectl::cli {

std::string kebab_case(const std::string& name) {
  // botocore: (.)([A-Z][a-z]+) -> \1-\2, then ([a-z0-9])([A-Z]) -> \1-\2, lower.
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

ApiModel& ApiModel::instance() {
  static ApiModel model;
  return model;
}

const ApiModel& ApiModel::get() { return instance(); }

const ModelJson& ApiModel::slice(const std::string& api_name) const {
  auto found = slices_.find(api_name);
  if (found != slices_.end()) return found->second;
  for (const auto& s : model::operation_slices()) {
    if (s.name == api_name) {
      return slices_.emplace(api_name, ModelJson::parse(s.json)).first->second;
    }
  }
  throw std::out_of_range("no operation " + api_name + " in the API model");
}

const ModelJson& ApiModel::operation(const std::string& api_name) const {
  return slice(api_name)["operation"];
}

const ModelJson& ApiModel::shape(const std::string& name) const {
  // Shapes are looked up within the operations used so far (usually one).
  for (const auto& [op, s] : slices_) {
    const ModelJson& shapes = s["shapes"];
    auto it = shapes.find(name);
    if (it != shapes.end()) return *it;
  }
  static const ModelJson missing = ModelJson::object();
  return missing;
}

const ModelJson& ApiModel::waiters() const {
  if (waiters_.is_null()) waiters_ = ModelJson::parse(model::waiters_json());
  return waiters_["waiters"];
}

const ModelJson& ApiModel::paginators() const {
  if (paginators_.is_null()) paginators_ = ModelJson::parse(model::paginators_json());
  return paginators_["pagination"];
}

std::optional<std::string> ApiModel::operation_for(const std::string& cli_name) const {
  // API names by CLI name (the model is one, as this object).
  static const std::map<std::string, std::string> api_names = [] {
    std::map<std::string, std::string> names;
    for (const auto& s : model::operation_slices())
      names.emplace(kebab_case(std::string(s.name)), std::string(s.name));
    return names;
  }();
  auto found = api_names.find(cli_name);
  if (found == api_names.end()) return std::nullopt;
  return found->second;
}

std::vector<std::string> ApiModel::cli_operation_names() const {
  std::vector<std::string> out;
  for (const auto& s : model::operation_slices()) out.push_back(kebab_case(std::string(s.name)));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace cachectl::cli
