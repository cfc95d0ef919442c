#include "cli/completion.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "cli/api_model.h"
#include "cli/cli_config.h"
#include "cli/context.h"
#include "cli/paging.h"
#include "cli/serve_command.h"
#include "core/engines.h"
#include "core/files.h"
#include "core/identifiers.h"
#include "core/node_types.h"
#include "core/state_home.h"
#include "core/toml_input.h"

namespace cachectl::cli {
namespace {

namespace fs = std::filesystem;

const char* const kFiles = ":files";
const char* const kDirs = ":dirs";

struct GlobalOption {
  const char* name;
  bool takes_value;
  const char* description;
};

const GlobalOption kGlobalOptions[] = {
    {"--state-dir", true, "where state lives"},
    {"--output", true, "json, text, table, yaml, yaml-stream"},
    {"--query", true, "JMESPath expression"},
    {"--region", true, "region of ARNs and zones"},
    {"--profile", true, "config file profile"},
    {"--color", true, "colours in tables"},
    {"--no-paginate", false, "one call, the first page"},
    {"--debug", false, "print the parsed request"},
    {"--endpoint-url", true, "accepted, ignored"},
    {"--no-verify-ssl", false, "accepted, ignored"},
    {"--no-sign-request", false, "accepted, ignored"},
    {"--no-cli-pager", false, "accepted, ignored"},
    {"--cli-read-timeout", true, "accepted, ignored"},
    {"--cli-connect-timeout", true, "accepted, ignored"},
    {"--ca-bundle", true, "accepted, ignored"},
    {"--cli-binary-format", true, "accepted, ignored"},
};

const GlobalOption* global_option(const std::string& name) {
  for (const auto& g : kGlobalOptions)
    if (name == g.name) return &g;
  return nullptr;
}

// An option of the command: a request member, or one cachectl adds.
struct CommandOption {
  std::string name;    // "--cache-cluster-id"
  std::string member;  // "CacheClusterId" ("" for added ones)
  std::string type;    // the model's type, "flag" for --no-X
  const ModelJson* shape = nullptr;
};

// What the words before the current one say.
struct Line {
  std::optional<std::string> state_dir;
  std::string command;    // "describe-cache-clusters", "wait", ...
  std::string operation;  // API name
  std::string waiter;
  std::map<std::string, std::string> values;  // option -> its (last) value
  std::set<std::string> given;
};

std::vector<CommandOption> command_options(const Line& line) {
  std::vector<CommandOption> out;
  if (line.command == "serve") {
    for (const auto& o : serve_options())
      if (std::string(o.name) != "--region") out.push_back({o.name, "", o.value, nullptr});
    return out;
  }
  if (line.operation.empty()) return out;
  const ApiModel& model = ApiModel::get();
  const ModelJson& op = model.operation(line.operation);
  if (op.contains("input")) {
    const ModelJson& input = model.shape(op["input"]["shape"]);
    for (auto m = input["members"].begin(); m != input["members"].end(); ++m) {
      const ModelJson& shape = model.shape(m.value()["shape"]);
      std::string type = shape.value("type", "string");
      out.push_back({"--" + kebab_case(m.key()), m.key(), type, &shape});
      if (type == "boolean")
        out.push_back({"--no-" + kebab_case(m.key()), m.key(), "flag", &shape});
    }
  }
  out.push_back({"--cli-input-json", "", "string", nullptr});
  if (line.waiter.empty()) {
    out.push_back({"--generate-cli-skeleton", "", "input|output", nullptr});
    if (find_paginator(line.operation)) {
      out.push_back({"--max-items", "", "integer", nullptr});
      out.push_back({"--page-size", "", "integer", nullptr});
      out.push_back({"--starting-token", "", "string", nullptr});
    }
  }
  return out;
}

bool takes_value(const CommandOption& o) { return o.type != "boolean" && o.type != "flag"; }

std::string expand_home(const std::string& path) {
  const char* home = std::getenv("HOME");
  if (home && (path == "~" || path.rfind("~/", 0) == 0)) return home + path.substr(1);
  return path;
}

Line read_line(const std::vector<std::string>& before) {
  Line line;
  const ApiModel& model = ApiModel::get();
  std::vector<CommandOption> options;
  for (std::size_t i = 0; i < before.size(); ++i) {
    const std::string& w = before[i];
    if (w.rfind("-", 0) == 0) {
      line.given.insert(w);
      bool value = false;
      if (const GlobalOption* g = global_option(w)) {
        value = g->takes_value;
      } else {
        for (const auto& o : options)
          if (o.name == w) value = takes_value(o);
      }
      // --generate-cli-skeleton's value is optional.
      if (w == "--generate-cli-skeleton")
        value = i + 1 < before.size() && (before[i + 1] == "input" || before[i + 1] == "output");
      if (value && i + 1 < before.size()) {
        line.values[w] = before[++i];
        // The shell has not expanded ~ in a word still being typed.
        if (w == "--state-dir") line.state_dir = expand_home(before[i]);
      }
      continue;
    }
    if (line.command.empty()) {
      line.command = w;
      if (auto op = model.operation_for(w)) line.operation = *op;
    } else if (line.command == "wait" && line.waiter.empty()) {
      std::string pascal = pascal_from_kebab(w);
      if (model.waiters().contains(pascal)) {
        line.waiter = pascal;
        line.operation = model.waiters()[pascal]["operation"];
      }
    } else {
      continue;
    }
    options = command_options(line);
  }
  return line;
}

// Entries of a directory under the state home, by the registry's naming:
// NAME.toml files or NAME directories; names starting with '.' are temporaries.
std::vector<std::string> resource_names(const Line& line, const std::string& subdir,
                                        const std::string& suffix) {
  std::vector<std::string> out;
  auto home = core::StateHome::locate(line.state_dir);
  if (!home) return out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(home->root() / subdir, ec)) {
    std::string name = e.path().filename().string();
    if (name.empty() || name[0] == '.') continue;
    if (!suffix.empty()) {
      if (name.size() <= suffix.size() || !name.ends_with(suffix)) continue;
      name.resize(name.size() - suffix.size());
    }
    out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The installed engines as the commands cache them (STATE/engines.toml),
// without probing the binaries (completion runs nothing but itself).
std::vector<core::InstalledEngine> cached_engines(const Line& line) {
  std::vector<core::InstalledEngine> out;
  auto home = core::StateHome::locate(line.state_dir);
  if (!home) return out;
  // No cache yet, or a broken one: nothing to offer.
  auto text = core::read_file(home->root() / "engines.toml");
  auto t = text ? core::parse_toml_bounded(*text) : std::nullopt;
  if (!t) return out;
  if (const toml::array* engines = (*t)["engines"].as_array()) {
    for (const auto& e : *engines) {
      const toml::table* entry = e.as_table();
      if (!entry) continue;
      auto engine = (*entry)["engine"].value<std::string>();
      auto version = (*entry)["version"].value<std::string>();
      if (engine && version) out.push_back({*engine, *version});
    }
  }
  return out;
}

// The default parameter group of each installed engine version (without
// the cache, Redis's newest), and the user's groups.
std::vector<std::string> parameter_groups(const Line& line) {
  std::set<std::string> names;
  for (const auto& e : cached_engines(line))
    names.insert(core::default_parameter_group(e.engine, e.version));
  if (names.empty()) names.insert(core::default_parameter_group("redis", ""));
  for (auto& n : resource_names(line, "parameter-groups", ".toml")) names.insert(std::move(n));
  return {names.begin(), names.end()};
}

// The installed versions of the engine on the line (else of every engine),
// in full and as major.minor, which is what ElastiCache's names look like.
std::vector<std::string> engine_versions(const Line& line) {
  auto engine = line.values.find("--engine");
  std::set<std::string> versions;
  for (const auto& e : cached_engines(line)) {
    if (engine != line.values.end() && engine->second != e.engine) continue;
    versions.insert(e.version);
    std::size_t dot = e.version.find('.');
    if (dot != std::string::npos && e.version.find('.', dot + 1) != std::string::npos)
      versions.insert(e.version.substr(0, e.version.find('.', dot + 1)));
  }
  return {versions.begin(), versions.end()};
}

// The zones of the region the command would use (--region, the
// environment, the config file, us-east-1).
std::vector<std::string> zones(const Line& line) {
  GlobalOptions g;
  if (auto r = line.values.find("--region"); r != line.values.end()) g.region = r->second;
  if (auto p = line.values.find("--profile"); p != line.values.end()) g.profile = p->second;
  (void)apply_config(g);  // a bad config is for the command to report, not the TAB
  return core::availability_zones(g.region.value_or("us-east-1"));
}

std::vector<Completion> plain(const std::vector<std::string>& values,
                              const std::string& description = "") {
  std::vector<Completion> out;
  for (const auto& v : values) out.push_back({v, description});
  return out;
}

// file://PATH values: the files under the typed directory.
std::vector<Completion> file_urls(const std::string& current) {
  std::vector<Completion> out;
  std::string path = current.substr(7);
  std::string dir = path.substr(0, path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir.empty() ? "." : dir, ec)) {
    std::string name = e.path().filename().string();
    if (name[0] == '.' && path.substr(dir.size()).rfind(".", 0) != 0) continue;
    out.push_back({"file://" + dir + name + (e.is_directory(ec) ? "/" : ""), ""});
  }
  std::sort(out.begin(), out.end(),
            [](const Completion& a, const Completion& b) { return a.value < b.value; });
  return out;
}

std::vector<Completion> member_values(const Line& line, const CommandOption& option) {
  const std::string& m = option.member;
  if (option.shape && option.shape->contains("enum")) {
    std::vector<std::string> values;
    for (const auto& e : (*option.shape)["enum"]) values.push_back(e);
    return plain(values);
  }
  // A list's items: the item shape decides (e.g. --cache-node-ids-to-reboot).
  if (option.shape && option.type == "list") {
    const ModelJson& item = ApiModel::get().shape((*option.shape)["member"]["shape"]);
    if (item.contains("enum")) {
      std::vector<std::string> values;
      for (const auto& e : item["enum"]) values.push_back(e);
      return plain(values);
    }
  }
  if (m == "Engine") {
    std::vector<std::string> engines;
    for (const char* e : {"redis", "memcached"})
      if (core::is_known_engine(e)) engines.push_back(e);
    return plain(engines);
  }
  if (m == "CacheNodeType") {
    std::vector<Completion> out;
    for (const auto& t : core::node_type_catalog())
      out.push_back({std::string(t.name), t.current_generation ? "" : "previous generation"});
    return out;
  }
  if (m == "CacheClusterId" || m == "CacheClusterIds")
    return plain(resource_names(line, "clusters", ".toml"));
  if (m == "SourceIdentifier") {
    auto type = line.values.find("--source-type");
    if (type == line.values.end() || type->second == "cache-cluster")
      return plain(resource_names(line, "clusters", ".toml"));
    if (type->second == "cache-parameter-group") return plain(parameter_groups(line));
    return {};
  }
  if (m == "SnapshotName" || m == "SourceSnapshotName")
    return plain(resource_names(line, "snapshots", ""));
  if (m == "CacheParameterGroupName") return plain(parameter_groups(line));
  if (m == "EngineVersion") return plain(engine_versions(line));
  if (m == "PreferredAvailabilityZone" || m == "PreferredAvailabilityZones" ||
      m == "NewAvailabilityZones")
    return plain(zones(line));
  if (m == "CacheNodeIdsToReboot" || m == "CacheNodeIdsToRemove") {
    auto id = line.values.find("--cache-cluster-id");
    if (id == line.values.end()) return {};
    return plain(resource_names(line, "nodes/" + id->second, ""));
  }
  return {};
}

std::vector<Completion> profiles() {
  std::ifstream in(config_file_path());
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) {
    if (l.size() < 3 || l.front() != '[' || l.find(']') == std::string::npos) continue;
    std::string name = l.substr(1, l.find(']') - 1);
    if (name.rfind("profile ", 0) == 0) name = name.substr(8);
    out.push_back(name);
  }
  return plain(out);
}

std::vector<Completion> option_values(const Line& line, const std::string& option,
                                      const std::string& current) {
  if (current.rfind("file://", 0) == 0) return file_urls(current);
  if (option == "--output") return plain({std::begin(kOutputFormats), std::end(kOutputFormats)});
  if (option == "--color") return plain({"on", "off", "auto"});
  if (option == "--state-dir") return {{kDirs, ""}};
  if (option == "--profile") return profiles();
  if (option == "--generate-cli-skeleton") return plain({"input", "output"});
  if (line.command == "serve") {
    if (option == "--credentials") return {{kFiles, ""}};
    if (option == "--listen") return plain({kDefaultListen});
    return {};
  }
  if (option == "--cli-input-json") return {{"file://", "a file holding the JSON"}};
  for (const auto& o : command_options(line))
    if (o.name == option && !o.member.empty()) return member_values(line, o);
  return {};
}

std::string option_description(const CommandOption& o) {
  if (o.type == "flag") return "false";
  if (o.type == "list" && o.shape) {
    const ModelJson& item = ApiModel::get().shape((*o.shape)["member"]["shape"]);
    return "list of " + item.value("type", std::string("string"));
  }
  return o.type;
}

bool option_takes_value(const Line& line, const std::string& option) {
  if (const GlobalOption* g = global_option(option)) return g->takes_value;
  if (option == "--generate-cli-skeleton") return true;
  for (const auto& o : command_options(line))
    if (o.name == option) return takes_value(o);
  return false;
}

}  // namespace

