#include "cli/command_line.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <system_error>

#include "cli/json_input.h"
#include "cli/model_params.h"
#include "cli/shorthand.h"

namespace cachectl::cli {
namespace {

// Global options that take a value (aws-cli's, plus --state-dir).
const std::set<std::string> kGlobalWithValue = {
    "--state-dir", "--output",           "--query",
    "--region",    "--profile",          "--endpoint-url",
    "--color",     "--cli-read-timeout", "--cli-connect-timeout",
    "--ca-bundle", "--cli-binary-format"};
const std::set<std::string> kGlobalFlags = {
    "--debug",        "--no-paginate",     "--no-verify-ssl",     "--no-sign-request",
    "--no-cli-pager", "--cli-auto-prompt", "--no-cli-auto-prompt"};

// Options whose values are URLs of data, not paramfiles, as aws-cli's
// PARAMFILE_DISABLED set (e.g. cloudformation's --template-url): here a
// file:// URL names the RDB file a new cluster is seeded from, and must reach
// the node daemon unchanged.
const std::set<std::string> kParamfileDisabled = {"CreateCacheCluster.SnapshotArns",
                                                  "CreateReplicationGroup.SnapshotArns"};

// A request is small; a paramfile larger than this is a mistake (or /dev/zero).
constexpr std::size_t kMaxParamfile = 16u << 20;

// file://PATH (and fileb://): the file's contents, as aws-cli's paramfiles.
core::Result<std::string> paramfile(const std::string& text) {
  std::size_t skip = text.rfind("file://", 0) == 0 ? 7 : text.rfind("fileb://", 0) == 0 ? 8 : 0;
  if (skip == 0) return text;
  std::string path = text.substr(skip);
  // aws-cli expands ~ in paramfile paths (os.path.expanduser).
  if (path.rfind("~/", 0) == 0) {
    const char* home = std::getenv("HOME");
    if (home) path = home + path.substr(1);
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return core::ApiError{"Paramfile", "Unable to load paramfile " + text + ": it is a directory"};
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return core::ApiError{"Paramfile",
                          "Unable to load paramfile " + text + ": cannot read the file"};
  // Bounded, so that file:///dev/zero is an error rather than a hang.
  std::string contents;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    contents.append(buf, static_cast<std::size_t>(in.gcount()));
    if (contents.size() > kMaxParamfile)
      return core::ApiError{"Paramfile", "Unable to load paramfile " + text + ": larger than " +
                                             std::to_string(kMaxParamfile >> 20) + " MiB"};
  }
  if (in.bad())
    return core::ApiError{"Paramfile",
                          "Unable to load paramfile " + text + ": cannot read the file"};
  return contents;
}

std::string read_value(const std::string& text, const std::string& option) {
  if (text.rfind("file://", 0) != 0) return text;
  auto contents = paramfile(text);
  if (!contents)
    throw UsageError("Error parsing parameter '" + option + "': " + contents.error().message);
  return *contents;
}

// A conversion's error as aws-cli words it.
UsageError usage_error(const core::ApiError& e, const std::string& option) {
  if (e.code == "ParamValidation") return UsageError("Parameter validation failed:\n" + e.message);
  return UsageError("Error parsing parameter '" + option + "': " + e.message);
}

json plain(const nlohmann::ordered_json& v) { return json(v); }

// Input echoed in a message: a huge one cut short.
std::string echoed(const std::string& text) {
  return text.size() > 1000
             ? text.substr(0, 1000) + "... (" + std::to_string(text.size()) + " bytes)"
             : text;
}

bool starts_like_json(const std::string& text) {
  std::size_t first = text.find_first_not_of(" \t\r\n\v\f");
  return first != std::string::npos && (text[first] == '{' || text[first] == '[');
}

// Shorthand applies to structures, maps and lists of those (aws-cli's
// _supports_shorthand_syntax); a list of scalars takes its items as words.
bool takes_shorthand(const ModelJson& shape) {
  const std::string type = shape.value("type", "");
  if (type == "structure" || type == "map") return true;
  if (type != "list") return false;
  std::string item = ApiModel::get().shape(shape["member"].value("shape", "")).value("type", "");
  return item == "structure" || item == "map" || item == "list";
}

// A scalar option's text in its member's type (checked later with the rest).
json scalar_value(const std::string& raw, const ModelJson& shape, const std::string& option,
                  const std::string& name) {
  auto v = scalar_from_text(read_value(raw, option), shape, name);
  if (!v) throw usage_error(v.error(), option);
  return *v;
}

}  // namespace

json parse_structure_value(const std::string& raw, const ModelJson& shape,
                           const std::string& option, const std::string& name) {
  std::string text = read_value(raw, option);
  if (starts_like_json(text)) {
    auto parsed = parse_json_input(text);
    if (!parsed)
      throw UsageError("Error parsing parameter '" + option + "': Invalid JSON: " +
                       parsed.error().message + "\nJSON received: " + echoed(text));
    return plain(*parsed);
  }
  if (!takes_shorthand(shape))
    throw UsageError("Error parsing parameter '" + option + "': expected JSON for this option");
  auto parsed = shorthand::parse(text, paramfile);
  if (!parsed) throw usage_error(parsed.error(), option);
  auto typed = shorthand_to_model(*parsed, shape, name);
  if (!typed) throw usage_error(typed.error(), option);
  return *typed;
}

namespace {

// --cli-input-json: the request as JSON (or file://PATH); members given as
// options win, as in aws-cli. The whole request is checked afterwards.
void merge_cli_input_json(Invocation& inv, const std::string& raw) {
  std::string text = read_value(raw, "--cli-input-json");
  auto input = parse_json_input(text);
  if (!input || !input->is_object())
    throw UsageError("Error parsing parameter 'cli-input-json': Invalid JSON: " +
                     (input ? std::string("expected a JSON object") : input.error().message) +
                     "\nJSON received: " + echoed(text));
  for (auto it = input->begin(); it != input->end(); ++it)
    if (!inv.request.contains(it.key())) inv.request[it.key()] = plain(it.value());
}

// --max-items, --page-size: integers of the limit key's type (aws-cli's
// PageArgument), so 32-bit here.
std::optional<long long> paging_integer(CLI::Option* option, const std::string& text) {
  if (!option || option->count() == 0) return std::nullopt;
  IntText n = parse_int_text(text);
  IntRange range = int_range("integer");
  if (n.status == IntText::kOk && n.value >= range.min && n.value <= range.max) return n.value;
  std::string why = n.status == IntText::kNotAnInteger
                        ? ""
                        : " (valid range: " + std::to_string(range.min) + " to " +
                              std::to_string(range.max) + ", a " + range.what + ")";
  throw UsageError("argument " + option->get_name() + ": invalid int value: '" + text + "'" + why);
}

// An option with one value given twice: the last one counts, as argparse's
// "store" action does in aws-cli (CLI11's default is an error).
CLI::Option* last_wins(CLI::Option* option) {
  return option->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

}  // namespace

// The option table of one operation (or of none: help, version): a CLI11
// parser of the global options and of every member of the operation's input,
// with the variables its options store into. Building it is the costly part
// of parsing a line (CLI11 checks each option's names against every one
// before it); parsing again starts with reset().
struct CommandLineParser::Table {
  // CLI11 2.1's App::clear() leaves the parse order of the last parse; the
  // order of --x and --no-x must be this line's alone.
  struct App : CLI::App {
    using CLI::App::App;
    void reset() {
      clear();
      parse_order_.clear();
    }
  };
  struct MemberSlot {
    std::string member;  // "CacheClusterId"
    std::string name;    // its option, "--cache-cluster-id"
    ModelJson shape;
    std::string type;  // the shape's
    std::string text;
    std::vector<std::string> texts;
    CLI::Option* option = nullptr;
    CLI::Option* negated = nullptr;
  };

