// Defaults for the global options, as aws-cli takes them from
// AWS_DEFAULT_OUTPUT and ~/.aws/config. Precedence, highest first:
//   the command line (--output, --region, --color)
//   the environment (CACHECTL_DEFAULT_OUTPUT, else AWS_DEFAULT_OUTPUT;
//                    AWS_REGION, else AWS_DEFAULT_REGION)
//   the config file's profile (--profile, else $CACHECTL_PROFILE, else [default])
//   built in: json, us-east-1, auto
// The config file is $CACHECTL_CONFIG_FILE, else $XDG_CONFIG_HOME/cachectl/config,
// else ~/.config/cachectl/config, in aws-cli's INI format:
//   [default]
//   output = text
//   [profile ci]
//   output = json
#pragma once

#include <map>
#include <optional>
#include <string>

#include "cli/command_line.h"
#include "core/result.h"

namespace cachectl::cli {

inline constexpr const char* kOutputFormats[] = {"json", "text", "table", "yaml", "yaml-stream"};

// Where the config file is looked for (it need not exist).
std::string config_file_path();

// The keys of one section of an INI text ("default", or "profile NAME" /
// "NAME" for a profile), nullopt when there is no such section.
std::optional<std::map<std::string, std::string>> ini_profile(const std::string& text,
                                                              const std::string& profile);

// Fills in what the command line left open. A bad value or a profile that
// was asked for and is missing is a configuration error (exit 253).
std::optional<core::ApiError> apply_config(GlobalOptions& options);

}  // namespace cachectl::cli
