#include "cli/seed_download.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "core/files.h"
#include "core/seed_source.h"
#include "os/spawn.h"

namespace cachectl::cli {

std::string fetch_binary() {
  return core::companion_program("cachectl-fetch", "CACHECTL_FETCH_BIN");
}

std::string fetch(const std::string& url, const core::fs::path& dest) {
  std::string binary = fetch_binary();
  std::vector<std::string> argv = {binary, url, dest.string()};
  // stdout carries the reason of a failure; stderr stays ours (progress).
  os::SpawnOptions options;
  options.argv = argv;
  options.inherit = {2};
  os::Finished done = os::run(options, /*with_stderr=*/false, 4096);
  if (!done.started) return done.what;
  if (done.succeeded()) return {};
  std::string why = done.output.substr(0, done.output.find('\n'));
  if (!why.empty()) return why;
  return binary + " " + os::describe_wait_status(done.wait_status);
}

void download_seeds(const core::StateHome& home, const core::CacheClusterRecord& record) {
  if (record.snapshot_arns.empty()) return;
  const std::string& url = record.snapshot_arns.front();
  if (core::seed_kind(url) != core::SeedKind::kDownload) return;
  for (const auto& node : record.nodes) {
    core::fs::path dir = home.node_dir(record.id, node.id);
    std::error_code ec;
    core::fs::create_directories(dir, ec);
    core::fs::remove(core::seed_error_file(dir), ec);
    std::string why = ec ? "cannot create " + dir.string() + ": " + ec.message()
                         : fetch(url, core::downloaded_seed(dir));
    if (!why.empty()) {
      // Without seed.error the daemon would start the node empty: say so here.
      if (!core::write_file_atomic(core::seed_error_file(dir),
                                   "cannot download " + url + ": " + why + "\n"))
        std::fprintf(stderr, "cachectl: cannot write %s: %s\n", core::seed_error_file(dir).c_str(),
                     std::strerror(errno));
    }
  }
}

}  // namespace cachectl::cli
