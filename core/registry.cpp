#include "core/registry.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>

#include "core/files.h"
#include "core/identifiers.h"
#include "core/replication_group.h"
#include "core/subnet_groups.h"

namespace cachectl::core {

namespace {

// A claim younger than this may belong to a create that has not written its
// cluster record yet; it is never taken over.
constexpr auto kStaleClaim = std::chrono::seconds(30);
// What a claim holds when the address is used outside this home.
constexpr std::string_view kForeignClaim = "/in use outside this state home\n";

RecordKind cluster_kind(const StateHome& home) {
  RecordKind k;
  k.dir = home.clusters_dir();
  k.locks_dir = home.root() / "locks";
  k.reserve = home.reserve_file();
  k.max_length = 50;
  k.not_found = [](std::string_view id) {
    return ApiError{"CacheClusterNotFound", "CacheCluster not found: " + std::string(id)};
  };
  k.already_exists = [](std::string_view id) {
    return ApiError{"CacheClusterAlreadyExists",
                    "Cache cluster " + std::string(id) + " already exists."};
  };
  return k;
}

RecordCodec<CacheClusterRecord> cluster_codec() {
  return {[](const CacheClusterRecord& r) { return to_toml(r); }, cluster_from_toml,
          [](const CacheClusterRecord& r) { return r.id; }, "cache_cluster_id"};
}

bool is_node_id(std::string_view s) {
  return (s.size() == 4 && s.find_first_not_of("0123456789") == std::string_view::npos) ||
         s == kConfigEndpointId || s == kPrimaryEndpointId || s == kReaderEndpointId ||
         s == kConfigurationEndpointId;
}

// Whether a record's text mentions the address as a TOML string, quoted
// either way (without parsing: a record that mentions it is taken as its
// owner, the safe side).
bool mentions(const std::string& text, const std::string& address) {
  return text.find("'" + address + "'") != std::string::npos ||
         text.find("\"" + address + "\"") != std::string::npos;
}

// Whether a record in `dir` (clusters/, or replication-groups/ whose
// endpoints are claimed as GROUP/rg-primary and GROUP/rg-reader) mentions
// the address. A record that cannot be read keeps the claim alive: it
// cannot be told that it does not own it.
bool records_mention(const fs::path& dir, const std::string& address) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.empty() || name[0] == '.' || !name.ends_with(".toml")) continue;
    auto text = read_file(e.path());
    if (!text) {
      if (errno == ENOENT) continue;
      return true;
    }
    if (mentions(*text, address)) return true;
  }
  return false;
}

}  // namespace

Registry::Registry(StateHome home)
    : home_(std::move(home)), store_(cluster_kind(home_), cluster_codec()) {}

Result<CacheClusterRecord> Registry::get(std::string_view id) const { return store_.get(id); }

std::vector<std::string> Registry::list_ids() const { return store_.list(); }

// A claim is dead when it is old, no cluster record lists its address, and
// nothing listens on the address's admin socket. Whatever its content says,
// a claim is never free while anything lives at the address.
static Result<bool> claim_is_dead(const StateHome& home, const RecordFolder& clusters,
                                  const fs::path& claim, const std::string& address) {
  auto owner = read_file(claim);
  if (!owner) {
    if (errno == ENOENT) return true;  // released meanwhile
    return ApiError{kRegistryFileInvalid, claim.string() + ": " + std::strerror(errno)};
  }
  if (*owner != kForeignClaim) {
    auto slash = owner->find('/');
    bool valid = slash != std::string::npos && clusters.key(owner->substr(0, slash)) &&
                 clusters.key(owner->substr(0, slash)) == owner->substr(0, slash) &&
                 is_node_id(owner->substr(slash + 1));
    if (!valid) {
      return ApiError{
          kRegistryFileInvalid,
          claim.string() + ": expected CLUSTER/NODE (the cluster and node that own the address)"};
    }
  }
  struct stat st {};
  if (::lstat(claim.c_str(), &st) != 0) return errno == ENOENT;
  auto age =
      std::chrono::system_clock::now() - std::chrono::system_clock::from_time_t(st.st_mtim.tv_sec);
  if (age <= kStaleClaim) return false;
  // Its owner, as named, first (the common case), then every record.
  auto slash = owner->find('/');
  if (slash != std::string::npos && slash > 0) {
    auto text = read_file(clusters.file(owner->substr(0, slash)));
    if (text && mentions(*text, address)) return false;
  }
  if (records_mention(clusters.kind().dir, address) ||
      records_mention(home.replication_groups_dir(), address))
    return false;
  return !socket_is_live(home.admin_socket(address));
}

