// TLS in transit: one certificate authority per state home, and one
// certificate per engine naming every address a client may reach it by.
//
// STATE/tls/ca.key holds the authority's private key and certificate (made
// once, by whichever daemon needs it first: an exclusive create, so two
// daemons starting at once agree on one); STATE/tls/ca.pem is its
// certificate alone, what clients are given (`redis-cli --tls --cacert`).
// An engine's key and certificate are one file, DIR/tls.pem (written
// atomically, so they always match), re-issued when the addresses change,
// when the authority is not the one that issued it, or 30 days before it
// expires. Keys are P-256 (fast to make: a node's start barely notices).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/state_home.h"

namespace cachectl::node {

struct TlsFiles {
  std::filesystem::path ca_certificate;  // STATE/tls/ca.pem
  std::filesystem::path certificate;     // DIR/tls.pem: the key, then the certificate
};

// The files of an engine whose certificate names `addresses` (IPv4, as
// subject alternative names), made or re-issued as needed. An error names
// the file that cannot be written or read.
core::Result<TlsFiles> ensure_tls_files(const core::StateHome& home,
                                        const std::filesystem::path& dir,
                                        const std::vector<std::string>& addresses);

}  // namespace cachectl::node
