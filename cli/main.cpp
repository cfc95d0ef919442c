// cachectl: an aws-elasticache-style command line for local cache clusters.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "cli/cli_config.h"
#include "cli/command_line.h"
#include "cli/completion.h"
#include "cli/context.h"
#include "cli/help.h"
#include "cli/ops/resume.h"
#include "cli/output.h"
#include "cli/paging.h"
#include "cli/serve_command.h"
#include "cli/skeleton.h"
#include "cli/waiter.h"

namespace {

using namespace cachectl;

void on_interrupt(int) {
  (void)!::write(2, "\n", 1);
  ::_exit(130);
}

int report(const core::ApiError& e, const std::string& operation) {
  if (e.code == core::kRegistryFileInvalid || e.code == core::kInvalidConfiguration) {
    std::cerr << "\ncachectl: " << e.message << "\n";
    return 253;
  }
  if (e.code == cli::kPaginationError) {
    std::cerr << "\nError during pagination: " << e.message << "\n";
    return 255;
  }
  std::cerr << "\nAn error occurred (" << e.code << ") when calling the " << operation
            << " operation: " << e.message << "\n";
  return 254;
}

int run_operation(cli::Context& ctx, const cli::Invocation& inv,
                  const std::optional<cli::Paginator>& paginator, bool paginate);

// --debug: the request the operation receives, as parsed, on one JSON line
// of its own (docs/scripting.md), as aws-cli logs the parameters it sends.
void print_request_line(const cli::Invocation& inv, std::ostream& err) {
  nlohmann::ordered_json line = {
      {"debug", "request"}, {"operation", inv.operation}, {"parameters", inv.request}};
  if (!inv.waiter.empty()) line["waiter"] = inv.waiter;
  if (inv.paging.any()) {
    nlohmann::ordered_json paging = nlohmann::ordered_json::object();
    if (inv.paging.max_items) paging["MaxItems"] = *inv.paging.max_items;
    if (inv.paging.page_size) paging["PageSize"] = *inv.paging.page_size;
    if (inv.paging.starting_token) paging["StartingToken"] = *inv.paging.starting_token;
    line["paging"] = paging;
  }
  err << line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n"
      << std::flush;
}

int run(const std::vector<std::string>& args) {
  // Hidden commands for the build (the man page) and the shells' completion.
  if (!args.empty() && args[0] == "__man") {
    cli::print_man_page(std::cout);
    return 0;
  }
  if (!args.empty() && args[0] == "__complete") {
    cli::print_completions(std::vector<std::string>(args.begin() + 1, args.end()), std::cout);
    return 0;
  }
  // cachectl serve has a command line of its own (cli/serve_command.h).
  if (!args.empty() && args[0] == "__serve-worker") return cli::run_serve_worker_command(args);
  if (auto at = cli::command_index(args); at && args[*at] == "serve")
    return cli::run_serve_command(args);
  cli::Invocation inv;
  try {
    inv = cli::parse_command_line(args);
  } catch (const cli::UsageError& e) {
    cli::print_usage(std::cerr);
    std::cerr << "\ncachectl: error: " << e.what() << "\n";
    return 252;
  }
  if (auto err = cli::apply_config(inv.global)) return report(*err, inv.operation);
  if (inv.command == "version") {
    std::cout << "cachectl " << cli::kVersion << "\n";
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
  if (inv.help && inv.command == "resume") {
    std::cout << "cachectl [--state-dir DIR] resume\n\n" << cli::resume_summary() << "\n";
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

  if (auto rc = cli::check_query(inv.global)) return *rc;
  if (inv.skeleton == "input") {
    std::cout << cli::input_skeleton(inv.operation).dump(4) << "\n";
    return 0;
  }
  if (inv.skeleton == "output") {
    // aws-cli answers with a stubbed response: printed like a real one.
    return cli::print_response(nlohmann::json::parse(cli::output_skeleton(inv.operation).dump()),
                               inv.operation, inv.global, std::cout);
  }

  // aws-cli turns automatic paging off when the API's own paging members
  // (--marker, --max-records) are on the command line.
  std::optional<cli::Paginator> paginator =
      inv.waiter.empty() ? cli::find_paginator(inv.operation) : std::nullopt;
  bool paginate = paginator && !inv.global.no_paginate;
  if (paginator) {
    for (const auto& member : inv.option_members) {
      bool token = std::find(paginator->input_tokens.begin(), paginator->input_tokens.end(),
                             member) != paginator->input_tokens.end();
      if (token || member == paginator->limit_key) paginate = false;
    }
    if (!paginate && inv.paging.any()) {
      std::cerr << "\nError during pagination: Cannot specify --no-paginate along with pagination "
                   "arguments: "
                << inv.paging.given_names() << "\n";
      return 252;
    }
    if (inv.paging.max_items && *inv.paging.max_items <= 0)
      std::cerr
          << "warning: Non-positive values for --max-items may result in undefined behavior.\n";
  }

  if (inv.global.debug) print_request_line(inv, std::cerr);

  auto home = core::StateHome::locate(inv.global.state_dir);
  if (!home) return report(home.error(), inv.operation);
  if (auto err = home->prepare()) return report(*err, inv.operation);
  cli::Context ctx(*home, inv.global, inv.global.region.value_or("us-east-1"));

  int rc = run_operation(ctx, inv, paginator, paginate);
  if (ctx.event_error) {
    // The operation was done; an event of it could not be recorded.
    int event_rc = report(*ctx.event_error, inv.operation);
    if (rc == 0) rc = event_rc;
  }
  return rc;
}

int run_operation(cli::Context& ctx, const cli::Invocation& inv,
                  const std::optional<cli::Paginator>& paginator, bool paginate) {
  if (inv.command == "resume") return cli::run_resume(ctx, std::cout);
  if (!inv.waiter.empty()) return cli::run_waiter(ctx, inv.waiter, inv.request);
  cli::Handler handler = cli::find_handler(inv.operation);
  if (!handler) {
    return report(
        {"NotImplemented",
         inv.command + " is part of the ElastiCache API but cachectl does not implement it yet."},
        inv.operation);
  }
  if (paginate) {
    auto pages =
        cli::fetch_pages(*paginator, inv.paging, inv.request,
                         [&](const nlohmann::json& request) { return handler(ctx, request); });
    if (!pages) return report(pages.error(), inv.operation);
    return cli::print_pages(*paginator, *pages, inv.operation, inv.global, std::cout);
  }
  core::Result<nlohmann::json> result = handler(ctx, inv.request);
  if (!result) return report(result.error(), inv.operation);
  return cli::print_response(*result, inv.operation, inv.global, std::cout);
}

}  // namespace

int main(int argc, char** argv) {
  // Everything written goes into the state home, which is the owner's only
  // (auth tokens in redis.conf, snapshots' data): files 0600, folders 0700.
  ::umask(077);
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
