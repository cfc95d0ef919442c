// libFuzzer target: aws-cli's shorthand grammar (cli/shorthand.h), then the
// same text as the value of options of every kind of shape (structures,
// lists of structures, nested structures of integers, booleans, a scalar,
// --cli-input-json), through the command line's conversion to the model's
// types and its validation. A UsageError is an answer; any other exception,
// a crash or a hang is a bug. One CommandLineParser serves every input: it
// builds each operation's option table once (rebuilding them made this
// target run a few inputs a second), and parses as parse_command_line does.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/command_line.h"
#include "cli/shorthand.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto parsed = cachectl::cli::shorthand::parse(text);
  if (parsed) (void)parsed->dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);

  // file:// would read a file of the machine (file:///dev/zero never ends).
  if (text.find("file") != std::string::npos) return 0;
  using Args = std::vector<std::string>;
  static const std::vector<Args> commands = {
      {"create-cache-cluster", "--cache-cluster-id", "x", "--tags="},
      {"modify-cache-parameter-group", "--cache-parameter-group-name", "g",
       "--parameter-name-values="},
      {"create-serverless-cache", "--serverless-cache-name", "s", "--engine", "redis",
       "--cache-usage-limits="},
      {"describe-users", "--filters="},
      {"create-cache-cluster", "--cache-cluster-id", "x", "--log-delivery-configurations="},
      {"create-replication-group", "--replication-group-id", "r", "--replication-group-description",
       "d", "--node-group-configuration="},
      {"create-cache-cluster", "--cache-cluster-id", "x", "--port="},
      {"create-cache-cluster", "--cli-input-json="},
  };
  static cachectl::cli::CommandLineParser parser;
  for (const Args& command : commands) {
    Args args = command;
    args.back() += text;
    try {
      cachectl::cli::Invocation inv = parser.parse(args);
      (void)inv.request.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } catch (const cachectl::cli::UsageError&) {
    }
  }
  return 0;
}
