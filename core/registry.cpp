#include "core/registry.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "core/files.h"

namespace cachectl::core {

namespace {

// A claim older than this whose cluster file does not exist was left by a
// create that was killed half-way; it may be taken over.
constexpr auto kStaleClaim = std::chrono::seconds(30);

bool claim_is_stale(const StateHome& home, const fs::path& claim) {
  auto owner = read_file(claim);
  if (!owner) return false;
  auto slash = owner->find('/');
  std::string cluster = owner->substr(0, slash);
  if (fs::exists(home.cluster_file(cluster))) return false;
  struct stat st {};
  if (::stat(claim.c_str(), &st) != 0) return false;
  auto age =
      std::chrono::system_clock::now() - std::chrono::system_clock::from_time_t(st.st_mtim.tv_sec);
  return age > kStaleClaim;
}

}  // namespace

Result<CacheClusterRecord> Registry::get(std::string_view id) const {
  fs::path file = home_.cluster_file(id);
  auto text = read_file(file);
  if (!text) {
    if (errno == ENOENT)
      return ApiError{"CacheClusterNotFound", "CacheCluster not found: " + std::string(id)};
    return ApiError{kRegistryFileInvalid, file.string() + ": " + std::strerror(errno)};
  }
  auto record = cluster_from_toml(*text, file.string());
  if (record && record->id != id) {
    return ApiError{kRegistryFileInvalid, file.string() + ": key 'cache_cluster_id': '" +
                                              record->id + "' does not match the file name"};
  }
  return record;
}

std::vector<std::string> Registry::list_ids() const {
  std::vector<std::string> ids;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(home_.clusters_dir(), ec)) {
    std::string name = entry.path().filename().string();
    if (name.empty() || name[0] == '.' || entry.path().extension() != ".toml") continue;
    ids.push_back(entry.path().stem().string());
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

Result<std::string> Registry::claim_address(std::string_view cluster, std::string_view node,
                                            int port, const AddressProbe& usable) {
  auto prefix = home_.address_prefix();
  if (!prefix) return prefix.error();
  std::string owner = std::string(cluster) + "/" + std::string(node);
  for (int i = 0; i < 255 * 254; ++i) {
    std::string address =
        *prefix + "." + std::to_string(i / 254) + "." + std::to_string(i % 254 + 1);
    fs::path claim = home_.addresses_dir() / address;
    auto created = create_file_exclusive(claim, owner);
    if (created == CreateResult::kExists && claim_is_stale(home_, claim)) {
      ::unlink(claim.c_str());
      created = create_file_exclusive(claim, owner);
    }
    if (created == CreateResult::kFailed) {
      return ApiError{kInvalidConfiguration, "cannot write " + claim.string()};
    }
    if (created == CreateResult::kExists) continue;
    // Something outside this home may hold the address (another program, a
    // node of another home): mark the claim ownerless, so that it is skipped
    // now and probed again once it is stale.
    if (usable && !usable(address, port)) {
      write_file_atomic(claim, "/in use outside this state home\n");
      continue;
    }
    return address;
  }
  return ApiError{"InsufficientCacheClusterCapacity",
                  "no free loopback address left in " + *prefix + ".0.0/16"};
}

void Registry::release_address(const std::string& address) {
  ::unlink((home_.addresses_dir() / address).c_str());
}

Status Registry::create(CacheClusterRecord& record, const AddressProbe& usable) {
  if (fs::exists(home_.cluster_file(record.id))) {
    return ApiError{"CacheClusterAlreadyExists", "Cache cluster " + record.id + " already exists."};
  }
  std::vector<std::string> claimed;
  auto release_all = [&] {
    for (const auto& a : claimed) release_address(a);
  };
  for (auto& node : record.nodes) {
    auto address = claim_address(record.id, node.id, node.port, usable);
    if (!address) {
      release_all();
      return address.error();
    }
    node.address = *address;
    claimed.push_back(*address);
  }
  if (record.has_config_endpoint()) {
    auto address = claim_address(record.id, kConfigEndpointId, record.config_port, usable);
    if (!address) {
      release_all();
      return address.error();
    }
    record.config_address = *address;
    claimed.push_back(*address);
  }
  switch (create_file_exclusive(home_.cluster_file(record.id), to_toml(record))) {
    case CreateResult::kCreated:
      return std::nullopt;
    case CreateResult::kExists:
      release_all();
      return ApiError{"CacheClusterAlreadyExists",
                      "Cache cluster " + record.id + " already exists."};
    case CreateResult::kFailed:
      break;
  }
  release_all();
  return ApiError{kInvalidConfiguration, "cannot write " + home_.cluster_file(record.id).string() +
                                             ": " + std::strerror(errno)};
}

Status Registry::update(std::string_view id,
                        const std::function<Status(CacheClusterRecord&)>& change) {
  FileLock lock(home_.lock_file(id));
  auto record = get(id);
  if (!record) return record.error();
  if (auto err = change(*record)) return err;
  if (!write_file_atomic(home_.cluster_file(id), to_toml(*record))) {
    return ApiError{kInvalidConfiguration, "cannot write " + home_.cluster_file(id).string() +
                                               ": " + std::strerror(errno)};
  }
  return std::nullopt;
}

Status Registry::remove(std::string_view id) {
  FileLock lock(home_.lock_file(id));
  auto record = get(id);
  if (!record) return record.error();
  if (::unlink(home_.cluster_file(id).c_str()) != 0 && errno != ENOENT) {
    return ApiError{kInvalidConfiguration, "cannot remove " + home_.cluster_file(id).string() +
                                               ": " + std::strerror(errno)};
  }
  for (const auto& node : record->nodes) release_address(node.address);
  for (const auto& node : record->removing) release_address(node.address);
  if (!record->config_address.empty()) release_address(record->config_address);
  return std::nullopt;
}

}  // namespace cachectl::core
