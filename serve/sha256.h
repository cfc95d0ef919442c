// SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), for checking SigV4
// signatures (serve/sigv4.h). In-tree rather than libcrypto: a static
// cachectl linked with libcrypto.a carries 5 MB of it and glibc's
// static-linking warnings for the DSO and BIO code it pulls in
// (docs/decisions.md). Checked against NIST's and RFC 4231's vectors.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace cachectl::serve {

using Digest = std::array<std::uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  void update(std::string_view data);
  Digest finish();  // once; the object is spent afterwards

 private:
  void block(const std::uint8_t* p);
  std::array<std::uint32_t, 8> h_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;  // bytes
};

Digest sha256(std::string_view data);
Digest hmac_sha256(std::string_view key, std::string_view message);

std::string hex(const Digest& digest);  // lower case
std::string_view as_bytes(const Digest& digest);

}  // namespace cachectl::serve
