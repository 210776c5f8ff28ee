#include "devices/msix.hpp"

#include <gtest/gtest.h>

namespace aperture {
namespace {

TEST(MsixExclusiveBar, OneVectorTakes4KiB) { EXPECT_EQ(msix_exclusive_bar_size(1), 4 * KiB); }
TEST(MsixExclusiveBar, Up128VectorsStayIn4KiB) { EXPECT_EQ(msix_exclusive_bar_size(128), 4 * KiB); }
TEST(MsixExclusiveBar, TableFillingHalfPushesPbaOut) { EXPECT_EQ(msix_exclusive_bar_size(255), 8 * KiB); }
TEST(MsixExclusiveBar, TableAndPbaExactly4KiBStay) { EXPECT_EQ(msix_exclusive_bar_size(254), 4 * KiB); }
TEST(MsixExclusiveBar, ThousandVectorsTake16KiB) { EXPECT_EQ(msix_exclusive_bar_size(1000), 16 * KiB); }
TEST(MsixExclusiveBar, MaximumTakes64KiB) { EXPECT_EQ(msix_exclusive_bar_size(2048), 64 * KiB); }
TEST(MsixExclusiveBar, ZeroVectorsRefused) { EXPECT_FALSE(msix_exclusive_bar_size(0).has_value()); }
TEST(MsixExclusiveBar, AboveMaximumRefused) { EXPECT_FALSE(msix_exclusive_bar_size(2049).has_value()); }

}  // namespace
}  // namespace aperture
