// The README's table of the API's operations says, for each of the model's
// operations, whether cachectl runs it: checked against the handlers, so
// that the table stays true.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "cli/api_model.h"
#include "cli/context.h"

namespace cachectl::cli {
namespace {

std::map<std::string, std::string> readme_table() {
  std::ifstream in(std::string(CACHECTL_SOURCE_DIR) + "/README.md");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto begin = text.find("| operation | works |");
  auto end = text.find("<!-- end of the operations table -->");
  std::map<std::string, std::string> rows;
  if (begin == std::string::npos || end == std::string::npos) return rows;
  std::istringstream lines(text.substr(begin, end - begin));
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("| `", 0) != 0) continue;
    auto name_end = line.find("` |");
    std::string name = line.substr(3, name_end - 3);
    std::string rest = line.substr(name_end + 4);
    rows[name] = rest.substr(0, rest.find(" |"));
  }
  return rows;
}

TEST(ReadmeOperations, ARowPerOperationSayingWhetherItsHandlerExists) {
  auto rows = readme_table();
  const ApiModel& model = ApiModel::get();
  std::vector<std::string> names = model.cli_operation_names();
  EXPECT_EQ(names.size(), 75u);
  EXPECT_EQ(rows.size(), names.size());
  for (const auto& name : names) {
    auto row = rows.find(name);
    ASSERT_NE(row, rows.end()) << "no README row for " << name;
    auto api = model.operation_for(name);
    ASSERT_TRUE(api.has_value()) << name;
    EXPECT_EQ(row->second, find_handler(*api) ? "yes" : "no") << name;
  }
}

}  // namespace
}  // namespace cachectl::cli
