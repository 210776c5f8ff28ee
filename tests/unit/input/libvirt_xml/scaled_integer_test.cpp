#include "input/libvirt_xml/scaled_integer.hpp"

#include <gtest/gtest.h>

namespace aperture::libvirt_xml {
namespace {

TEST(ScaledInteger, EmptyUnitUsesTheDefaultScale) { EXPECT_EQ(scale_integer(2, "", KiB, kLibvirtMemoryMax).bytes, 2 * KiB); }

TEST(ScaledInteger, BinaryPrefixesAreCaseInsensitive) {
    EXPECT_EQ(scale_integer(3, "GiB", 1, kLibvirtMemoryMax).bytes, 3 * GiB);
    EXPECT_EQ(scale_integer(3, "gib", 1, kLibvirtMemoryMax).bytes, 3 * GiB);
    EXPECT_EQ(scale_integer(3, "G", 1, kLibvirtMemoryMax).bytes, 3 * GiB);
    EXPECT_EQ(scale_integer(5, "k", 1, kLibvirtMemoryMax).bytes, 5 * KiB);
}

TEST(ScaledInteger, TwoLetterBUnitsAreDecimal) {
    EXPECT_EQ(scale_integer(2, "MB", 1, kLibvirtMemoryMax).bytes, u64{2'000'000});
    EXPECT_EQ(scale_integer(1, "TB", 1, kLibvirtMemoryMax).bytes, u64{1'000'000'000'000});
}

TEST(ScaledInteger, BytesUnitsScaleByOne) {
    EXPECT_EQ(scale_integer(7, "bytes", KiB, kLibvirtMemoryMax).bytes, u64{7});
    EXPECT_EQ(scale_integer(7, "B", KiB, kLibvirtMemoryMax).bytes, u64{7});
}

TEST(ScaledInteger, UnknownUnitIsNamed) {
    const ScaledValue result = scale_integer(1, "XiB", KiB, kLibvirtMemoryMax);
    EXPECT_FALSE(result.bytes);
    EXPECT_EQ(result.error, "unknown suffix 'XiB'");
}

TEST(ScaledInteger, ValueOverTheLimitFails) {
    const ScaledValue result = scale_integer(8, "EiB", 1, kLibvirtMemoryMax);
    EXPECT_FALSE(result.bytes);
    EXPECT_EQ(result.error, "value too large: 8EiB");
}

TEST(ScaledInteger, LargestValueUnderTheLimitPasses) {
    EXPECT_EQ(scale_integer(7, "EiB", 1, kLibvirtMemoryMax).bytes, 7 * (u64{1} << 60));
}

}  // namespace
}  // namespace aperture::libvirt_xml