std::vector<Completion> complete(const std::vector<std::string>& words) {
  const ApiModel& model = ApiModel::get();
  std::string current = words.empty() ? "" : words.back();
  std::vector<std::string> before(words.begin(), words.empty() ? words.begin() : words.end() - 1);
  Line line = read_line(before);
  std::vector<Completion> out;

  std::string previous = before.empty() ? "" : before.back();
  bool after_value_option = previous.rfind("--", 0) == 0 && option_takes_value(line, previous);
  // "--generate-cli-skeleton <TAB>" may also go on with an option.
  if (after_value_option &&
      !(previous == "--generate-cli-skeleton" && current.rfind("-", 0) == 0)) {
    out = option_values(line, previous, current);
  } else if (line.command.empty() && current.rfind("-", 0) != 0) {
    for (const auto& name : model.cli_operation_names()) {
      auto api = model.operation_for(name);
      out.push_back({name, find_handler(*api) ? "" : "not implemented yet"});
    }
    out.push_back({"wait", "wait until a condition holds"});
    out.push_back({"resume", "start every cluster again after a machine restart"});
    out.push_back({"serve", "the ElastiCache API on a local endpoint"});
    out.push_back({"help", "the commands and global options"});
  } else if (line.command == "wait" && line.waiter.empty() && current.rfind("-", 0) != 0) {
    for (auto it = model.waiters().begin(); it != model.waiters().end(); ++it) {
      std::string op = it.value()["operation"];
      out.push_back({kebab_case(it.key()), find_handler(op) ? "" : "not implemented yet"});
    }
    out.push_back({"help", ""});
  } else {
    // Options: the command's, then the global ones; those already given are
    // not offered again, except lists, which repeat.
    for (const auto& o : command_options(line))
      if (!line.given.count(o.name) || o.type == "list")
        out.push_back({o.name, option_description(o)});
    for (const auto& g : kGlobalOptions) {
      // serve takes only the global options that place its state and ARNs.
      bool serve_takes = std::string(g.name) == "--state-dir" ||
                         std::string(g.name) == "--region" || std::string(g.name) == "--profile";
      if (!line.given.count(g.name) && (line.command != "serve" || serve_takes))
        out.push_back({g.name, g.description});
    }
    if (!line.command.empty() && current.empty()) out.push_back({"help", ""});
  }
  if (out.size() == 1 && (out[0].value == kFiles || out[0].value == kDirs)) return out;
  std::vector<Completion> matching;
  for (auto& c : out)
    if (c.value.rfind(current, 0) == 0) matching.push_back(std::move(c));
  return matching;
}

void print_completions(const std::vector<std::string>& words, std::ostream& out) {
  for (const auto& c : complete(words))
    out << c.value << (c.description.empty() ? "" : "\t" + c.description) << '\n';
}

}  // namespace cachectl::cli
