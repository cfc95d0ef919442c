// --output yaml and yaml-stream, as aws-cli v2 prints them (aws-cli v1 has
// no YAML): block style, keys sorted, two-space indent, lines folded near 80
// columns, and strings quoted exactly when a YAML 1.1 reader would otherwise
// take them for something else ('yes', '6379', '2024-01-01T00:00:00Z', '').
// This is the output of PyYAML's safe_dump(default_flow_style=False,
// allow_unicode=True), whose emitter rules are followed here.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

namespace cachectl::cli {

// One YAML document (a plain scalar at the top is followed by "...").
void format_yaml(const nlohmann::ordered_json& document, std::ostream& out);

}  // namespace cachectl::cli
