#include "serve/wire_names.h"

namespace cachectl::serve {

const cli::ModelJson& shape_of(const cli::ModelJson& ref) {
  return cli::ApiModel::get().shape(ref.value("shape", std::string()));
}

std::string wire_name(const cli::ModelJson& ref, const cli::ModelJson& shape,
                      const std::string& fallback) {
  if (ref.contains("locationName")) return ref["locationName"];
  if (shape.contains("locationName")) return shape["locationName"];
  return fallback;
}

}  // namespace cachectl::serve
