// Micro benchmark: N read-modify-write updates of one cluster record
// (Registry::update: lock, read, parse, write a temporary, rename) in a
// fresh state home under DIR (default /var/tmp: a real disk, where fsync
// costs what it costs; /tmp may be a tmpfs). Prints the median and mean per
// update. Usage: record_updates_bench [N] [DIR]
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "core/registry.h"

using namespace cachectl::core;
using namespace std::chrono;

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 200;
  std::string base = argc > 2 ? argv[2] : "/var/tmp";
  std::string tmpl = base + "/ccbench-XXXXXX";
  if (!::mkdtemp(tmpl.data())) return 1;
  StateHome home{fs::path(tmpl)};
  if (home.prepare()) return 1;
  Registry registry(home);
  CacheClusterRecord r;
  r.id = "bench";
  r.engine = "redis";
  r.engine_version = "7.0.15";
  r.node_type = "cache.t3.micro";
  r.parameter_group = "default.redis7";
  r.maintenance_window = "mon:00:00-mon:01:00";
  r.port = 6379;
  CacheNodeRecord node;
  node.id = "0001";
  node.port = 6379;
  r.nodes.push_back(node);
  if (registry.create(r, nullptr)) return 1;
  std::vector<double> us;
  for (int i = 0; i < n; ++i) {
    auto t0 = steady_clock::now();
    auto err = registry.update("bench", [&](CacheClusterRecord& c) -> Status {
      c.snapshot_retention_limit = i % 35;
      return std::nullopt;
    });
    if (err) return 1;
    us.push_back(duration<double, std::micro>(steady_clock::now() - t0).count());
  }
  std::sort(us.begin(), us.end());
  double sum = 0;
  for (double u : us) sum += u;
  std::printf("record update: median %.1f us, mean %.1f us, p90 %.1f us over %d updates in %s\n",
              us[us.size() / 2], sum / us.size(), us[us.size() * 9 / 10], n, base.c_str());
  std::error_code ec;
  fs::remove_all(tmpl, ec);
  return 0;
}
