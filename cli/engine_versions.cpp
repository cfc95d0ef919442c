#include "cli/engine_versions.h"

#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <cstdlib>
#include <regex>
#include <sstream>

#include "cli/toml_input.h"
#include "core/files.h"
#include "os/spawn.h"

namespace cachectl::cli {
namespace {

std::string find_on_path(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::stringstream ss(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(ss, dir, ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

std::string run_capture(const std::string& binary, const char* flag) {
  os::SpawnOptions options;
  options.argv = {binary, flag};
  return os::run(options, /*with_stderr=*/true, 64 * 1024).output;
}

struct Probe {
  const char* engine;
  const char* flag;
  const char* pattern;  // captures the version
};

const Probe kProbes[] = {
    {"redis", "--version", R"(v=(\d+\.\d+\.\d+))"},
    {"memcached", "-V", R"(memcached (\d+\.\d+\.\d+))"},
};

}  // namespace

std::vector<core::InstalledEngine> installed_engines(const core::StateHome& home) {
  // What to probe: each engine's program, and the versioned programs of
  // $CACHECTL_ENGINES_DIR (which must report the version their name says).
  struct Candidate {
    const Probe* probe;
    std::string binary;
    std::string named_version;  // "" for the plain program
  };
  std::vector<Candidate> candidates;
  for (const auto& p : kProbes)
    candidates.push_back({&p, find_on_path(core::engine_binary(p.engine)), ""});
  for (const auto& v : core::versioned_engines()) {
    for (const auto& p : kProbes)
      if (v.engine == p.engine)
        candidates.push_back({&p, core::engine_binary(v.engine, v.version), v.version});
  }
  // Cache key: each binary's path, size and mtime; a changed binary (an
  // engine upgrade) is probed again.
  std::string key;
  for (const auto& c : candidates) {
    struct stat st {};
    if (!c.binary.empty() && ::stat(c.binary.c_str(), &st) == 0) {
      key += c.binary + ":" + std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) +
             ";";
    } else {
      key += "-;";
    }
  }
  core::fs::path cache = home.root() / "engines.toml";
  // A broken (or hostile) cache is just re-made.
  if (auto text = core::read_file(cache)) {
    if (auto parsed = parse_toml_bounded(*text)) {
      toml::table& t = *parsed;
      if (t["key"].value_or(std::string()) == key) {
        std::vector<core::InstalledEngine> out;
        if (auto* arr = t["engines"].as_array()) {
          for (const auto& e : *arr) {
            if (auto* tbl = e.as_table()) {
              out.push_back({(*tbl)["engine"].value_or(std::string()),
                             (*tbl)["version"].value_or(std::string())});
            }
          }
        }
        return out;
      }
    }
  }
  std::vector<core::InstalledEngine> out;
  toml::array engines;
  for (const auto& c : candidates) {
    if (c.binary.empty()) continue;
    std::smatch m;
    std::string text = run_capture(c.binary, c.probe->flag);
    if (!std::regex_search(text, m, std::regex(c.probe->pattern))) continue;
    std::string version = m[1];
    if (!c.named_version.empty() && version != c.named_version) continue;
    bool seen = false;
    for (const auto& e : out) seen = seen || (e.engine == c.probe->engine && e.version == version);
    if (seen) continue;
    out.push_back({c.probe->engine, version});
    engines.push_back(toml::table{{"engine", c.probe->engine}, {"version", version}});
  }
  toml::table t{{"key", key}, {"engines", engines}};
  std::ostringstream os;
  os << "# installed engines, re-probed when a binary changes\n" << t << "\n";
  core::write_file_atomic(cache, os.str());
  return out;
}

}  // namespace cachectl::cli
