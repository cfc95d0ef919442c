#include "cli/command_line.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

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

std::string read_value(const std::string& text, const std::string& option) {
  if (text.rfind("file://", 0) != 0) return text;
  std::string path = text.substr(7);
  // aws-cli expands ~ in paramfile paths (os.path.expanduser).
  if (path.rfind("~/", 0) == 0) {
    const char* home = std::getenv("HOME");
    if (home) path = home + path.substr(1);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw UsageError("Error parsing parameter '" + option + "': Unable to load paramfile " + text +
                     ": cannot read the file");
  std::ostringstream os;
  os << in.rdbuf();
  std::string s = os.str();
  return s;
}

json scalar_from_text(const std::string& text, const ModelJson& shape, const std::string& option) {
  std::string type = shape["type"];
  if (type == "integer" || type == "long") {
    try {
      std::size_t used = 0;
      long long v = std::stoll(text, &used);
      if (used != text.size()) throw std::invalid_argument("trailing");
      return v;
    } catch (const std::exception&) {
      throw UsageError("invalid value for " + option + ": '" + text + "' is not an integer");
    }
  }
  if (type == "boolean") {
    if (text == "true" || text == "True") return true;
    if (text == "false" || text == "False") return false;
    throw UsageError("invalid value for " + option + ": '" + text + "' is not true or false");
  }
  if (type == "double" || type == "float") {
    try {
      return std::stod(text);
    } catch (const std::exception&) {
      throw UsageError("invalid value for " + option + ": '" + text + "' is not a number");
    }
  }
  if (shape.contains("enum")) {
    bool found = false;
    for (const auto& e : shape["enum"]) found = found || e == text;
    if (!found) {
      std::string values;
      for (const auto& e : shape["enum"])
        values += (values.empty() ? "" : ", ") + e.get<std::string>();
      throw UsageError("invalid value for " + option + ": '" + text + "' (choose from " + values +
                       ")");
    }
  }
  return text;
}

// Shorthand: Key=a,Value=b  (aws-cli's syntax for flat structures).
json parse_shorthand(const std::string& text, const ModelJson& shape, const std::string& option) {
  const ApiModel& model = ApiModel::get();
  json out = json::object();
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t eq = text.find('=', pos);
    if (eq == std::string::npos) {
      throw UsageError("Error parsing parameter '" + option +
                       "': Expected: '=', received: end of input for input: " + text);
    }
    std::string key = text.substr(pos, eq - pos);
    std::size_t comma = text.find(',', eq + 1);
    // A comma followed by something without '=' belongs to the value.
    while (comma != std::string::npos) {
      std::size_t next_eq = text.find('=', comma + 1);
      std::size_t next_comma = text.find(',', comma + 1);
      if (next_eq != std::string::npos && (next_comma == std::string::npos || next_eq < next_comma))
        break;
      comma = next_comma;
    }
    std::string value =
        text.substr(eq + 1, comma == std::string::npos ? std::string::npos : comma - eq - 1);
    const ModelJson& members = shape["members"];
    if (!members.contains(key)) {
      std::string valid;
      for (auto it = members.begin(); it != members.end(); ++it)
        valid += (valid.empty() ? "" : ", ") + it.key();
      throw UsageError("Unknown parameter in " + option + ": \"" + key +
                       "\", must be one of: " + valid);
    }
    const ModelJson& member_shape = model.shape(members[key]["shape"]);
    out[key] = scalar_from_text(value, member_shape, option + " " + key);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

json check_json_against(const json& value, const ModelJson& shape, const std::string& option);

}  // namespace

json parse_structure_value(const std::string& raw, const ModelJson& shape,
                           const std::string& option) {
  std::string text = read_value(raw, option);
  std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (text[first] == '{' || text[first] == '[')) {
    json parsed = json::parse(text, nullptr, false);
    if (parsed.is_discarded())
      throw UsageError("Error parsing parameter '" + option + "': Invalid JSON: " + text);
    return check_json_against(parsed, shape, option);
  }
  if (shape["type"] == "structure") return parse_shorthand(text, shape, option);
  throw UsageError("Error parsing parameter '" + option + "': expected JSON for this option");
}

