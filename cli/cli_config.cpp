#include "cli/cli_config.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace cachectl::cli {
namespace {

std::string trim(const std::string& s) {
  std::size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  std::size_t b = s.find_last_not_of(" \t\r");
  return s.substr(a, b - a + 1);
}

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (v && *v) return std::string(v);
  return std::nullopt;
}

core::ApiError bad(const std::string& message) { return {core::kInvalidConfiguration, message}; }

bool is_output_format(const std::string& v) {
  return std::find(std::begin(kOutputFormats), std::end(kOutputFormats), v) !=
         std::end(kOutputFormats);
}

const char* kFormatList = "json, text, table, yaml, yaml-stream";

}  // namespace

std::string config_file_path() {
  if (auto f = env("CACHECTL_CONFIG_FILE")) return *f;
  if (auto x = env("XDG_CONFIG_HOME")) return *x + "/cachectl/config";
  return env("HOME").value_or("") + "/.config/cachectl/config";
}

std::optional<std::map<std::string, std::string>> ini_profile(const std::string& text,
                                                              const std::string& profile) {
  // aws-cli: [default] and [profile NAME]; a bare [NAME] is accepted too.
  std::map<std::string, std::map<std::string, std::string>> sections;
  std::string section;
  bool in_section = false;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    line = trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = trim(line.substr(1, line.size() - 2));
      in_section = true;
      sections[section];
      continue;
    }
    std::size_t eq = line.find('=');
    if (!in_section || eq == std::string::npos) continue;
    sections[section][trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
  }
  for (const std::string& name : {"profile " + profile, profile}) {
    auto it = sections.find(name);
    if (it != sections.end()) return it->second;
  }
  return std::nullopt;
}

std::optional<core::ApiError> apply_config(GlobalOptions& options) {
  std::optional<std::string> named = options.profile ? options.profile : env("CACHECTL_PROFILE");
  std::string path = config_file_path();
  std::map<std::string, std::string> file;
  // A file that is there but cannot be read is named, never taken as empty.
  std::error_code ec;
  bool present = std::filesystem::exists(path, ec);
  if (present && !std::filesystem::is_regular_file(path, ec))
    return bad("The config file " + path + " is not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (present && !in) return bad("The config file " + path + " cannot be read");
  if (in) {
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return bad("The config file " + path + " cannot be read");
    auto section = ini_profile(text.str(), named.value_or("default"));
    if (section) {
      file = *section;
    } else if (named) {
      return bad("The config profile (" + *named + ") could not be found in " + path);
    }
  } else if (named) {
    return bad("The config profile (" + *named + ") could not be found: there is no " + path);
  }
  auto from_file = [&](const char* key) -> std::optional<std::string> {
    auto it = file.find(key);
    if (it == file.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };

  if (!options.output_given) {
    if (auto v = env("CACHECTL_DEFAULT_OUTPUT")) {
      if (!is_output_format(*v))
        return bad("CACHECTL_DEFAULT_OUTPUT=" + *v + " is not one of " + kFormatList);
      options.output = *v;
    } else if (auto a = env("AWS_DEFAULT_OUTPUT")) {
      if (!is_output_format(*a))
        return bad("AWS_DEFAULT_OUTPUT=" + *a + " is not one of " + kFormatList);
      options.output = *a;
    } else if (auto f = from_file("output")) {
      if (!is_output_format(*f))
        return bad(path + ": output = " + *f + " is not one of " + kFormatList);
      options.output = *f;
    }
  }
  if (!options.region) {
    if (auto v = env("AWS_REGION")) {
      options.region = v;
    } else if (auto d = env("AWS_DEFAULT_REGION")) {
      options.region = d;
    } else if (auto f = from_file("region")) {
      options.region = f;
    }
  }
  if (!options.color_given) {
    if (auto f = from_file("color")) {
      if (*f != "on" && *f != "off" && *f != "auto")
        return bad(path + ": color = " + *f + " is not one of on, off, auto");
      options.color = *f;
    }
  }
  return std::nullopt;
}

}  // namespace cachectl::cli
