#include "cli/engine_versions.h"

#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <regex>
#include <sstream>

#include "core/files.h"
#include "core/toml_fields.h"
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

core::Result<EnginesCache> engines_cache_from_toml(std::string_view text, std::string_view origin) {
  std::string where(origin);
  auto parsed = core::parse_state_file(text, origin);
  if (!parsed) return parsed.error();
  core::TomlFields f(*parsed, where);
  EnginesCache out;
  out.key = f.str("key");
  if (f.ok() && !parsed->contains("engines")) f.fail("engines", "missing (expected [[engines]])");
  for (const toml::table* e : f.tables("engines")) {
    core::TomlFields ef(*e, where + " [[engines]]");
    out.engines.push_back({ef.str("engine"), ef.str("version")});
    if (ef.ok() && !core::is_known_engine(out.engines.back().engine))
      ef.fail("engine", "'" + out.engines.back().engine + "' is not redis or memcached");
    if (!ef.ok()) return core::ApiError{core::kRegistryFileInvalid, ef.error()};
  }
  if (!f.ok()) return core::ApiError{core::kRegistryFileInvalid, f.error()};
  return out;
}

core::Result<std::vector<core::InstalledEngine>> installed_engines(const core::StateHome& home) {
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
  // A broken (or hostile) cache is an error naming it, never silently re-made.
  if (auto text = core::read_file(cache)) {
    auto cached = engines_cache_from_toml(*text, cache.string());
    if (!cached) return cached.error();
    if (cached->key == key) return cached->engines;
  } else if (errno != ENOENT) {
    return core::ApiError{core::kRegistryFileInvalid, cache.string() + ": " + std::strerror(errno)};
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
  if (!core::write_file_atomic(cache, os.str()))
    return core::ApiError{core::kInvalidConfiguration,
                          "cannot write " + cache.string() + ": " + std::strerror(errno)};
  return out;
}

}  // namespace cachectl::cli