namespace {

// Each claim looks at this many existing claims for one that is dead (an
// orphan of a killed create, an old foreign mark): a claim costs the same at
// any number of clusters, and an orphan is still taken over, within about
// (claims / kClaimsLookedAt) creates when there are more claims than this.
constexpr std::size_t kClaimsLookedAt = 4;

fs::path marker_dir(const StateHome& home, std::string_view cluster) {
  return home.claim_markers_dir() / std::string(cluster);
}

// Marks `address` as claimed for the owner's cluster ("cluster/node").
void mark(const StateHome& home, std::string_view owner, const std::string& address) {
  fs::path dir = marker_dir(home, owner.substr(0, owner.find('/')));
  for (int attempt = 0; attempt < 2; ++attempt) {  // (the directory may go meanwhile)
    std::error_code ec;
    fs::create_directories(dir, ec);
    int fd = ::open((dir / address).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd >= 0) {
      ::close(fd);
      return;
    }
  }
}

void unmark(const StateHome& home, std::string_view owner, const std::string& address) {
  auto slash = owner.find('/');
  if (slash == std::string_view::npos || slash == 0) return;
  fs::path dir = marker_dir(home, owner.substr(0, slash));
  ::unlink((dir / address).c_str());
  ::rmdir(dir.c_str());  // once empty (ENOTEMPTY otherwise)
}

// The home's own /16: the default subnet group's one subnet.
Result<std::vector<Subnet>> home_subnets(const StateHome& home) {
  auto prefix = home.address_prefix();
  if (!prefix) return prefix.error();
  auto subnet = parse_subnet(*prefix + ".0.0/16");
  if (!subnet)
    return ApiError{kRegistryFileInvalid, home.settings_file().string() + ": address_prefix '" +
                                              *prefix + "' is not 127.N"};
  return std::vector<Subnet>{*subnet};
}

}  // namespace

// The claims in the addresses folder, ascending, by one listing, which
// also removes the temporaries of writers that were killed. A listing of
// 1,000 claims costs ~0.5 ms (ext4 sorts a large folder by hash to list it):
// a create lists once (Registry::last_claims_).
static Result<std::vector<std::uint32_t>> list_claims(const fs::path& dir) {
  std::vector<std::uint32_t> claims;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    auto a = parse_ipv4(name);
    if (a) {
      claims.push_back(*a);
    } else {
      sweep_dead_temporary(dir, name);
    }
  }
  if (ec)
    return ApiError{kInvalidConfiguration, "cannot list " + dir.string() + ": " + ec.message()};
  std::sort(claims.begin(), claims.end());
  return claims;
}

// Judges `count` of `claims` (from a random one on) and frees the dead;
// their addresses are returned.
static Result<std::vector<std::uint32_t>> free_dead_claims(const StateHome& home,
                                                           const RecordFolder& clusters,
                                                           const std::vector<std::uint32_t>& claims,
                                                           std::size_t count) {
  const fs::path dir = home.addresses_dir();
  std::vector<std::uint32_t> freed;
  std::size_t first = 0;
  if (claims.size() > count) {
    std::random_device random;
    first = std::uniform_int_distribution<std::size_t>(0, claims.size() - 1)(random);
  }
  for (std::size_t k = 0; k < std::min(count, claims.size()); ++k) {
    std::uint32_t a = claims[(first + k) % claims.size()];
    std::string address = format_ipv4(a);
    auto dead = claim_is_dead(home, clusters, dir / address, address);
    if (!dead) return dead.error();
    if (*dead) {
      auto old_owner = read_file(dir / address);
      ::unlink((dir / address).c_str());
      if (old_owner) unmark(home, *old_owner, address);
      freed.push_back(a);
    }
  }
  return freed;
}

std::vector<Subnet> AddressSpace::for_zone(std::string_view zone) const {
  return subnets_for_zone(subnets, zone);
}

