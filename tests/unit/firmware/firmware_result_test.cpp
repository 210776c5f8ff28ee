// The outcome vocabulary every firmware model shares (firmware/firmware_result.hpp): the names reports print
// for root windows, and which windows lie below 4 GiB.
#include "firmware/firmware_result.hpp"

#include <gtest/gtest.h>

namespace aperture {
namespace {

TEST(RootWindowKind, NamesAreTheFirmwaresPoolNames) {
    EXPECT_EQ(to_string(RootWindowKind::Io), "IO");
    EXPECT_EQ(to_string(RootWindowKind::Mem32Prefetchable), "32-bit prefetchable MMIO");
    EXPECT_EQ(to_string(RootWindowKind::Mem64), "64-bit MMIO");
}

TEST(RootWindowKind, NoneHasNoName) { EXPECT_EQ(to_string(RootWindowKind::None), ""); }

TEST(RootWindowKind, PrefetchableMem32IsBelow4G) { EXPECT_TRUE(is_below_4g(RootWindowKind::Mem32Prefetchable)); }

TEST(RootWindowKind, Mem64IsNotBelow4G) { EXPECT_FALSE(is_below_4g(RootWindowKind::Mem64Prefetchable)); }

TEST(RootWindowKind, NoneIsNotBelow4G) { EXPECT_FALSE(is_below_4g(RootWindowKind::None)); }

}  // namespace
}  // namespace aperture
