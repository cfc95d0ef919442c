// The registry of cache clusters: one TOML file per cluster under the state
// home (a RecordStore, core/record_store.h), so that looking one up costs one
// file read however many exist. Ids are normalised there (lower-cased; an id
// that cannot be stored is CacheClusterNotFound). Every node address is
// claimed with an O_EXCL file so no two nodes ever share an address.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/cluster.h"
#include "core/record_store.h"
#include "core/state_home.h"
#include "core/subnets.h"

namespace cachectl::core {

// How Registry::create() writes: when its files (claims, record) reach the disk
// (with kDeferred, make_durable() later), and whether claiming first looks
// at a few existing claims for dead ones to free, or leaves that to the
// caller (Registry::reclaim_dead_claims(), once its engines are starting).
struct CreateMode {
  Durability durability = Durability::kNow;
  bool reclaim_first = true;
};

// Where a cluster's nodes take their addresses from: its subnet group's
// subnets (none: the home's own /16, the default group), with the group's
// lock held while addresses are claimed.
struct AddressSpace {
  std::vector<Subnet> subnets;
  std::optional<FileLock> lock;
  // The subnets for a node in `zone`: those of that zone first.
  std::vector<Subnet> for_zone(std::string_view zone) const;
};

class Registry {
 public:
  explicit Registry(StateHome home);
  const StateHome& home() const { return home_; }

  // CacheClusterNotFound, or RegistryFileInvalid naming the file.
  [[nodiscard]] Result<CacheClusterRecord> get(std::string_view id) const;
  // Cluster ids in ascending order.
  std::vector<std::string> list_ids() const;

  // Whether an address:port can be listened on (the caller probes sockets;
  // core does not).
  using AddressProbe = std::function<bool(const std::string& address, int port)>;

  // Gives each node of `record` an address, then writes the record if no
  // cluster of that id exists (CacheClusterAlreadyExists otherwise).
  [[nodiscard]] Status create(CacheClusterRecord& record, const AddressProbe& usable,
                              CreateMode mode = {});
  // Makes what create() wrote with Durability::kDeferred durable: the
  // record's address claims and the record.
  [[nodiscard]] Status make_durable(const CacheClusterRecord& record);

  // Read-modify-write under the cluster's lock; `change` may refuse with an
  // error, in which case nothing is written.
  [[nodiscard]] Status update(std::string_view id,
                              const std::function<Status(CacheClusterRecord&)>& change,
                              Durability durability = Durability::kNow);

  // Removes the record and releases its nodes' addresses.
  [[nodiscard]] Status remove(std::string_view id);

  // A claim may be taken over only when it is provably dead: older than a
  // create takes, listed by no cluster record, and no daemon listening on
  // the address's admin socket. A claim that cannot be read is an error
  // naming its file.
  // Claims a fresh address for a node added to an existing cluster: the
  // lowest free one of `subnets`, taken in order (none: the home's /16).
  [[nodiscard]] Result<std::string> claim_address(std::string_view cluster, std::string_view node,
                                                  int port, const AddressProbe& usable,
                                                  CreateMode mode = {},
                                                  const std::vector<Subnet>& subnets = {});
  // The subnets of a subnet group ("" or "default": the home's /16), the
  // group locked (CacheSubnetGroupNotFoundFault when there is none).
  [[nodiscard]] Result<AddressSpace> address_space(std::string_view subnet_group) const;
  // Looks at a few existing claims (kClaimsLookedAt in registry.cpp) and
  // frees those that are dead: an orphan nobody else removes is taken over
  // within a few hundred claims at any number of clusters.
  [[nodiscard]] Status reclaim_dead_claims();
  void release_address(const std::string& address);

  // The addresses claimed for `cluster` ("address", "cluster/node" pairs),
  // found through STATE/claims/CLUSTER/ (a marker per claim, made before the
  // claim and removed after it) rather than by reading every claim; markers
  // whose claim is gone or another's are removed. `every_claim` reads every
  // claim instead (cachectl resume: a home from before the markers).
  std::vector<std::pair<std::string, std::string>> claimed_by(std::string_view cluster,
                                                              bool every_claim = false);

 private:
  StateHome home_;
  RecordStore<CacheClusterRecord> store_;
  // The claims listed by this registry's last claim_address, for
  // reclaim_dead_claims to judge some of (one listing per create).
  std::optional<std::vector<std::uint32_t>> last_claims_;
};

}  // namespace cachectl::core
