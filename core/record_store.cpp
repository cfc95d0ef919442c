#include "core/record_store.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace cachectl::core {

namespace {

ApiError cannot(const std::string& what, const fs::path& path) {
  return ApiError{kInvalidConfiguration,
                  "cannot " + what + " " + path.string() + ": " + std::strerror(errno)};
}

// Runs `write`; when it fails for want of space, frees the reserve (if any)
// and runs it once more.
template <class Write>
auto with_reserve(const fs::path& reserve, Write write) {
  auto result = write();
  if (!result.ok && (errno == ENOSPC || errno == EDQUOT) && !reserve.empty()) {
    int saved = errno;
    if (::unlink(reserve.c_str()) == 0) return write();
    errno = saved;
  }
  return result;
}

struct Outcome {
  bool ok;
  CreateResult created;
};

}  // namespace

RecordKind home_record_kind(const StateHome& home, fs::path dir, std::string lock_prefix,
                            std::size_t max_length,
                            std::function<ApiError(std::string_view name)> not_found,
                            std::function<ApiError(std::string_view name)> already_exists) {
  RecordKind k;
  k.dir = std::move(dir);
  k.locks_dir = home.root() / "locks";
  k.reserve = home.reserve_file();
  k.lock_prefix = std::move(lock_prefix);
  k.max_length = max_length;
  k.not_found = std::move(not_found);
  k.already_exists = std::move(already_exists);
  return k;
}

std::optional<std::string> RecordFolder::key(std::string_view name) const {
  if (name.empty() || name.size() > kind_.max_length || name[0] == '.' || name[0] == '-')
    return std::nullopt;
  std::string out;
  out.reserve(name.size());
  for (char ch : name) {
    char c = (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
              (c != '\0' && c != '/' && kind_.extra_chars.find(c) != std::string::npos);
    if (!ok) return std::nullopt;
    out.push_back(c);
  }
  // The file name must fit NAME_MAX (255 bytes) with its suffix.
  if (kind_.record_file.empty() && out.size() + 5 > 255) return std::nullopt;
  return out;
}

fs::path RecordFolder::entry(std::string_view key) const {
  if (kind_.record_file.empty()) return kind_.dir / (std::string(key) + ".toml");
  return kind_.dir / std::string(key);
}

fs::path RecordFolder::file(std::string_view key) const {
  if (kind_.record_file.empty()) return entry(key);
  return entry(key) / kind_.record_file;
}

Result<std::string> RecordFolder::read(std::string_view key) const {
  fs::path path = file(key);
  auto text = read_file(path);
  if (text) return *text;
  int e = errno;
  if (e == ENOENT) {
    // A directory entry without its record file is broken, not absent: it
    // is listed, and it can be removed.
    std::error_code ec;
    if (kind_.record_file.empty() || !fs::exists(fs::symlink_status(entry(key), ec)))
      return kind_.not_found(key);
    return ApiError{kRegistryFileInvalid, path.string() + ": missing"};
  }
  if (e == ENOTDIR && !kind_.record_file.empty())
    return ApiError{kRegistryFileInvalid, entry(key).string() + ": not a directory"};
  return ApiError{kRegistryFileInvalid, path.string() + ": " + std::strerror(e)};
}

std::vector<std::string> RecordFolder::list() const {
  if (kind_.record_file.empty()) sweep_dead_temporaries(kind_.dir);
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(kind_.dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.empty() || name[0] == '.') continue;  // temporaries and leftovers
    if (kind_.record_file.empty()) {
      if (name.size() <= 5 || !name.ends_with(".toml")) continue;
      name.resize(name.size() - 5);
    }
    out.push_back(std::move(name));
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<FileLock> RecordFolder::lock(std::string_view key) const {
  std::error_code ec;
  fs::create_directories(kind_.locks_dir, ec);
  FileLock lock(kind_.locks_dir / (kind_.lock_prefix + std::string(key) + ".lock"));
  if (!lock.held()) return ApiError{kInvalidConfiguration, lock.error()};
  return lock;
}

Status RecordFolder::create(std::string_view key, std::string_view text,
                            Durability durability) const {
  std::error_code ec;
  fs::create_directories(kind_.dir, ec);
  auto outcome = with_reserve(kind_.reserve, [&] {
    CreateResult r = create_file_exclusive(file(key), text, durability);
    return Outcome{r != CreateResult::kFailed, r};
  });
  switch (outcome.created) {
    case CreateResult::kCreated:
      return std::nullopt;
    case CreateResult::kExists:
      return kind_.already_exists(key);
    case CreateResult::kFailed:
      break;
  }
  return cannot("write", file(key));
}

Status RecordFolder::replace(std::string_view key, std::string_view text,
                             Durability durability) const {
  auto outcome = with_reserve(kind_.reserve, [&] {
    bool ok = durability == Durability::kNow ? write_file_atomic(file(key), text)
                                             : replace_file(file(key), text);
    return Outcome{ok, CreateResult::kCreated};
  });
  if (!outcome.ok) return cannot("write", file(key));
  return std::nullopt;
}

Status RecordFolder::sync(std::string_view key) const {
  if (!sync_file(file(key))) return cannot("sync", file(key));
  if (!sync_directory(kind_.dir)) return cannot("sync", kind_.dir);
  return std::nullopt;
}

Status RecordFolder::publish(const fs::path& work, std::string_view key) const {
  // Everything in `work` is complete: make its names durable, then publish
  // it with one rename that never replaces an existing entry.
  if (!sync_directory(work)) return cannot("sync", work);
  if (::renameat2(AT_FDCWD, work.c_str(), AT_FDCWD, entry(key).c_str(), RENAME_NOREPLACE) != 0) {
    if (errno == EEXIST || errno == ENOTEMPTY) return kind_.already_exists(key);
    return cannot("publish " + work.string() + " as", entry(key));
  }
  if (!sync_directory(kind_.dir)) return cannot("sync", kind_.dir);
  return std::nullopt;
}

Status RecordFolder::erase(std::string_view key) const {
  fs::path path = entry(key);
  std::error_code ec;
  auto status = fs::symlink_status(path, ec);
  if (!fs::exists(status)) return kind_.not_found(key);
  if (fs::is_directory(status)) {
    // Unpublish first (one rename), then delete at leisure: a listing never
    // sees half a directory, and a killed delete leaves only a dot-entry.
    fs::path gone = kind_.dir / ("." + std::string(key) + ".deleted." + std::to_string(::getpid()));
    fs::remove_all(gone, ec);
    if (::rename(path.c_str(), gone.c_str()) != 0) return cannot("remove", path);
    if (!sync_directory(kind_.dir)) return cannot("sync", kind_.dir);
    fs::remove_all(gone, ec);
    return std::nullopt;
  }
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return kind_.not_found(key);
    return cannot("remove", path);
  }
  if (!sync_directory(kind_.dir)) return cannot("sync", kind_.dir);
  return std::nullopt;
}

}  // namespace cachectl::core
