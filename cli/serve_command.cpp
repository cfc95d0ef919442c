#include "cli/serve_command.h"

#include <charconv>
#include <filesystem>
#include <iostream>
#include <optional>
#include <set>

#include "cli/cli_config.h"
#include "cli/command_line.h"
#include "cli/help_document.h"
#include "core/state_home.h"
#include "serve/server.h"
#include "serve/sigv4.h"
#include "serve/worker.h"

namespace cachectl::cli {
namespace {

namespace fs = std::filesystem;

struct ServeArgs {
  std::optional<std::string> state_dir, region, profile, listen, credentials;
  int workers = 4;
  int request_timeout = 10, idle_timeout = 60;  // seconds
  bool help = false;
};

struct BadUsage {
  std::string message;
};

int positive(const std::string& option, const std::string& text, int max) {
  int n = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), n);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || n < 1 || n > max)
    throw BadUsage{"argument " + option + ": expected a whole number from 1 to " +
                   std::to_string(max) + ", not '" + text + "'"};
  return n;
}

// The words of the line: serve's options anywhere, the global ones that
// apply to it (--state-dir, --region, --profile) too; "--x=v" or "--x v".
ServeArgs parse(const std::vector<std::string>& args, std::size_t command_at) {
  ServeArgs a;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i == command_at) continue;
    std::string word = args[i], value;
    if (word == "help" || word == "--help" || word == "-h") {
      a.help = true;
      continue;
    }
    bool inline_value = false;
    if (auto eq = word.find('='); word.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = word.substr(eq + 1);
      word = word.substr(0, eq);
      inline_value = true;
    }
    static const std::set<std::string> kTakesValue = {
        "--state-dir",   "--region",  "--profile",         "--listen",
        "--credentials", "--workers", "--request-timeout", "--idle-timeout"};
    if (!kTakesValue.count(word))
      throw BadUsage{"serve takes no '" + word + "' (see 'cachectl serve help')"};
    if (!inline_value) {
      if (i + 1 >= args.size() || i + 1 == command_at)
        throw BadUsage{"argument " + word + ": expected one argument"};
      value = args[++i];
    }
    if (word == "--state-dir") a.state_dir = value;
    if (word == "--region") a.region = value;
    if (word == "--profile") a.profile = value;
    if (word == "--listen") a.listen = value;
    if (word == "--credentials") a.credentials = value;
    if (word == "--workers") a.workers = positive(word, value, 64);
    if (word == "--request-timeout") a.request_timeout = positive(word, value, 3600);
    if (word == "--idle-timeout") a.idle_timeout = positive(word, value, 86400);
  }
  return a;
}

// "127.0.0.1:9736", "[::1]:9736", "localhost:9736", ":9736" (loopback).
void split_listen(const std::string& text, std::string& host, int& port) {
  std::size_t colon = text.rfind(':');
  if (colon == std::string::npos)
    throw BadUsage{"argument --listen: expected ADDRESS:PORT, e.g. " + std::string(kDefaultListen)};
  host = text.substr(0, colon);
  std::string port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty() || host == "localhost") host = "127.0.0.1";
  auto r = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (r.ec != std::errc() || r.ptr != port_text.data() + port_text.size() || port < 0 ||
      port > 65535)
    throw BadUsage{"argument --listen: '" + port_text +
                   "' is not a port (0-65535; 0: any free one)"};
}

bool is_loopback(const std::string& host) { return host.rfind("127.", 0) == 0 || host == "::1"; }

void print_help(std::ostream& out) {
  std::vector<HelpItem> options;
  for (const auto& o : serve_options())
    options.push_back({std::string(o.name) + " " + o.value, o.description});
  HelpDocument doc{"serve", {}};
  doc.sections.push_back(
      {"NAME", 1, {paragraph("serve - the ElastiCache API on a local endpoint")}});
  doc.sections.push_back(
      {"SYNOPSIS",
       1,
       {example("cachectl [--state-dir DIR] [--region REGION] serve [--listen ADDRESS:PORT]\n"
                "    [--credentials FILE] [--workers N] [--request-timeout SECONDS]\n"
                "    [--idle-timeout SECONDS]")}});
  doc.sections.push_back({"DESCRIPTION", 1, {paragraph(serve_summary())}});
  doc.sections.push_back({"OPTIONS", 1, {definitions(options)}});
  doc.sections.push_back(
      {"EXAMPLES",
       1,
       {example("cachectl serve &\n"
                "aws elasticache describe-cache-clusters --endpoint-url http://127.0.0.1:9736")}});
  render_text(doc, out);
}

}  // namespace

const char* serve_summary() {
  return "Serves the ElastiCache API (the Query protocol: form-encoded POSTs, XML answers) on a "
         "local HTTP endpoint, over the same state home as the command line, so that aws-cli "
         "(--endpoint-url), the SDKs (endpoint_url) and Terraform (endpoints { elasticache = ... "
         "}) manage the same clusters. Every operation the command line implements is served, "
         "with the same handlers; the others answer InvalidAction. Runs in the foreground until "
         "SIGINT or SIGTERM (the requests being run are answered first). Signatures are not "
         "checked unless --credentials is given; without it only the user running the server "
         "is served.";
}

