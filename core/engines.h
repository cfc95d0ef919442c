// The engines a node can run, and what is installed of each.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cachectl::core {

struct InstalledEngine {
  std::string engine;   // "redis" | "memcached"
  std::string version;  // "7.0.15", as the binary reports it
};

// The engine's program: $CACHECTL_REDIS_SERVER / $CACHECTL_MEMCACHED, else
// the plain name, looked up on PATH.
std::string engine_binary(std::string_view engine);

// The program's file name: "redis-server" | "memcached".
std::string engine_program(std::string_view engine);

// More versions side by side: $CACHECTL_ENGINES_DIR may hold one program per
// version, named PROGRAM-VERSION ("redis-server-7.2.4", "memcached-1.6.21").
// The programs there, by their names (no probing: the daemon uses this).
std::vector<InstalledEngine> versioned_engines();
// The program that runs `version`: its versioned program when there is one,
// else engine_binary(engine).
std::string engine_binary(std::string_view engine, std::string_view version);

// <0, 0, >0 as a is older than, the same as, newer than b ("7.0.15").
int compare_versions(std::string_view a, std::string_view b);
// Same major.minor ("7.0.15" and "7.0.99").
bool same_minor_version(std::string_view a, std::string_view b);

bool is_known_engine(std::string_view engine);
int default_port(std::string_view engine);
// "redis7", "memcached1.6": the parameter group family of an engine version.
std::string parameter_group_family(std::string_view engine, std::string_view version);
std::string default_parameter_group(std::string_view engine, std::string_view version);

// Resolves a requested engine version ("7.0", "7", "7.x", "7.0.15"; empty =
// newest) against what is installed. nullopt when nothing installed fits.
std::optional<InstalledEngine> resolve_engine_version(const std::vector<InstalledEngine>& installed,
                                                      std::string_view engine,
                                                      std::string_view requested);

}  // namespace cachectl::core
