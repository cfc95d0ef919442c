#pragma once
// Machine-wide reservations of the loopback /16s that state homes use.
//
// A home picks 127.N.0.0/16 when it is first prepared, by its path's hash,
// skipping every N something already listens in. Two homes prepared at the
// same moment (tests side by side) listen in nothing yet, so a hash
// collision would put both on one /16 and their engines would race for the
// same addresses. A file per N in a directory every local user shares
// (like /tmp itself: sticky, world-writable), created exclusively and naming
// its home, settles who has it; a reservation whose home is gone is taken
// over.
#include <filesystem>
#include <optional>
#include <set>

namespace cachectl::core {

inline const std::filesystem::path kPrefixReservations = "/tmp/.cachectl-address-prefixes";

// The N reserved for `home`: `preferred` or the next one (1..254, wrapping)
// that is neither in `busy` nor reserved by another live home. nullopt when
// the directory cannot be used or every N is taken; the caller then goes by
// `busy` alone, as before reservations existed.
std::optional<int> reserve_address_octet(const std::filesystem::path& home, int preferred,
                                         const std::set<int>& busy,
                                         const std::filesystem::path& dir = kPrefixReservations);

}  // namespace cachectl::core
