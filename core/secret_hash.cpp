#include "core/secret_hash.h"

#include "core/sha256.h"

namespace cachectl::core {

std::string sha256_hex(std::string_view data) { return hex(sha256(data)); }

bool is_sha256_hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace cachectl::core