const std::vector<ServeOption>& serve_options() {
  static const std::vector<ServeOption> options = {
      {"--listen", "ADDRESS:PORT",
       "Where to listen: an IPv4 or [IPv6] address, or localhost (default 127.0.0.1:9736; port "
       "0: any free port, printed at start)."},
      {"--credentials", "FILE",
       "Check every request's Signature Version 4 against the keys of this AWS credentials file "
       "(aws_access_key_id / aws_secret_access_key in any profile; mode 0600): a wrong key is "
       "InvalidClientTokenId, a wrong signature SignatureDoesNotMatch (HTTP 403). Without it, "
       "only connections of the user running the server are served (others: AccessDenied)."},
      {"--workers", "N",
       "Worker processes running operations, one request each at a time (default 4, at most "
       "64)."},
      {"--request-timeout", "SECONDS",
       "Time from a request's first byte to its last (default 10); then 408 RequestTimeout."},
      {"--idle-timeout", "SECONDS",
       "Time a keep-alive connection may wait for its next request, and a client to read its "
       "answer (default 60)."},
      {"--region", "REGION",
       "The region of ARNs when a request is not signed (default: as the command line's, else "
       "us-east-1); a signed request's credential scope names its own."},
  };
  return options;
}

int run_serve_command(const std::vector<std::string>& args) {
  ServeArgs a;
  std::string host;
  int port = 0;
  try {
    a = parse(args, command_index(args).value_or(args.size()));
    split_listen(a.listen.value_or(kDefaultListen), host, port);
  } catch (const BadUsage& e) {
    std::cerr << "usage: cachectl [--state-dir DIR] serve [--listen ADDRESS:PORT] "
                 "[--credentials FILE] [--workers N]\n\ncachectl: error: "
              << e.message << "\n";
    return 252;
  }
  if (a.help) {
    print_help(std::cout);
    return 0;
  }
  auto fail = [](const core::ApiError& e) {
    std::cerr << "\ncachectl: " << e.message << "\n";
    return 253;
  };
  GlobalOptions global;
  global.state_dir = a.state_dir;
  global.region = a.region;
  global.profile = a.profile;
  if (auto err = apply_config(global)) return fail(*err);
  auto home = core::StateHome::locate(global.state_dir);
  if (!home) return fail(home.error());
  if (auto err = home->prepare()) return fail(*err);
  std::optional<fs::path> credentials;
  if (a.credentials) {
    credentials = fs::absolute(*a.credentials);
    auto loaded = serve::load_credentials(*credentials);
    if (!loaded) return fail(loaded.error());
  } else if (!is_loopback(host)) {
    std::cerr << "cachectl serve: warning: listening on " << host
              << " without --credentials: only this user's connections from this machine are "
                 "served\n";
  }

  serve::ServerOptions options;
  options.host = host;
  options.port = port;
  options.workers = a.workers;
  options.request_timeout = std::chrono::seconds(a.request_timeout);
  options.idle_timeout = std::chrono::seconds(a.idle_timeout);
  options.own_user_only = !credentials;
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  options.worker_argv = {ec ? std::string("/proc/self/exe") : self.string(),
                         "__serve-worker",
                         "--state-dir",
                         home->root().string(),
                         "--region",
                         global.region.value_or("us-east-1")};
  if (credentials) {
    options.worker_argv.push_back("--credentials");
    options.worker_argv.push_back(credentials->string());
  }
  std::cerr << "cachectl serve: state home " << home->root().string() << ", " << a.workers
            << " workers" << (credentials ? ", signatures checked" : "") << "\n";
  if (auto err = serve::run_server(options, std::cout, std::cerr)) return fail(*err);
  return 0;
}

int run_serve_worker_command(const std::vector<std::string>& args) {
  std::optional<std::string> state_dir, region, credentials;
  for (std::size_t i = 1; i + 1 < args.size(); i += 2) {
    if (args[i] == "--state-dir") state_dir = args[i + 1];
    if (args[i] == "--region") region = args[i + 1];
    if (args[i] == "--credentials") credentials = args[i + 1];
  }
  if (!state_dir) {
    std::cerr << "cachectl __serve-worker: --state-dir is required (cachectl serve starts it)\n";
    return 252;
  }
  serve::QueryApiConfig config{core::StateHome(*state_dir), region.value_or("us-east-1"), {}};
  if (credentials) {
    auto loaded = serve::load_credentials(*credentials);
    if (!loaded) {
      std::cerr << "cachectl serve worker: " << loaded.error().message << "\n";
      return 253;
    }
    config.credentials = *loaded;
  }
  return serve::run_worker(3, config);
}

}  // namespace cachectl::cli