Result<AddressSpace> Registry::address_space(std::string_view subnet_group) const {
  AddressSpace space;
  if (subnet_group.empty() || ascii_lower(subnet_group) == kDefaultSubnetGroup) return space;
  SubnetGroupStore groups(home_);
  auto lock = groups.lock(subnet_group);
  if (!lock) return lock.error();
  auto group = groups.get(subnet_group);
  if (!group) return group.error();
  space.subnets = group->parsed_subnets();
  space.lock.emplace(std::move(*lock));
  return space;
}

Status Registry::reclaim_dead_claims() {
  // The listing this command's claim made, when there was one: each claim
  // is read again before it is judged.
  std::vector<std::uint32_t> claims;
  if (last_claims_) {
    claims = std::move(*last_claims_);
    last_claims_.reset();
  } else {
    auto listed = list_claims(home_.addresses_dir());
    if (!listed) return listed.error();
    claims = std::move(*listed);
  }
  auto freed = free_dead_claims(home_, store_.folder(), claims, kClaimsLookedAt);
  if (!freed) return freed.error();
  return std::nullopt;
}

Result<std::string> Registry::claim_address(std::string_view cluster, std::string_view node,
                                            int port, const AddressProbe& usable, CreateMode mode,
                                            const std::vector<Subnet>& subnets) {
  std::vector<Subnet> space = subnets;
  if (space.empty()) {
    auto own = home_subnets(home_);
    if (!own) return own.error();
    space = *own;
  }
  std::string owner = std::string(cluster) + "/" + std::string(node);
  const fs::path dir = home_.addresses_dir();
  std::error_code ec;
  fs::create_directories(dir, ec);
  auto claims = list_claims(dir);
  if (!claims) return claims.error();
  last_claims_ = *claims;
  // Every address of the space taken: every claim in it is judged, whoever
  // was to reclaim.
  std::vector<std::uint32_t> inside;
  std::uint64_t capacity = 0;
  for (const auto& s : space) capacity += s.node_addresses();
  for (std::uint32_t a : *claims)
    if (std::any_of(space.begin(), space.end(), [&](const Subnet& s) { return s.contains(a); }))
      inside.push_back(a);
  bool full = inside.size() >= capacity;
  std::vector<std::uint32_t> freed;
  if (mode.reclaim_first || full) {
    auto dead = free_dead_claims(home_, store_.folder(), full ? inside : *claims,
                                 full ? inside.size() : kClaimsLookedAt);
    if (!dead) return dead.error();
    freed = *dead;
  }
  auto taken = [&](std::uint32_t a) {
    return std::binary_search(claims->begin(), claims->end(), a) &&
           std::find(freed.begin(), freed.end(), a) == freed.end();
  };
  for (const auto& subnet : space) {
    for (std::uint64_t n = subnet.first(); n <= subnet.last(); ++n) {
      auto a = static_cast<std::uint32_t>(n);
      if (!is_node_address(a) || taken(a)) continue;
      std::string address = format_ipv4(a);
      fs::path claim = dir / address;
      // The marker first: a claim always has one (a kill between the two
      // leaves a marker alone, which the next sweep removes).
      mark(home_, owner, address);
      auto created = create_file_exclusive(claim, owner, mode.durability);
      if (created != CreateResult::kCreated) unmark(home_, owner, address);
      if (created == CreateResult::kFailed) {
        return ApiError{kInvalidConfiguration,
                        "cannot write " + claim.string() + ": " + std::strerror(errno)};
      }
      if (created == CreateResult::kExists) continue;  // claimed since the listing
      // Something outside this home may hold the address (another program, a
      // node of another home): mark the claim ownerless, so that it is skipped
      // now and probed again once it is stale.
      if (usable && !usable(address, port)) {
        unmark(home_, owner, address);
        if (!write_file_atomic(claim, kForeignClaim)) {
          return ApiError{kInvalidConfiguration,
                          "cannot write " + claim.string() + ": " + std::strerror(errno)};
        }
        continue;
      }
      return address;
    }
  }
  std::string names;
  for (const auto& s : space) names += (names.empty() ? "" : ", ") + s.id();
  return ApiError{"InsufficientCacheClusterCapacity", "no free loopback address left in " + names};
}