namespace {

json check_json_against(const json& v, const ModelJson& shape, const std::string& option) {
  const ApiModel& model = ApiModel::get();
  std::string type = shape["type"];
  auto wrong = [&](const char* what) {
    return UsageError("Invalid type for parameter " + option + ", value: " + v.dump() +
                      ", valid types: " + what);
  };
  if (type == "structure") {
    if (!v.is_object()) throw wrong("<class 'dict'>");
    json out = json::object();
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (!shape["members"].contains(it.key()))
        throw UsageError("Unknown parameter in " + option + ": \"" + it.key() + "\"");
      out[it.key()] = check_json_against(
          it.value(), model.shape(shape["members"][it.key()]["shape"]), option + "." + it.key());
    }
    return out;
  }
  if (type == "list") {
    if (!v.is_array()) throw wrong("<class 'list'>, <class 'tuple'>");
    json out = json::array();
    for (const auto& item : v)
      out.push_back(check_json_against(item, model.shape(shape["member"]["shape"]), option));
    return out;
  }
  if (type == "map") {
    if (!v.is_object()) throw wrong("<class 'dict'>");
    return v;
  }
  if (type == "integer" || type == "long") {
    if (!v.is_number_integer()) throw wrong("<class 'int'>");
    return v;
  }
  if (type == "boolean") {
    if (!v.is_boolean()) throw wrong("<class 'bool'>");
    return v;
  }
  if (!v.is_string()) throw wrong("<class 'str'>");
  return scalar_from_text(v.get<std::string>(), shape, option);
}

struct MemberSlot {
  std::string member;
  ModelJson shape;
  std::string text;
  std::vector<std::string> texts;
  bool flag_on = false;
  bool flag_off = false;
  CLI::Option* option = nullptr;
  CLI::Option* negated = nullptr;
};

// --cli-input-json: the request as JSON (or file://PATH); members given as
// options win, as in aws-cli; the rest is checked against the model.
void merge_cli_input_json(Invocation& inv, const std::string& raw) {
  const ApiModel& model = ApiModel::get();
  std::string text = read_value(raw, "--cli-input-json");
  json input = json::parse(text, nullptr, false);
  if (input.is_discarded() || !input.is_object())
    throw UsageError(
        "Error parsing parameter 'cli-input-json': Invalid JSON: expected a JSON object\nJSON "
        "received: " +
        text);
  const ModelJson& op = model.operation(inv.operation);
  const ModelJson& members =
      op.contains("input") ? model.shape(op["input"]["shape"])["members"] : ModelJson::object();
  for (auto it = input.begin(); it != input.end(); ++it) {
    if (!members.contains(it.key())) {
      std::string valid;
      for (auto m = members.begin(); m != members.end(); ++m)
        valid += (valid.empty() ? "" : ", ") + m.key();
      throw UsageError("Parameter validation failed:\nUnknown parameter in input: \"" + it.key() +
                       "\", must be one of: " + valid);
    }
    if (inv.request.contains(it.key())) continue;
    inv.request[it.key()] =
        check_json_against(it.value(), model.shape(members[it.key()]["shape"]), it.key());
  }
}

}  // namespace

