// File primitives the registry is built on. Writers are killed at any
// instant in real life; these make sure a reader never sees half a file.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace cachectl::core {

namespace fs = std::filesystem;

// Whole file, or nullopt (errno kept) when it cannot be read.
// The program `name` installed beside the running one (the build's bin/):
// `$env_override` when set, else the sibling file, else `name` for PATH.
std::string companion_program(const char* name, const char* env_override = nullptr);

std::optional<std::string> read_file(const fs::path& path);

// Replaces `path` atomically (write a temporary beside it, then rename).
// Not fsync'ed: the guarantee is against killed processes, not power loss.
bool write_file_atomic(const fs::path& path, std::string_view content);

enum class CreateResult { kCreated, kExists, kFailed };
// Creates `path` with `content` only if it does not exist, atomically: the
// file appears complete or not at all (temporary + link(2)).
CreateResult create_file_exclusive(const fs::path& path, std::string_view content);

// An exclusive flock(2) held for the object's lifetime; the kernel drops it
// when the holder dies, so a killed writer never leaves a stale lock.
class FileLock {
 public:
  explicit FileLock(const fs::path& path);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  bool held() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// True when someone holds an flock on `path` (tested without waiting).
bool is_locked(const fs::path& path);

}  // namespace cachectl::core
