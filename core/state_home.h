// Everything cachectl writes lives under one directory, the state home:
// --state-dir, else $CACHECTL_HOME, else $XDG_STATE_HOME/cachectl, else
// ~/.local/state/cachectl. This type knows its layout.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "core/result.h"

namespace cachectl::core {

namespace fs = std::filesystem;

// home.toml's address_prefix ("127.N"); RegistryFileInvalid naming `origin`.
Result<std::string> address_prefix_from_toml(std::string_view text, std::string_view origin);

class StateHome {
 public:
  // Picks the directory by the rules above (nothing is created).
  static Result<StateHome> locate(const std::optional<std::string>& flag);
  explicit StateHome(fs::path root) : root_(std::move(root)) {}

  // Creates the directories and the home's settings on first use.
  [[nodiscard]] Status prepare() const;

  const fs::path& root() const { return root_; }
  fs::path clusters_dir() const { return root_ / "clusters"; }
  // Replication groups' records, one GROUP.toml each.
  fs::path replication_groups_dir() const { return root_ / "replication-groups"; }
  fs::path cluster_file(std::string_view id) const;
  fs::path lock_file(std::string_view id) const;
  fs::path addresses_dir() const { return root_ / "addresses"; }
  // claims/ID/ADDRESS: a marker per address cluster ID claimed (core/registry.cpp).
  fs::path claim_markers_dir() const { return root_ / "claims"; }
  // One segment file of events per hour (core/events.h).
  fs::path events_dir() const { return root_ / "events"; }
  fs::path settings_file() const { return root_ / "home.toml"; }
  // Space kept in reserve: a record write that finds the disk full frees it
  // and tries again, so that delete-cache-cluster (which marks the record
  // before it frees anything) works on a full disk.
  fs::path reserve_file() const { return root_ / ".reserve"; }
  fs::path node_dir(std::string_view cluster, std::string_view node) const;
  // Kept short: a Unix socket path must fit in 108 bytes.
  fs::path admin_socket(std::string_view address) const;
  // Where the node's engine says it is ready (node/ready_notice.h); no
  // longer than admin_socket's path.
  fs::path ready_socket(std::string_view address) const;
  // A Redis engine's private Unix socket (mode 0700 in the 0700 run/): how
  // its daemon, the group daemon and the cluster manager reach it, whatever
  // its TCP port requires (TLS, a password). No longer than 107 bytes.
  fs::path engine_socket(std::string_view address) const;
  // TLS in transit (node/tls_certificates.h): the home's certificate
  // authority; ca.pem is what clients trust (`redis-cli --tls --cacert`).
  fs::path tls_dir() const { return root_ / "tls"; }
  fs::path ca_certificate_file() const { return tls_dir() / "ca.pem"; }

  // "127.N": the /16 of the loopback range this home's nodes use. Chosen from
  // the home's path when first prepared, so that homes used side by side (tests)
  // do not compete for the same addresses.
  Result<std::string> address_prefix() const;

 private:
  fs::path root_;
};

}  // namespace cachectl::core
