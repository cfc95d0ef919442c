// The registry of cache clusters: one TOML file per cluster under the state
// home, so that looking one up costs one file read however many exist.
// Safe under many concurrent cachectl processes and writers killed at any
// instant: files are replaced atomically, creation is exclusive (link(2)),
// read-modify-write holds the cluster's flock, and every node address is
// claimed with an O_EXCL file so no two nodes ever share an address.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/cluster.h"
#include "core/state_home.h"

namespace cachectl::core {

class Registry {
 public:
  explicit Registry(StateHome home) : home_(std::move(home)) {}
  const StateHome& home() const { return home_; }

  // CacheClusterNotFound, or RegistryFileInvalid naming the file.
  Result<CacheClusterRecord> get(std::string_view id) const;
  // Cluster ids in ascending order.
  std::vector<std::string> list_ids() const;

  // Whether an address:port can be listened on (the caller probes sockets;
  // core does not).
  using AddressProbe = std::function<bool(const std::string& address, int port)>;

  // Gives each node of `record` an address, then writes the record if no
  // cluster of that id exists (CacheClusterAlreadyExists otherwise).
  Status create(CacheClusterRecord& record, const AddressProbe& usable);

  // Read-modify-write under the cluster's lock; `change` may refuse with an
  // error, in which case nothing is written.
  Status update(std::string_view id, const std::function<Status(CacheClusterRecord&)>& change);

  // Removes the record and releases its nodes' addresses.
  Status remove(std::string_view id);

  // Claims a fresh address for a node added to an existing cluster.
  Result<std::string> claim_address(std::string_view cluster, std::string_view node, int port,
                                    const AddressProbe& usable);
  void release_address(const std::string& address);

 private:
  StateHome home_;
};

}  // namespace cachectl::core
