#include "host/kernel_version.hpp"

#include <gtest/gtest.h>

namespace aperture {
namespace {

TEST(KernelVersion, DebianRelease) { EXPECT_EQ(parse_kernel_version("6.12.38+deb12-amd64"), (KernelVersion{6, 12})); }
TEST(KernelVersion, RedHatRelease) { EXPECT_EQ(parse_kernel_version("5.14.0-427.13.1.el9_4.x86_64"), (KernelVersion{5, 14})); }
TEST(KernelVersion, ReleaseCandidate) { EXPECT_EQ(parse_kernel_version("6.10.0-rc1"), (KernelVersion{6, 10})); }
TEST(KernelVersion, MajorAndMinorOnly) { EXPECT_EQ(parse_kernel_version("6.10"), (KernelVersion{6, 10})); }
TEST(KernelVersion, MinorComparesAsANumber) { EXPECT_LT((KernelVersion{6, 9}), (KernelVersion{6, 10})); }
TEST(KernelVersion, NoMinorIsNoVersion) { EXPECT_FALSE(parse_kernel_version("6").has_value()); }
TEST(KernelVersion, WordsAreNoVersion) { EXPECT_FALSE(parse_kernel_version("linux-6.10").has_value()); }
TEST(KernelVersion, EmptyIsNoVersion) { EXPECT_FALSE(parse_kernel_version("").has_value()); }

}  // namespace
}  // namespace aperture
