// File primitives the state home is built on. Writers are killed at any
// instant and machines lose power: these make sure a reader never sees half
// a file, and that a write reported as done is on disk (file and directory
// fsync'ed). Every file is created 0600, exclusively (O_EXCL|O_NOFOLLOW), so
// a link planted by someone else is never written through.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cachectl::core {

namespace fs = std::filesystem;

// The program `name` installed beside the running one (the build's bin/):
// `$env_override` when set, else the sibling file, else `name` for PATH.
std::string companion_program(const char* name, const char* env_override = nullptr);

// Whole file, or nullopt (errno kept) when it cannot be read.
std::optional<std::string> read_file(const fs::path& path);

// Replaces `path` atomically (write a temporary beside it, fsync, rename,
// fsync the directory). False with errno set on failure; nothing changed.
[[nodiscard]] bool write_file_atomic(const fs::path& path, std::string_view content);

// The same without the fsyncs: for files that mean nothing after the machine
// restarts (a daemon's pid), where readers still never see half a file.
[[nodiscard]] bool replace_file(const fs::path& path, std::string_view content);

// When a write reaches the disk. kNow: before the call returns (file and
// directory fsync'ed). kDeferred: every reader sees it at once, and a kill
// loses nothing (the page cache outlives the writer), but a machine that
// loses power may lose it; the caller makes it durable later (sync_file,
// sync_directory) or it is state that the next command re-derives. Used to
// get an engine started before the fsyncs, which then overlap its start.
enum class Durability { kNow, kDeferred };

enum class CreateResult { kCreated, kExists, kFailed };
// Creates `path` with `content` only if it does not exist, atomically (and
// durably, with kNow): the file appears complete or not at all (temporary +
// link(2)).
[[nodiscard]] CreateResult create_file_exclusive(const fs::path& path, std::string_view content,
                                                 Durability durability = Durability::kNow);

// Copies `from` to the new file `to` the same way (never replacing `to`,
// whatever `to` is, a symbolic link included).
[[nodiscard]] CreateResult copy_file_exclusive(const fs::path& from, const fs::path& to);

// A new, empty file beside `path` for the caller to fill: opened O_EXCL |
// O_NOFOLLOW with mode 0600 under a fresh dot-name (returned in `name`).
// -1 with errno set on failure.
[[nodiscard]] int create_temporary(const fs::path& path, fs::path& name);

// Removes the temporaries (create_temporary's ".NAME.tmp.PID.N") in `dir`
// whose process is gone: what writers killed half-way left behind.
void sweep_dead_temporaries(const fs::path& dir);
// The same for one name found in `dir` (by a listing made for something
// else): true if it was such a temporary (removed or not).
bool sweep_dead_temporary(const fs::path& dir, const std::string& name);

// fsync(2) of a directory, which makes the names created, renamed or removed
// in it durable.
[[nodiscard]] bool sync_directory(const fs::path& dir);
// fsync(2) of a file by name.
[[nodiscard]] bool sync_file(const fs::path& file);

// An exclusive flock(2) held for the object's lifetime; the kernel drops it
// when the holder dies, so a killed writer never leaves a stale lock.
// Check held(): when the lock file cannot be opened or locked, nothing is
// held and error() says why (naming the file).
class FileLock {
 public:
  explicit FileLock(const fs::path& path);
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  FileLock(FileLock&& other) noexcept : fd_(other.fd_), error_(std::move(other.error_)) {
    other.fd_ = -1;
  }
  [[nodiscard]] bool held() const { return fd_ >= 0; }
  const std::string& error() const { return error_; }

 private:
  int fd_ = -1;
  std::string error_;
};

// True when someone holds an flock on `path` (tested without waiting).
bool is_locked(const fs::path& path);

// The processes holding an flock(2) on `path`, as /proc/locks names them
// (the process that took each lock); nullopt when that cannot be read.
std::optional<std::vector<int>> flock_holders(const fs::path& path);

// How long ago process `pid` started (/proc/PID/stat against /proc/uptime);
// nullopt when it is gone or that cannot be read.
std::optional<std::chrono::milliseconds> process_age(int pid);

// True when a process accepts connections on the Unix socket `path` (a
// socket file left by a killed process refuses them).
bool socket_is_live(const fs::path& path);

}  // namespace cachectl::core
