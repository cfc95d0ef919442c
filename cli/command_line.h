// Turns argv into an Invocation: the command, the API request built from the
// operation's options (driven by the API model, as aws-cli does), and the
// global options. Bad usage throws UsageError (exit 252).
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/api_model.h"
#include "cli/paging.h"

namespace cachectl::cli {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct GlobalOptions {
  std::optional<std::string> state_dir;
  std::string output = "json";
  bool output_given = false;  // else the environment or config file may choose (cli_config.h)
  std::optional<std::string> query;
  std::optional<std::string> region;
  std::optional<std::string> profile;  // a section of the config file
  std::string color = "auto";  // --output table: on, off, auto (on when stdout is a terminal)
  bool color_given = false;
  bool debug = false;
  bool no_paginate = false;
};

struct Invocation {
  std::string command;    // "create-cache-cluster", "wait", "help", "version", ""
  std::string operation;  // API name, e.g. "CreateCacheCluster"
  std::string waiter;     // with "wait": "CacheClusterAvailable"
  bool help = false;      // "... help"
  json request = json::object();
  GlobalOptions global;
  // Request members given as options (not through --cli-input-json):
  // --marker or --max-records there turn automatic paging off, as in aws-cli.
  std::vector<std::string> option_members;
  PagingOptions paging;  // --max-items, --page-size, --starting-token
  // --generate-cli-skeleton [input|output]: print a skeleton instead of calling.
  std::optional<std::string> skeleton;
};

Invocation parse_command_line(const std::vector<std::string>& args);

// The value of an option of a complex `shape` (structure, map, list of
// them) from its text: JSON when it starts with '{' or '[', else aws-cli's
// shorthand (cli/shorthand.h) in the model's types; file://PATH reads a
// file. `option` ("--tags") and `name` (the member's path, "Tags[0]") name it
// in messages. Types and bounds are checked later, with the whole request.
json parse_structure_value(const std::string& text, const ModelJson& shape,
                           const std::string& option, const std::string& name);

}  // namespace cachectl::cli
