// Secrets are kept as SHA-256 digests (core/sha256.h), never as themselves:
// an AuthToken or a user's password is hashed where the request is read, and
// only the digest
// is stored (records, snapshots) and given to Redis (ACL `#<digest>`
// rules). Nothing under the state home then holds a client's secret.
#pragma once

#include <string>
#include <string_view>

namespace cachectl::core {

// 64 lower-case hex digits: Redis's form of a hashed ACL password.
std::string sha256_hex(std::string_view data);

// Whether `s` is such a digest.
bool is_sha256_hex(std::string_view s);

}  // namespace cachectl::core
