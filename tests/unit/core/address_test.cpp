#include "core/address.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/range.hpp"
#include "core/size_parse.hpp"

namespace aperture {
namespace {

TEST(AlignUp, RoundsToPowerOfTwo) { EXPECT_EQ(align_up(0x1001, 0x1000), 0x2000u); }
TEST(AlignUp, KeepsAlignedValue) { EXPECT_EQ(align_up(0x2000, 0x1000), 0x2000u); }
TEST(AlignUp, FailsWhenPassing2To64) { EXPECT_FALSE(align_up(~u64{0} - 5, 0x1000).has_value()); }
TEST(AlignUpOrThrow, ThrowsWithTheValues) {
    EXPECT_THROW(align_up_or_throw(~u64{0}, 2, "window"), ArithmeticError);
}
TEST(CheckedAdd, DetectsOverflow) { EXPECT_FALSE(checked_add(~u64{0}, 1).has_value()); }
TEST(PowerOfTwoCeil, RoundsUp) { EXPECT_EQ(power_of_two_ceil(0x3000), 0x4000u); }
TEST(PowerOfTwoCeil, RejectsAbove2To63) { EXPECT_FALSE(power_of_two_ceil((u64{1} << 63) + 1).has_value()); }

TEST(AddressRange, FromStartAndSize) {
    auto r = AddressRange::from_start_and_size(0x1000, 0x1000);
    EXPECT_EQ(r.first(), 0x1000u);
    EXPECT_EQ(r.last(), 0x1fffu);
    EXPECT_EQ(r.size(), 0x1000u);
}
TEST(AddressRange, NewFailsOverflow) {
    EXPECT_THROW(AddressRange::from_start_and_size(~u64{0} - 0xfff, 0x2000), ArithmeticError);
}
TEST(AddressRange, NewFailsEmpty) { EXPECT_THROW(AddressRange::from_start_and_size(0x1000, 0), ArithmeticError); }
TEST(AddressRange, NewFailsInverted) { EXPECT_THROW(AddressRange::from_first_and_last(2, 1), ArithmeticError); }
TEST(AddressRange, TopOfSpaceHasNoEnd) {
    auto r = AddressRange::from_first_and_last(0xffff'ffff'ffff'f000, ~u64{0});
    EXPECT_FALSE(r.end().has_value());
}
TEST(AddressRange, Overlaps) {
    auto a = AddressRange::from_start_and_size(0x1000, 0x1000);
    auto b = AddressRange::from_start_and_size(0x1fff, 0x10);
    auto c = AddressRange::from_start_and_size(0x2000, 0x10);
    EXPECT_TRUE(a.overlaps(b));
    EXPECT_FALSE(a.overlaps(c));
}

TEST(ParseSize, Suffixes) {
    EXPECT_EQ(parse_size("8G"), 8 * GiB);
    EXPECT_EQ(parse_size("512m"), 512 * MiB);
    EXPECT_EQ(parse_size("4k"), 4 * KiB);
    EXPECT_EQ(parse_size("1T"), TiB);
}
TEST(ParseSize, DefaultMiBForMemory) { EXPECT_EQ(parse_size("2048", DefaultSuffix::Mebibytes), 2 * GiB); }
TEST(ParseSize, Fraction) { EXPECT_EQ(parse_size("1.5G"), GiB + GiB / 2); }
TEST(ParseSize, Hex) { EXPECT_EQ(parse_size("0x1000"), 0x1000u); }
TEST(ParseSize, RejectsGarbage) {
    EXPECT_FALSE(parse_size("").has_value());
    EXPECT_FALSE(parse_size("G").has_value());
    EXPECT_FALSE(parse_size("12Q").has_value());
    EXPECT_FALSE(parse_size("-1").has_value());
    EXPECT_FALSE(parse_size("1GG").has_value());
}
TEST(ParseSize, RejectsNear2To64) {
    EXPECT_FALSE(parse_size("16E").has_value());
    EXPECT_FALSE(parse_size("18446744073709551615").has_value());
    EXPECT_FALSE(parse_size("99999999999999999999").has_value());
}
TEST(HumanSize, ExactUnits) {
    EXPECT_EQ(human_size(32 * GiB), "32 GiB");
    EXPECT_EQ(human_size(4096), "4 KiB");
    EXPECT_EQ(human_size(100), "100 B");
}

}  // namespace
}  // namespace aperture

namespace aperture {
namespace {

TEST(ParseUintBase0, OctalHexAndDecimal) {
    EXPECT_EQ(parse_uint_base0("010"), 8u);
    EXPECT_EQ(parse_uint_base0("0x10"), 16u);
    EXPECT_EQ(parse_uint_base0("10"), 10u);
    EXPECT_EQ(parse_uint_base0("0"), 0u);
}

TEST(ParseUintBase0, RejectsBadOctalDigit) { EXPECT_FALSE(parse_uint_base0("09").has_value()); }

}  // namespace
}  // namespace aperture
