// How the Query protocol names what it carries, as botocore does: a member
// or a list item by the reference's locationName, else its shape's own,
// else the default (the member's name; "member" for a list item). The
// request decoder and the response writer both go by it.
#pragma once

#include <string>

#include "cli/api_model.h"

namespace cachectl::serve {

// The shape a reference ({"shape": NAME, ...}) names.
const cli::ModelJson& shape_of(const cli::ModelJson& ref);

std::string wire_name(const cli::ModelJson& ref, const cli::ModelJson& shape,
                      const std::string& fallback);

}  // namespace cachectl::serve