void Registry::release_address(const std::string& address) {
  fs::path claim = home_.addresses_dir() / address;
  auto owner = read_file(claim);
  ::unlink(claim.c_str());
  if (owner) unmark(home_, *owner, address);
}

std::vector<std::pair<std::string, std::string>> Registry::claimed_by(std::string_view cluster,
                                                                      bool every_claim) {
  std::vector<std::pair<std::string, std::string>> out;
  auto owned = [&](const std::string& address) -> std::optional<std::string> {
    auto owner = read_file(home_.addresses_dir() / address);
    std::string who = owner ? owner->substr(0, owner->find('\n')) : "";
    if (who.find('/') == std::string::npos || who.substr(0, who.find('/')) != cluster)
      return std::nullopt;
    return who;
  };
  std::error_code ec;
  if (every_claim) {
    for (const auto& e : fs::directory_iterator(home_.addresses_dir(), ec)) {
      std::string address = e.path().filename().string();
      if (address.empty() || address[0] == '.') continue;
      if (auto who = owned(address)) out.emplace_back(address, *who);
    }
  }
  // Markers whose claim is gone or another's (a kill between marking and
  // claiming) are removed; the others name this cluster's claims.
  const fs::path dir = marker_dir(home_, cluster);
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string address = e.path().filename().string();
    auto who = owned(address);
    if (!who) {
      ::unlink(e.path().c_str());
    } else if (!every_claim) {
      out.emplace_back(address, *who);
    }
  }
  ::rmdir(dir.c_str());  // once empty
  return out;
}

Status Registry::create(CacheClusterRecord& record, const AddressProbe& usable, CreateMode mode) {
  auto key = store_.folder().key(record.id);
  if (!key || *key != record.id) {
    return invalid_value("The parameter CacheClusterId is not a valid identifier: '" + record.id +
                         "'.");
  }
  {
    auto existing = store_.get(*key);
    if (existing) return store_.folder().kind().already_exists(*key);
    if (existing.error().code != "CacheClusterNotFound") return existing.error();
  }
  // The subnet group's subnets (held until the record is written, so that
  // the group cannot lose one, or go, meanwhile).
  auto space = address_space(record.subnet_group);
  if (!space) return space.error();
  std::vector<std::string> claimed;
  auto release_all = [&] {
    for (const auto& a : claimed) release_address(a);
  };
  for (auto& node : record.nodes) {
    auto address = claim_address(record.id, node.id, node.port, usable, mode,
                                 space->for_zone(node.availability_zone));
    if (!address) {
      release_all();
      return address.error();
    }
    node.address = *address;
    claimed.push_back(*address);
  }
  if (record.has_config_endpoint()) {
    auto address = claim_address(record.id, kConfigEndpointId, record.config_port, usable, mode,
                                 space->subnets);
    if (!address) {
      release_all();
      return address.error();
    }
    record.config_address = *address;
    claimed.push_back(*address);
  }
  if (auto err = store_.create(record, mode.durability)) {
    release_all();
    return err;
  }
  return std::nullopt;
}

Status Registry::make_durable(const CacheClusterRecord& record) {
  const fs::path dir = home_.addresses_dir();
  auto cannot = [](const fs::path& path) {
    return ApiError{kInvalidConfiguration,
                    "cannot sync " + path.string() + ": " + std::strerror(errno)};
  };
  std::vector<std::string> addresses;
  for (const auto& node : record.nodes) addresses.push_back(node.address);
  if (!record.config_address.empty()) addresses.push_back(record.config_address);
  for (const auto& address : addresses)
    if (!sync_file(dir / address)) return cannot(dir / address);
  if (!sync_directory(dir)) return cannot(dir);
  auto key = store_.folder().key(record.id);
  if (!key) return store_.folder().kind().not_found(record.id);
  return store_.folder().sync(*key);
}

Status Registry::update(std::string_view id,
                        const std::function<Status(CacheClusterRecord&)>& change,
                        Durability durability) {
  return store_.update(id, change, durability);
}

Status Registry::remove(std::string_view id) {
  return store_.remove(id, [&](const CacheClusterRecord& record) {
    for (const auto& node : record.nodes) release_address(node.address);
    for (const auto& node : record.removing) release_address(node.address);
    if (!record.config_address.empty()) release_address(record.config_address);
  });
}

}  // namespace cachectl::core