  App app{"cachectl"};
  std::string output, query, state_dir, region, profile, color, ignored;
  bool debug = false, no_paginate = false;
  std::string cli_input_json;
  CLI::Option* cli_input_option = nullptr;
  std::string max_items, page_size, starting_token;
  CLI::Option* max_items_option = nullptr;
  CLI::Option* page_size_option = nullptr;
  CLI::Option* starting_token_option = nullptr;
  std::deque<MemberSlot> slots;  // a deque: options keep pointers into it

  // `operation` empty: the global options only; `paging`: --max-items and the
  // others, where paginators-1.json pages the operation (not under wait).
  Table(const std::string& operation, bool paging);

  // Every option unseen and every variable empty, as a table just built.
  void reset() {
    app.reset();
    for (std::string* s : {&output, &query, &state_dir, &region, &profile, &color, &ignored,
                           &cli_input_json, &max_items, &page_size, &starting_token})
      s->clear();
    debug = no_paginate = false;
    for (MemberSlot& s : slots) {
      s.text.clear();
      s.texts.clear();
    }
  }
};

CommandLineParser::Table::Table(const std::string& operation, bool paging) {
  const ApiModel& model = ApiModel::get();
  app.allow_extras(false);
  app.set_help_flag();  // help is ours, not CLI11's
  last_wins(app.add_option("--state-dir", state_dir));
  last_wins(app.add_option("--output", output))
      ->check(CLI::IsMember({"json", "text", "table", "yaml", "yaml-stream"}));
  last_wins(app.add_option("--query", query));
  last_wins(app.add_option("--region", region));
  last_wins(app.add_option("--profile", profile));
  last_wins(app.add_option("--color", color))->check(CLI::IsMember({"on", "off", "auto"}));
  const std::set<std::string> kept = {"--state-dir", "--output",  "--query",
                                      "--region",    "--profile", "--color"};
  for (const auto& g : kGlobalWithValue)
    if (!kept.count(g)) last_wins(app.add_option(g, ignored));
  app.add_flag("--debug", debug);
  app.add_flag("--no-paginate", no_paginate);
  for (const auto& f : kGlobalFlags)
    if (f != "--debug" && f != "--no-paginate") app.add_flag(f);
  app.add_flag("--help");

  if (operation.empty()) return;
  cli_input_option = last_wins(app.add_option("--cli-input-json", cli_input_json));
  // aws-cli's paging options, on every operation of paginators-1.json.
  if (paging && find_paginator(operation).has_value()) {
    max_items_option = last_wins(app.add_option("--max-items", max_items));
    page_size_option = last_wins(app.add_option("--page-size", page_size));
    starting_token_option = last_wins(app.add_option("--starting-token", starting_token));
  }

  const ModelJson& op = model.operation(operation);
  if (!op.contains("input")) return;
  const ModelJson& input = model.shape(op["input"]["shape"]);
  for (auto it = input["members"].begin(); it != input["members"].end(); ++it) {
    MemberSlot& s = slots.emplace_back();
    s.member = it.key();
    s.name = "--" + kebab_case(it.key());
    s.shape = model.shape(it.value()["shape"]);
    s.type = s.shape["type"];
    if (s.type == "boolean") {
      s.option = app.add_flag(s.name);
      s.negated = app.add_flag("--no-" + kebab_case(it.key()));
    } else if (s.type == "list") {
      // No allow_extra_args: CLI11 would split a JSON array value at its commas.
      // Given twice, the last occurrence's words are the list (aws-cli's
      // nargs='+' with argparse's "store"), not both: triggered at each
      // occurrence, CLI11 drops what the one before collected.
      s.option = app.add_option(s.name, s.texts)
                     ->expected(1, 1 << 20)
                     ->allow_extra_args(false)
                     ->trigger_on_parse();
    } else {
      s.option = last_wins(app.add_option(s.name, s.text));
    }
  }
}

CommandLineParser::CommandLineParser() = default;
CommandLineParser::~CommandLineParser() = default;

std::optional<std::size_t> command_index(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) == 0) {
      if (kGlobalWithValue.count(a)) ++i;  // and its value
      continue;
    }
    if (a != "-h") return i;
  }
  return std::nullopt;
}

