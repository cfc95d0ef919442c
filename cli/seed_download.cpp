#include "cli/seed_download.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "core/files.h"
#include "core/seed_source.h"

namespace cachectl::cli {

std::string fetch_binary() {
  return core::companion_program("cachectl-fetch", "CACHECTL_FETCH_BIN");
}

std::string fetch(const std::string& url, const core::fs::path& dest) {
  std::string binary = fetch_binary();
  std::vector<std::string> argv = {binary, url, dest.string()};
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return std::string("pipe: ") + std::strerror(errno);
  pid_t child = ::fork();
  if (child < 0) {
    ::close(out[0]);
    ::close(out[1]);
    return std::string("fork: ") + std::strerror(errno);
  }
  if (child == 0) {
    // stdout carries the reason of a failure; stderr stays ours (progress).
    int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, 0);
    ::dup2(out[1], 1);
    ::execvp(args[0], args.data());
    std::string msg = "cannot run " + binary + ": " + std::strerror(errno) + "\n";
    (void)!::write(1, msg.data(), msg.size());
    ::_exit(127);
  }
  ::close(out[1]);
  std::string said;
  char buf[512];
  ssize_t n;
  while ((n = ::read(out[0], buf, sizeof buf)) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    if (said.size() < 4096) said.append(buf, static_cast<std::size_t>(n));
  }
  ::close(out[0]);
  int ws = 0;
  while (::waitpid(child, &ws, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0) return {};
  std::string why = said.substr(0, said.find('\n'));
  if (!why.empty()) return why;
  if (WIFSIGNALED(ws)) return binary + " was killed by signal " + std::to_string(WTERMSIG(ws));
  return binary + " exited with status " + std::to_string(WEXITSTATUS(ws));
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
