#include "core/engines.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace cachectl::core {
namespace {

std::vector<int> version_numbers(std::string_view v) {
  std::vector<int> out;
  int cur = -1;
  for (char c : v) {
    if (c >= '0' && c <= '9') {
      cur = (cur < 0 ? 0 : cur * 10) + (c - '0');
    } else {
      if (cur >= 0) out.push_back(cur);
      cur = -1;
      if (c != '.') break;
    }
  }
  if (cur >= 0) out.push_back(cur);
  return out;
}

// "7.0" matches "7.0.15"; "7" and "7.x" match any 7.*.
bool version_matches(std::string_view installed, std::string_view requested) {
  if (requested == installed) return true;
  std::string_view req = requested;
  if (req.size() >= 2 && req.substr(req.size() - 2) == ".x") req.remove_suffix(2);
  if (req.empty() || req.find_first_not_of("0123456789.") != std::string_view::npos) return false;
  return installed.size() > req.size() && installed.substr(0, req.size()) == req &&
         installed[req.size()] == '.';
}

}  // namespace

std::string engine_binary(std::string_view engine) {
  const char* env = std::getenv(engine == "redis" ? "CACHECTL_REDIS_SERVER" : "CACHECTL_MEMCACHED");
  if (env && *env) return env;
  return engine_program(engine);
}

std::string engine_program(std::string_view engine) {
  return engine == "redis" ? "redis-server" : "memcached";
}

std::vector<InstalledEngine> versioned_engines() {
  std::vector<InstalledEngine> out;
  const char* dir = std::getenv("CACHECTL_ENGINES_DIR");
  if (!dir || !*dir) return out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    for (const char* engine : {"redis", "memcached"}) {
      std::string prefix = engine_program(engine) + "-";
      if (name.rfind(prefix, 0) != 0) continue;
      std::string version = name.substr(prefix.size());
      if (version_numbers(version).size() != 3 ||
          version.find_first_not_of("0123456789.") != std::string::npos)
        continue;
      if (::access(entry.path().c_str(), X_OK) == 0) out.push_back({engine, version});
    }
  }
  std::sort(out.begin(), out.end(), [](const InstalledEngine& a, const InstalledEngine& b) {
    return a.engine != b.engine ? a.engine < b.engine : compare_versions(a.version, b.version) < 0;
  });
  return out;
}

std::string engine_binary(std::string_view engine, std::string_view version) {
  const char* dir = std::getenv("CACHECTL_ENGINES_DIR");
  if (dir && *dir && !version.empty()) {
    std::string path = std::string(dir) + "/" + engine_program(engine) + "-" + std::string(version);
    if (::access(path.c_str(), X_OK) == 0) return path;
  }
  return engine_binary(engine);
}

int compare_versions(std::string_view a, std::string_view b) {
  auto x = version_numbers(a);
  auto y = version_numbers(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

bool same_minor_version(std::string_view a, std::string_view b) {
  auto x = version_numbers(a);
  auto y = version_numbers(b);
  return x.size() >= 2 && y.size() >= 2 && x[0] == y[0] && x[1] == y[1];
}

bool is_known_engine(std::string_view engine) { return engine == "redis" || engine == "memcached"; }

int default_port(std::string_view engine) { return engine == "memcached" ? 11211 : 6379; }

std::string parameter_group_family(std::string_view engine, std::string_view version) {
  auto n = version_numbers(version);
  if (engine == "redis") {
    // ElastiCache: redis2.6, redis2.8, redis3.2, redis4.0, redis5.0, redis6.x, redis7.
    if (n.empty()) return "redis7";
    if (n[0] >= 7) return "redis" + std::to_string(n[0]);
    if (n[0] == 6) return "redis6.x";
    return "redis" + std::to_string(n[0]) + "." + std::to_string(n.size() > 1 ? n[1] : 0);
  }
  if (n.size() < 2) return std::string(engine);
  return std::string(engine) + std::to_string(n[0]) + "." + std::to_string(n[1]);
}

std::string default_parameter_group(std::string_view engine, std::string_view version) {
  return "default." + parameter_group_family(engine, version);
}

std::optional<InstalledEngine> resolve_engine_version(const std::vector<InstalledEngine>& installed,
                                                      std::string_view engine,
                                                      std::string_view requested) {
  std::optional<InstalledEngine> best;
  for (const auto& e : installed) {
    if (e.engine != engine) continue;
    if (!requested.empty() && !version_matches(e.version, requested)) continue;
    if (!best || version_numbers(e.version) > version_numbers(best->version)) best = e;
  }
  return best;
}

}  // namespace cachectl::core
