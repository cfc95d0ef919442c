// Every response shape of the API model (each operation's output skeleton,
// every member present) prints in every format: no operation, implemented
// now or later, can meet a format that cannot draw it.
#include <gtest/gtest.h>

#include <sstream>

#include "cli/api_model.h"
#include "cli/format_table.h"
#include "cli/format_text.h"
#include "cli/format_yaml.h"
#include "cli/skeleton.h"

namespace cachectl::cli {
namespace {

TEST(EveryOperation, OutputShapePrintsAsTextTableAndYaml) {
  const ApiModel& model = ApiModel::get();
  int with_output = 0;
  for (const auto& name : model.cli_operation_names()) {
    std::string op = *model.operation_for(name);
    nlohmann::ordered_json doc = output_skeleton(op);
    if (doc.empty()) continue;
    ++with_output;
    std::ostringstream text, table, yaml;
    format_text(doc, text);
    format_table(op, doc, TableStyle{}, table);
    format_yaml(doc, yaml);
    EXPECT_FALSE(text.str().empty()) << op;
    EXPECT_NE(table.str().find(op), std::string::npos) << op;
    EXPECT_FALSE(yaml.str().empty()) << op;
    // Every line of the table is as wide as the first (nothing overflows
    // its box; widths are in characters here, and the skeleton is ASCII).
    std::istringstream lines(table.str());
    std::string first, line;
    std::getline(lines, first);
    while (std::getline(lines, line)) EXPECT_EQ(line.size(), first.size()) << op << ": " << line;
  }
  EXPECT_GT(with_output, 60);
}

}  // namespace
}  // namespace cachectl::cli
