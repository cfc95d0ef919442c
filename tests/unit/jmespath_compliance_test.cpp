// Runs the JMESPath compliance cases: every *.json file of the directory named by
// $CACHECTL_JMESPATH_CASES, else of CACHECTL_JMESPATH_DEFAULT_CASES (shared/jmespath).
// Each file is a list of suites {"given": ..., "cases": [{"expression", "result" or
// "error"}]}; cases with neither (benchmarks) are skipped.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/jmespath/jmespath.h"

#ifndef CACHECTL_JMESPATH_DEFAULT_CASES
#define CACHECTL_JMESPATH_DEFAULT_CASES ""
#endif

namespace {

using nlohmann::json;
namespace fs = std::filesystem;
namespace jp = cachectl::jmespath;

fs::path cases_directory() {
  if (const char* dir = std::getenv("CACHECTL_JMESPATH_CASES"); dir && *dir) return dir;
  return CACHECTL_JMESPATH_DEFAULT_CASES;
}

// Stricter than json::operator==, which finds 2 == 2.0: a result must keep the number
// kind JSON text gives it (integer or not) all the way down.
bool same(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) {
    return a.is_number_float() == b.is_number_float() && a == b;
  }
  if (a.type() != b.type()) return false;
  if (a.is_array()) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), same);
  }
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(); it != a.end(); ++it) {
      auto other = b.find(it.key());
      if (other == b.end() || !same(it.value(), *other)) return false;
    }
    return true;
  }
  return a == b;
}

struct Tally {
  int passed = 0;
  int failed = 0;
};

void run_case(const std::string& file, const json& given, const json& test_case, Tally& tally) {
  const std::string expression = test_case.at("expression").get<std::string>();
  std::string expected;
  std::string got;
  bool ok = false;
  if (test_case.contains("error")) {
    expected = "error " + test_case["error"].get<std::string>();
    try {
      got = "result " + jp::Expression::compile(expression).search(given).dump();
    } catch (const jp::Error& error) {
      got = "error " + std::string(jp::to_string(error.kind)) + " (" + error.what() + ")";
      ok = jp::to_string(error.kind) == test_case["error"].get<std::string>();
    }
  } else {
    const json& result = test_case["result"];
    expected = "result " + result.dump();
    try {
      json actual = jp::Expression::compile(expression).search(given);
      got = "result " + actual.dump();
      ok = same(actual, result);
    } catch (const jp::Error& error) {
      got = "error " + std::string(jp::to_string(error.kind)) + " (" + error.what() + ")";
    }
  }
  if (ok) {
    ++tally.passed;
    return;
  }
  ++tally.failed;
  ADD_FAILURE() << file << ": " << expression << "\n  expected: " << expected
                << "\n  got:      " << got;
}

TEST(JmespathCompliance, AllCasesPass) {
  fs::path dir = cases_directory();
  ASSERT_FALSE(dir.empty()) << "set CACHECTL_JMESPATH_CASES to the compliance case directory";
  ASSERT_TRUE(fs::is_directory(dir)) << dir << " is not a directory";

  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());

  Tally tally;
  for (const fs::path& path : files) {
    std::string file = path.filename().string();
    std::ifstream in(path);
    json suites = json::parse(in, nullptr, false);
    if (suites.is_discarded() || !suites.is_array()) {
      ++tally.failed;
      ADD_FAILURE() << file << ": not a JSON list of suites";
      continue;
    }
    for (const json& suite : suites) {
      for (const json& test_case : suite.at("cases")) {
        if (!test_case.contains("result") && !test_case.contains("error")) continue;
        run_case(file, suite.at("given"), test_case, tally);
      }
    }
  }

  std::cout << "jmespath compliance: " << tally.passed << " passed, " << tally.failed << " failed"
            << std::endl;
  EXPECT_EQ(tally.failed, 0);
  EXPECT_GT(tally.passed + tally.failed, 0) << "no compliance case found in " << dir;
}

}  // namespace
