// Replays files through a fuzz target's LLVMFuzzerTestOneInput without libFuzzer, so the
// normal (gcc) build and CTest run every seed and every crash ever found as a regression
// test. Arguments are files or directories (every regular file inside, sorted); a
// missing directory is skipped (a target may have no regressions yet).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

bool run_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return false;
  }
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // A copy on the heap of exactly the input's size, as libFuzzer passes it.
  std::vector<std::uint8_t> input(bytes.begin(), bytes.end());
  std::fprintf(stderr, "running %s (%zu bytes)\n", path.c_str(), input.size());
  LLVMFuzzerTestOneInput(input.data(), input.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t files = 0;
  bool ok = true;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path arg(argv[i]);
    std::error_code error;
    if (std::filesystem::is_directory(arg, error)) {
      std::vector<std::filesystem::path> paths;
      for (const auto& entry : std::filesystem::directory_iterator(arg)) {
        if (entry.is_regular_file()) paths.push_back(entry.path());
      }
      std::sort(paths.begin(), paths.end());
      for (const auto& path : paths) {
        ok = run_file(path) && ok;
        ++files;
      }
    } else if (std::filesystem::exists(arg, error)) {
      ok = run_file(arg) && ok;
      ++files;
    }
  }
  std::fprintf(stderr, "%zu inputs replayed\n", files);
  return ok ? 0 : 1;
}
