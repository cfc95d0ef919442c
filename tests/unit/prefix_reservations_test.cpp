// Machine-wide /16 reservations: two homes never get the same N, a gone
// home's N is taken over, busy N are skipped, an unusable directory says so.
#include "core/prefix_reservations.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/files.h"
#include "tests/unit/temp_dir.h"

namespace cachectl::core {
namespace {

using test_support::TempDir;

class PrefixReservations : public ::testing::Test {
 protected:
  TempDir tmp_{"cachectl-prefixes"};
  std::filesystem::path dir_ = tmp_.path() / "reservations";
  std::filesystem::path home(const std::string& name) {
    auto p = tmp_.path() / name;
    std::filesystem::create_directories(p);
    return p;
  }
};

TEST_F(PrefixReservations, TwoLiveHomesWithTheSameHashGetDifferentOctets) {
  auto a = reserve_address_octet(home("a"), 7, {}, dir_);
  auto b = reserve_address_octet(home("b"), 7, {}, dir_);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, 7);
  EXPECT_EQ(*b, 8);
  EXPECT_EQ(read_file(dir_ / "7").value_or(""), (tmp_.path() / "a").string());
  // The same home asking again keeps its own.
  EXPECT_EQ(reserve_address_octet(tmp_.path() / "a", 7, {}, dir_), 7);
}

TEST_F(PrefixReservations, AGoneHomesOctetIsTakenOverAndBusyOnesSkipped) {
  auto gone = home("gone");
  ASSERT_EQ(reserve_address_octet(gone, 254, {}, dir_), 254);
  std::filesystem::remove_all(gone);
  EXPECT_EQ(reserve_address_octet(home("next"), 254, {}, dir_), 254);
  EXPECT_EQ(read_file(dir_ / "254").value_or(""), (tmp_.path() / "next").string());
  // Past 254 it wraps to 1; busy octets are never reserved.
  EXPECT_EQ(reserve_address_octet(home("wrap"), 254, {1, 2}, dir_), 3);
}

TEST_F(PrefixReservations, AnUnusableDirectoryIsNoAnswer) {
  std::ofstream(tmp_.path() / "file") << "x";
  EXPECT_EQ(reserve_address_octet(home("h"), 5, {}, tmp_.path() / "file"), std::nullopt);
  std::filesystem::create_symlink(tmp_.path(), tmp_.path() / "link");
  EXPECT_EQ(reserve_address_octet(home("h"), 5, {}, tmp_.path() / "link"), std::nullopt);
}

}  // namespace
}  // namespace cachectl::core
