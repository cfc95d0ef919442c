// The one store of named records under the state home: clusters
// (clusters/ID.toml), parameter groups (parameter-groups/NAME.toml) and
// snapshots (snapshots/NAME/snapshot.toml beside their RDB files).
//
// What it promises, for every kind:
// - Names are normalised here, once: lower-cased, as ElastiCache stores
//   them. A name that cannot be a stored one (a '/', a leading '.', too long,
//   other characters) is simply not found: no name ever becomes a path
//   outside its folder.
// - Creation is exclusive (link(2) of a complete file, or renameat2 of a
//   complete directory) and durable (file and folder fsync'ed).
// - Updates are read-modify-write under the record's flock; a lock that
//   cannot be taken is an error naming the lock file, never a way through.
// - A record that cannot be read is RegistryFileInvalid naming its file,
//   wherever it is read; removal works on it all the same.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/files.h"
#include "core/result.h"
#include "core/state_home.h"

namespace cachectl::core {

struct RecordKind {
  fs::path dir;                // STATE/clusters
  fs::path locks_dir;          // STATE/locks
  std::string lock_prefix;     // keeps kinds' locks apart: "", "pg.", "snap."
  std::string record_file;     // "" = NAME.toml; else NAME/ holds this file
  std::size_t max_length = 0;  // of a name
  std::string extra_chars;     // allowed beside [a-z0-9-] ("." for snapshots)
  fs::path reserve;            // freed when a write finds the disk full (StateHome)
  std::function<ApiError(std::string_view name)> not_found;
  std::function<ApiError(std::string_view name)> already_exists;
};

// A kind of NAME.toml records in `dir` under `home`, locked in
// STATE/locks, reserving the home's space.
RecordKind home_record_kind(const StateHome& home, fs::path dir, std::string lock_prefix,
                            std::size_t max_length,
                            std::function<ApiError(std::string_view name)> not_found,
                            std::function<ApiError(std::string_view name)> already_exists);

// The untyped store: record texts by name.
class RecordFolder {
 public:
  explicit RecordFolder(RecordKind kind) : kind_(std::move(kind)) {}
  const RecordKind& kind() const { return kind_; }

  // The stored form of `name` (lower-cased), or nullopt when no stored
  // record can have that name.
  std::optional<std::string> key(std::string_view name) const;
  // Where the record of `key` lives: its file, and its entry in the folder
  // (the file itself, or the directory holding it).
  fs::path file(std::string_view key) const;
  fs::path entry(std::string_view key) const;

  // The record's text; not_found, or RegistryFileInvalid naming the file
  // (a directory whose record file is missing included).
  [[nodiscard]] Result<std::string> read(std::string_view key) const;
  // Stored names, ascending (an entry with a broken record is listed).
  std::vector<std::string> list() const;

  // The record's lock; InvalidConfiguration naming the lock file when it
  // cannot be taken.
  [[nodiscard]] Result<FileLock> lock(std::string_view key) const;

  // Exclusive creation of NAME.toml; already_exists when taken.
  [[nodiscard]] Status create(std::string_view key, std::string_view text,
                              Durability durability = Durability::kNow) const;
  // Replaces the record's file (the caller holds the lock).
  [[nodiscard]] Status replace(std::string_view key, std::string_view text,
                               Durability durability = Durability::kNow) const;
  // Makes a record written with Durability::kDeferred durable.
  [[nodiscard]] Status sync(std::string_view key) const;
  // Directory kinds: publishes the complete directory `work` (which must
  // already hold the record file) as the entry of `key`.
  [[nodiscard]] Status publish(const fs::path& work, std::string_view key) const;
  // Removes the entry (the caller holds the lock); not_found when absent.
  [[nodiscard]] Status erase(std::string_view key) const;

 private:
  RecordKind kind_;
};

// The typed store: a RecordFolder with the kind's TOML codec.
template <class T>
struct RecordCodec {
  std::function<std::string(const T&)> encode;
  std::function<Result<T>(std::string_view text, std::string_view origin)> decode;
  std::function<std::string(const T&)> name_of;
  std::string name_field;  // the TOML key holding the name, for messages
};

template <class T>
class RecordStore {
 public:
  RecordStore(RecordKind kind, RecordCodec<T> codec)
      : folder_(std::move(kind)), codec_(std::move(codec)) {}
  const RecordFolder& folder() const { return folder_; }

  [[nodiscard]] Result<T> get(std::string_view name) const {
    auto key = folder_.key(name);
    if (!key) return folder_.kind().not_found(name);
    return get_key(*key);
  }
  std::vector<std::string> list() const { return folder_.list(); }

  [[nodiscard]] Status create(const T& record, Durability durability = Durability::kNow) const {
    auto key = folder_.key(codec_.name_of(record));
    if (!key || *key != codec_.name_of(record))
      return invalid_value("'" + codec_.name_of(record) + "' cannot name a stored record.");
    return folder_.create(*key, codec_.encode(record), durability);
  }

  // Read-modify-write under the record's lock; `change` may refuse with an
  // error, in which case nothing is written.
  [[nodiscard]] Status update(std::string_view name, const std::function<Status(T&)>& change,
                              Durability durability = Durability::kNow) const {
    return locked(name, [&](const std::string& key, Result<T> record) -> Status {
      if (!record) return record.error();
      if (auto err = change(*record)) return err;
      return folder_.replace(key, codec_.encode(*record), durability);
    });
  }

  // Removes the record under its lock unless `check`, given the record,
  // refuses (its error is returned and nothing changes).
  [[nodiscard]] Status remove_checked(std::string_view name,
                                      const std::function<Status(const T&)>& check) const {
    return locked(name, [&](const std::string& key, Result<T> record) -> Status {
      if (!record) return record.error();
      if (auto err = check(*record)) return err;
      return folder_.erase(key);
    });
  }

  // Removes the record under its lock. `removed` (if any) runs after with
  // the record as it was. With `even_if_unreadable`, a record that cannot
  // be read is removed too (without calling `removed`).
  [[nodiscard]] Status remove(std::string_view name,
                              const std::function<void(const T&)>& removed = {},
                              bool even_if_unreadable = false) const {
    return locked(name, [&](const std::string& key, Result<T> record) -> Status {
      if (!record && !(even_if_unreadable && record.error().code == kRegistryFileInvalid))
        return record.error();
      if (auto err = folder_.erase(key)) return err;
      if (record && removed) removed(*record);
      return std::nullopt;
    });
  }

 private:
  // Runs `act` with the record's key and the record as read, under its lock.
  Status locked(std::string_view name,
                const std::function<Status(const std::string&, Result<T>)>& act) const {
    auto key = folder_.key(name);
    if (!key) return folder_.kind().not_found(name);
    auto lock = folder_.lock(*key);
    if (!lock) return lock.error();
    return act(*key, get_key(*key));
  }

  Result<T> get_key(const std::string& key) const {
    auto text = folder_.read(key);
    if (!text) return text.error();
    std::string origin = folder_.file(key).string();
    auto record = codec_.decode(*text, origin);
    if (record && codec_.name_of(*record) != key) {
      return ApiError{kRegistryFileInvalid, origin + ": key '" + codec_.name_field + "': '" +
                                                codec_.name_of(*record) +
                                                "' does not match the file name"};
    }
    return record;
  }

  RecordFolder folder_;
  RecordCodec<T> codec_;
};

}  // namespace cachectl::core