Invocation parse_command_line(const std::vector<std::string>& args) {
  return CommandLineParser().parse(args);
}

Invocation CommandLineParser::parse(const std::vector<std::string>& args) {
  Invocation inv;
  // Find the command: the first word that is not a global option or its value.
  std::vector<std::string> rest;
  const std::optional<std::size_t> at = command_index(args);
  std::size_t i = 0;
  for (; i < at.value_or(args.size()); ++i) rest.push_back(args[i] == "-h" ? "--help" : args[i]);
  if (at) inv.command = args[i++];
  const std::size_t first_after_command = rest.size();
  for (; i < args.size(); ++i) rest.push_back(args[i]);

  const ApiModel& model = ApiModel::get();
  if (inv.command == "wait") {
    if (rest.size() > first_after_command && rest[first_after_command].rfind("-", 0) != 0) {
      std::string name = rest[first_after_command];
      rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(first_after_command));
      std::string pascal = pascal_from_kebab(name);
      if (name != "help" && !model.waiters().contains(pascal)) {
        throw UsageError("argument wait: Invalid choice: '" + name +
                         "' (see 'cachectl wait help')");
      }
      if (name == "help") {
        inv.help = true;
      } else {
        inv.waiter = pascal;
        inv.operation = model.waiters()[pascal]["operation"];
      }
    }
  } else if (!inv.command.empty() && inv.command != "help" && inv.command != "version" &&
             inv.command != "resume") {
    auto op = model.operation_for(inv.command);
    if (!op)
      throw UsageError("argument operation: Invalid choice: '" + inv.command +
                       "' (see 'cachectl help')");
    inv.operation = *op;
  }
  // --generate-cli-skeleton takes an optional value (aws-cli: nargs='?',
  // "input" when absent), which CLI11 cannot express; take it out first.
  for (std::size_t k = 0; k < rest.size(); ++k) {
    const std::string flag = "--generate-cli-skeleton";
    if (rest[k] != flag && rest[k].rfind(flag + "=", 0) != 0) continue;
    std::string value = "input";
    std::size_t used = 1;
    if (rest[k].size() > flag.size()) {
      value = rest[k].substr(flag.size() + 1);
    } else if (k + 1 < rest.size() && rest[k + 1].rfind("-", 0) != 0 && rest[k + 1] != "help") {
      value = rest[k + 1];
      used = 2;
    }
    if (value != "input" && value != "output")
      throw UsageError("argument --generate-cli-skeleton: Invalid choice: '" + value +
                       "', choose from 'input', 'output'");
    if (inv.operation.empty() || !inv.waiter.empty())
      throw UsageError(
          "--generate-cli-skeleton goes with an operation, e.g. 'cachectl create-cache-cluster "
          "--generate-cli-skeleton'");
    inv.skeleton = value;
    rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(k),
               rest.begin() + static_cast<std::ptrdiff_t>(k + used));
    --k;
  }
  // Trailing "help" (aws-cli style: cachectl OPERATION help).
  if (!rest.empty() && rest.back() == "help") {
    inv.help = true;
    rest.pop_back();
  }
  for (const auto& r : rest)
    if (r == "--help") inv.help = true;

  // The option table of this operation, built by the first line that needs it.
  std::unique_ptr<Table>& slot = tables_[{inv.operation, inv.waiter.empty()}];
  if (!slot) slot = std::make_unique<Table>(inv.operation, inv.waiter.empty());
  Table& t = *slot;
  t.reset();
  auto& slots = t.slots;

  std::vector<std::string> reversed(rest.rbegin(), rest.rend());
  try {
    t.app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    if (!inv.help) throw UsageError(e.what());
  }
  inv.global.output = t.output.empty() ? "json" : t.output;
  inv.global.output_given = !t.output.empty();
  if (!t.query.empty()) inv.global.query = t.query;
  if (!t.state_dir.empty()) inv.global.state_dir = t.state_dir;
  if (!t.region.empty()) inv.global.region = t.region;
  if (!t.profile.empty()) inv.global.profile = t.profile;
  if (!t.color.empty()) inv.global.color = t.color;
  inv.global.color_given = !t.color.empty();
  inv.global.debug = t.debug;
  inv.global.no_paginate = t.no_paginate;
  if (inv.help) return inv;

  for (auto& s : slots) {
    const std::string& name = s.name;
    const std::string& type = s.type;
    if (type == "boolean") {
      // --x and --no-x: the last one on the line wins, as in aws-cli.
      for (const CLI::Option* given : t.app.parse_order()) {
        if (given == s.option) inv.request[s.member] = true;
        if (given == s.negated) inv.request[s.member] = false;
      }
    } else if (type == "list") {
      if (s.option->count() == 0) continue;
      const ModelJson& item_shape = model.shape(s.shape["member"]["shape"]);
      if (kParamfileDisabled.count(inv.operation + "." + s.member)) {
        // Still a JSON list when given as one; each item taken as it is.
        bool json_list = s.texts.size() == 1 && starts_like_json(s.texts[0]);
        inv.request[s.member] =
            json_list ? parse_structure_value(s.texts[0], s.shape, name, s.member) : json(s.texts);
        continue;
      }
      // A single JSON array (or file://) gives the whole list.
      if (s.texts.size() == 1) {
        std::string text = read_value(s.texts[0], name);
        std::size_t first = text.find_first_not_of(" \t\r\n\v\f");
        if (first != std::string::npos && text[first] == '[') {
          inv.request[s.member] = parse_structure_value(text, s.shape, name, s.member);
          continue;
        }
      }
      // Else one item per word: shorthand or JSON for structures, text for scalars.
      json list = json::array();
      for (std::size_t i = 0; i < s.texts.size(); ++i) {
        std::string item_name = s.member + "[" + std::to_string(i) + "]";
        list.push_back(takes_shorthand(item_shape)
                           ? parse_structure_value(s.texts[i], item_shape, name, item_name)
                           : scalar_value(s.texts[i], item_shape, name, item_name));
      }
      inv.request[s.member] = list;
    } else if (s.option->count() > 0) {
      if (type == "structure" || type == "map") {
        inv.request[s.member] = parse_structure_value(s.text, s.shape, name, s.member);
      } else {
        inv.request[s.member] = scalar_value(s.text, s.shape, name, s.member);
      }
    }
  }
  for (auto it = inv.request.begin(); it != inv.request.end(); ++it)
    inv.option_members.push_back(it.key());

  inv.paging.max_items = paging_integer(t.max_items_option, t.max_items);
  inv.paging.page_size = paging_integer(t.page_size_option, t.page_size);
  if (t.starting_token_option && t.starting_token_option->count() > 0)
    inv.paging.starting_token = t.starting_token;

  const bool from_json = t.cli_input_option && t.cli_input_option->count() > 0;
  if (from_json) merge_cli_input_json(inv, t.cli_input_json);

  // Every member, from the line or the JSON, in the model's types and bounds
  // before anything runs (botocore's ParamValidator).
  if (!inv.operation.empty()) {
    const ModelJson& op = model.operation(inv.operation);
    std::vector<std::string> problems =
        validate_request(inv.request, op.contains("input") ? model.shape(op["input"]["shape"])
                                                           : ModelJson::object());
    if (!problems.empty()) {
      std::string report = "Parameter validation failed:";
      for (const auto& p : problems) report += "\n" + p;
      throw UsageError(report);
    }
  }

  // aws-cli does not ask for required members when printing an input
  // skeleton; with --cli-input-json they may come from the JSON.
  if (!inv.operation.empty() && inv.skeleton != "input") {
    const ModelJson& op = model.operation(inv.operation);
    if (op.contains("input")) {
      const ModelJson& input = model.shape(op["input"]["shape"]);
      std::string missing, missing_members;
      for (const auto& r : input.value("required", ModelJson::array())) {
        if (inv.request.contains(r.get<std::string>())) continue;
        missing += (missing.empty() ? "--" : ", --") + kebab_case(r);
        missing_members +=
            "\nMissing required parameter in input: \"" + r.get<std::string>() + "\"";
      }
      if (!missing.empty() && from_json)
        throw UsageError("Parameter validation failed:" + missing_members);
      if (!missing.empty()) throw UsageError("the following arguments are required: " + missing);
    }
  }
  return inv;
}

}  // namespace cachectl::cli
