// Turns argv into an Invocation: the command, the API request built from the
// operation's options (driven by the API model, as aws-cli does), and the
// global options. Bad usage throws UsageError (exit 252).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
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

// Where the command is in `args`: the first word that is neither a global
// option nor its value ("serve" in `--state-dir D serve --listen ...`).
std::optional<std::size_t> command_index(const std::vector<std::string>& args);

// Parses lines as parse_command_line does, keeping the option table it builds
// for an operation (a CLI11 parser of the global options and of every member
// of the operation's input, the costly part) for the next line of that
// operation. The CLI parses one line a run and takes parse_command_line;
// what parses many (fuzz/fuzz_shorthand.cpp, tests) keeps one of these. Not
// for two threads at once.
class CommandLineParser {
 public:
  CommandLineParser();
  ~CommandLineParser();
  CommandLineParser(const CommandLineParser&) = delete;
  CommandLineParser& operator=(const CommandLineParser&) = delete;

  Invocation parse(const std::vector<std::string>& args);

 private:
  struct Table;
  // By operation ("" for none) and whether it pages (not under wait).
  std::map<std::pair<std::string, bool>, std::unique_ptr<Table>> tables_;
};

// The value of an option of a complex `shape` (structure, map, list of
// them) from its text: JSON when it starts with '{' or '[', else aws-cli's
// shorthand (cli/shorthand.h) in the model's types; file://PATH reads a
// file. `option` ("--tags") and `name` (the member's path, "Tags[0]") name it
// in messages. Types and bounds are checked later, with the whole request.
json parse_structure_value(const std::string& text, const ModelJson& shape,
                           const std::string& option, const std::string& name);

}  // namespace cachectl::cli