Invocation parse_command_line(const std::vector<std::string>& args) {
  Invocation inv;
  // Find the command: the first word that is not a global option or its value.
  std::vector<std::string> rest;
  std::size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) == 0) {
      rest.push_back(a);
      if (kGlobalWithValue.count(a) && i + 1 < args.size()) rest.push_back(args[++i]);
      continue;
    }
    if (a == "-h") {
      rest.push_back("--help");
      continue;
    }
    inv.command = a;
    ++i;
    break;
  }
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

  CLI::App app{"cachectl"};
  app.allow_extras(false);
  app.set_help_flag();  // help is ours, not CLI11's
  std::string output, query, state_dir, region, profile, color, ignored;
  bool debug = false, no_paginate = false;
  app.add_option("--state-dir", state_dir);
  app.add_option("--output", output)
      ->check(CLI::IsMember({"json", "text", "table", "yaml", "yaml-stream"}));
  app.add_option("--query", query);
  app.add_option("--region", region);
  app.add_option("--profile", profile);
  app.add_option("--color", color)->check(CLI::IsMember({"on", "off", "auto"}));
  const std::set<std::string> kept = {"--state-dir", "--output",  "--query",
                                      "--region",    "--profile", "--color"};
  for (const auto& g : kGlobalWithValue)
    if (!kept.count(g)) app.add_option(g, ignored);
  app.add_flag("--debug", debug);
  app.add_flag("--no-paginate", no_paginate);
  for (const auto& f : kGlobalFlags)
    if (f != "--debug" && f != "--no-paginate") app.add_flag(f);
  app.add_flag("--help");

  std::string cli_input_json;
  CLI::Option* cli_input_option = nullptr;
  std::string max_items, page_size, starting_token;
  CLI::Option* max_items_option = nullptr;
  CLI::Option* page_size_option = nullptr;
  CLI::Option* starting_token_option = nullptr;
  if (!inv.operation.empty()) {
    cli_input_option = app.add_option("--cli-input-json", cli_input_json);
    // aws-cli's paging options, on every operation of paginators-1.json.
    if (!inv.waiter.empty() ? false : find_paginator(inv.operation).has_value()) {
      max_items_option = app.add_option("--max-items", max_items);
      page_size_option = app.add_option("--page-size", page_size);
      starting_token_option = app.add_option("--starting-token", starting_token);
    }
  }

  std::deque<MemberSlot> slots;
  if (!inv.operation.empty()) {
    const ModelJson& op = model.operation(inv.operation);
    if (op.contains("input")) {
      const ModelJson& input = model.shape(op["input"]["shape"]);
      for (auto it = input["members"].begin(); it != input["members"].end(); ++it) {
        MemberSlot& s = slots.emplace_back();
        s.member = it.key();
        s.shape = model.shape(it.value()["shape"]);
        std::string name = "--" + kebab_case(it.key());
        std::string type = s.shape["type"];
        if (type == "boolean") {
          s.option = app.add_flag(name, s.flag_on);
          s.negated = app.add_flag("--no-" + kebab_case(it.key()), s.flag_off);
        } else if (type == "list") {
          // No allow_extra_args: CLI11 would split a JSON array value at its commas.
          s.option = app.add_option(name, s.texts)->expected(1, 1 << 20)->allow_extra_args(false);
        } else {
          s.option = app.add_option(name, s.text);
        }
      }
    }
  }
  std::vector<std::string> reversed(rest.rbegin(), rest.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    if (!inv.help) throw UsageError(e.what());
  }
  inv.global.output = output.empty() ? "json" : output;
  inv.global.output_given = !output.empty();
  if (!query.empty()) inv.global.query = query;
  if (!state_dir.empty()) inv.global.state_dir = state_dir;
  if (!region.empty()) inv.global.region = region;
  if (!profile.empty()) inv.global.profile = profile;
  if (!color.empty()) inv.global.color = color;
  inv.global.color_given = !color.empty();
  inv.global.debug = debug;
  inv.global.no_paginate = no_paginate;
  if (inv.help) return inv;

  for (auto& s : slots) {
    std::string name = "--" + kebab_case(s.member);
    std::string type = s.shape["type"];
    if (type == "boolean") {
      if (s.flag_on && s.flag_off)
        throw UsageError("cannot specify both '" + name + "' and '--no-" + kebab_case(s.member) +
                         "'");
      if (s.flag_on) inv.request[s.member] = true;
      if (s.flag_off) inv.request[s.member] = false;
    } else if (type == "list") {
      if (s.option->count() == 0) continue;
      const ModelJson& item_shape = model.shape(s.shape["member"]["shape"]);
      if (kParamfileDisabled.count(inv.operation + "." + s.member)) {
        // Still a JSON list when given as one; each item taken as it is.
        const std::string& first = s.texts[0];
        std::size_t at = first.find_first_not_of(" \t\r\n");
        bool json_list = s.texts.size() == 1 && at != std::string::npos && first[at] == '[';
        inv.request[s.member] =
            json_list ? parse_structure_value(first, s.shape, name) : json(s.texts);
        continue;
      }
      // A single JSON array (or file://) gives the whole list.
      if (s.texts.size() == 1) {
        std::string text = read_value(s.texts[0], name);
        std::size_t first = text.find_first_not_of(" \t\r\n");
        if (first != std::string::npos && text[first] == '[') {
          inv.request[s.member] = parse_structure_value(text, s.shape, name);
          continue;
        }
      }
      json list = json::array();
      for (const auto& t : s.texts) {
        if (item_shape["type"] == "structure") {
          list.push_back(parse_structure_value(t, item_shape, name));
        } else {
          list.push_back(scalar_from_text(read_value(t, name), item_shape, name));
        }
      }
      inv.request[s.member] = list;
    } else if (s.option->count() > 0) {
      if (type == "structure" || type == "map") {
        inv.request[s.member] = parse_structure_value(s.text, s.shape, name);
      } else {
        inv.request[s.member] = scalar_from_text(read_value(s.text, name), s.shape, name);
      }
    }
  }
  for (auto it = inv.request.begin(); it != inv.request.end(); ++it)
    inv.option_members.push_back(it.key());

  auto integer_option = [](CLI::Option* option,
                           const std::string& text) -> std::optional<long long> {
    if (!option || option->count() == 0) return std::nullopt;
    try {
      std::size_t used = 0;
      long long v = std::stoll(text, &used);
      if (used == text.size()) return v;
    } catch (const std::exception&) {
    }
    throw UsageError("argument " + option->get_name() + ": invalid int value: '" + text + "'");
  };
  inv.paging.max_items = integer_option(max_items_option, max_items);
  inv.paging.page_size = integer_option(page_size_option, page_size);
  if (starting_token_option && starting_token_option->count() > 0)
    inv.paging.starting_token = starting_token;

  const bool from_json = cli_input_option && cli_input_option->count() > 0;
  if (from_json) merge_cli_input_json(inv, cli_input_json);

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
