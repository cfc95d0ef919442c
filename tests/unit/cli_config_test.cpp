// cli/cli_config.h: defaults for --output, --region and --color from the
// environment and the config file; the command line always wins.
#include "cli/cli_config.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace cachectl::cli {
namespace {

// Each test gets its own config file and a clean environment, restored after.
class CliConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("cachectl-config-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    for (const char* v : kVars) {
      if (const char* old = std::getenv(v)) saved_.emplace_back(v, old);
      ::unsetenv(v);
    }
    ::setenv("CACHECTL_CONFIG_FILE", (dir_ / "config").c_str(), 1);
  }
  void TearDown() override {
    for (const char* v : kVars) ::unsetenv(v);
    for (const auto& [k, v] : saved_) ::setenv(k.c_str(), v.c_str(), 1);
    std::filesystem::remove_all(dir_);
  }
  void WriteConfig(const std::string& text) { std::ofstream(dir_ / "config") << text; }
  GlobalOptions Applied(GlobalOptions g = {}) {
    auto err = apply_config(g);
    EXPECT_FALSE(err.has_value()) << (err ? err->message : "");
    return g;
  }

  static constexpr const char* kVars[] = {
      "CACHECTL_CONFIG_FILE", "CACHECTL_DEFAULT_OUTPUT", "AWS_DEFAULT_OUTPUT", "AWS_REGION",
      "AWS_DEFAULT_REGION",   "CACHECTL_PROFILE",        "XDG_CONFIG_HOME"};
  std::filesystem::path dir_;
  std::vector<std::pair<std::string, std::string>> saved_;
};

TEST_F(CliConfig, WithNothingSetTheDefaultsAreAwsClis) {
  GlobalOptions g = Applied();
  EXPECT_EQ(g.output, "json");
  EXPECT_FALSE(g.region.has_value());
  EXPECT_EQ(g.color, "auto");
}

TEST_F(CliConfig, TheConfigFilesDefaultProfileSetsOutputRegionAndColor) {
  WriteConfig(
      "# comment\n[default]\noutput = text\nregion = eu-west-1\ncolor = off\n[profile ci]\noutput "
      "= yaml\n");
  GlobalOptions g = Applied();
  EXPECT_EQ(g.output, "text");
  EXPECT_EQ(g.region, "eu-west-1");
  EXPECT_EQ(g.color, "off");
}

TEST_F(CliConfig, ANamedProfileFromTheFlagOrTheEnvironment) {
  WriteConfig("[default]\noutput = text\n[profile ci]\noutput = yaml\n[bare]\noutput = table\n");
  GlobalOptions flag;
  flag.profile = "ci";
  EXPECT_EQ(Applied(flag).output, "yaml");
  ::setenv("CACHECTL_PROFILE", "bare", 1);
  EXPECT_EQ(Applied().output, "table");
}

TEST_F(CliConfig, PrecedenceIsFlagThenEnvironmentThenFileThenJson) {
  WriteConfig("[default]\noutput = text\n");
  ::setenv("AWS_DEFAULT_OUTPUT", "table", 1);
  EXPECT_EQ(Applied().output, "table");
  ::setenv("CACHECTL_DEFAULT_OUTPUT", "yaml", 1);
  EXPECT_EQ(Applied().output, "yaml");
  GlobalOptions flag;
  flag.output = "json";
  flag.output_given = true;
  EXPECT_EQ(Applied(flag).output, "json");
  ::setenv("AWS_REGION", "ap-south-1", 1);
  EXPECT_EQ(Applied().region, "ap-south-1");
}

TEST_F(CliConfig, BadValuesAndMissingProfilesAreConfigurationErrors) {
  WriteConfig("[default]\noutput = xml\n");
  GlobalOptions g;
  auto err = apply_config(g);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->code, core::kInvalidConfiguration);
  EXPECT_NE(err->message.find("xml"), std::string::npos);

  WriteConfig("[default]\noutput = text\n");
  ::setenv("CACHECTL_DEFAULT_OUTPUT", "csv", 1);
  EXPECT_TRUE(apply_config(g).has_value());
  ::unsetenv("CACHECTL_DEFAULT_OUTPUT");

  GlobalOptions missing;
  missing.profile = "nope";
  err = apply_config(missing);
  ASSERT_TRUE(err.has_value());
  EXPECT_NE(err->message.find("nope"), std::string::npos);
}

TEST_F(CliConfig, TheFileIsFoundUnderXdgConfigHome) {
  ::unsetenv("CACHECTL_CONFIG_FILE");
  ::setenv("XDG_CONFIG_HOME", dir_.c_str(), 1);
  EXPECT_EQ(config_file_path(), (dir_ / "cachectl" / "config").string());
  std::filesystem::create_directories(dir_ / "cachectl");
  std::ofstream(dir_ / "cachectl" / "config") << "[default]\noutput = yaml-stream\n";
  EXPECT_EQ(Applied().output, "yaml-stream");
}

TEST(IniProfile, ReadsAwsClisFormat) {
  const char* text = "[default]\n  output=text  \n; note\n[profile x]\nregion = r\nbroken line\n";
  auto d = ini_profile(text, "default");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->at("output"), "text");
  auto x = ini_profile(text, "x");
  ASSERT_TRUE(x);
  EXPECT_EQ(x->at("region"), "r");
  EXPECT_FALSE(ini_profile(text, "y"));
}

TEST_F(CliConfig, AConfigFileThatCannotBeReadIsNamed) {
  std::filesystem::create_directories(dir_ / "config");  // a directory where the file goes
  GlobalOptions g;
  auto err = apply_config(g);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->code, core::kInvalidConfiguration);
  EXPECT_NE(err->message.find((dir_ / "config").string()), std::string::npos) << err->message;
}

TEST_F(CliConfig, HostileConfigFilesAreReadWithoutACrash) {
  // Deep brackets, binary bytes, a NUL, a huge line: sections or nothing, never a crash.
  std::string hostile = std::string(100000, '[') + std::string(100000, ']') + "\n" +
                        std::string("[default]\x00\xff\n", 12) + "output = text\n" +
                        std::string(1 << 20, '=') + "\n[" + std::string(100000, '{') + "\n";
  WriteConfig(hostile);
  GlobalOptions g;
  auto err = apply_config(g);
  EXPECT_FALSE(err.has_value()) << err->message;
  EXPECT_EQ(g.output, "json");
  GlobalOptions named;
  named.profile = std::string(100000, '[');
  err = apply_config(named);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(err->code, core::kInvalidConfiguration);
}

}  // namespace
}  // namespace cachectl::cli
