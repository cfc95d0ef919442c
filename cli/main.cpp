// cachectl: an aws-elasticache-style command line for local cache clusters.
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cli/command_line.h"
#include "cli/context.h"
#include "cli/help.h"
#include "cli/output.h"
#include "cli/waiter.h"

namespace {

using namespace cachectl;

void on_interrupt(int) {
  (void)!::write(2, "\n", 1);
  ::_exit(130);
}

std::string region_of(const cli::GlobalOptions& g) {
  if (g.region) return *g.region;
  for (const char* var : {"AWS_REGION", "AWS_DEFAULT_REGION"})
    if (const char* v = std::getenv(var); v && *v) return v;
  return "us-east-1";
}

int report(const core::ApiError& e, const std::string& operation) {
  if (e.code == core::kRegistryFileInvalid || e.code == core::kInvalidConfiguration) {
    std::cerr << "\ncachectl: " << e.message << "\n";
    return 253;
  }
  std::cerr << "\nAn error occurred (" << e.code << ") when calling the " << operation
            << " operation: " << e.message << "\n";
  return 254;
}

int run(const std::vector<std::string>& args) {
  cli::Invocation inv;
  try {
    inv = cli::parse_command_line(args);
  } catch (const cli::UsageError& e) {
    cli::print_usage(std::cerr);
    std::cerr << "\ncachectl: error: " << e.what() << "\n";
    return 252;
  }
  if (inv.command == "version") {
    std::cout << "cachectl 0.1.0\n";
    return 0;
  }
  if (inv.command == "help" || (inv.command.empty() && inv.help)) {
    cli::print_overview(std::cout);
    return 0;
  }
  if (inv.command.empty()) {
    cli::print_usage(std::cerr);
    std::cerr << "\ncachectl: error: the following arguments are required: command\n";
    return 252;
  }
  if (inv.command == "wait" && (inv.help || inv.waiter.empty())) {
    if (!inv.help) {
      cli::print_usage(std::cerr);
      std::cerr << "\ncachectl: error: wait needs a waiter name (see 'cachectl wait help')\n";
      return 252;
    }
    cli::print_wait_help(std::cout, inv.waiter);
    return 0;
  }
  if (inv.help) {
    if (!inv.waiter.empty()) {
      cli::print_wait_help(std::cout, inv.waiter);
    } else {
      cli::print_operation_help(std::cout, inv.operation);
    }
    return 0;
  }

  auto home = core::StateHome::locate(inv.global.state_dir);
  if (!home) return report(home.error(), inv.operation);
  if (auto err = home->prepare()) return report(*err, inv.operation);
  cli::Context ctx(*home, inv.global, region_of(inv.global));

  if (!inv.waiter.empty()) return cli::run_waiter(ctx, inv.waiter, inv.request);
  cli::Handler handler = cli::find_handler(inv.operation);
  if (!handler) {
    return report({"NotImplemented", inv.command + " is part of the ElastiCache API but cachectl does not implement it yet."},
                  inv.operation);
  }
  core::Result<nlohmann::json> result = handler(ctx, inv.request);
  if (!result) return report(result.error(), inv.operation);
  return cli::print_response(*result, inv.operation, inv.global, std::cout);
}

}  // namespace

int main(int argc, char** argv) {
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  ::sigaction(SIGINT, &sa, nullptr);
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    return run(args);
  } catch (const std::exception& e) {
    std::cerr << "\ncachectl: internal error: " << e.what() << "\n";
    return 255;
  }
}
