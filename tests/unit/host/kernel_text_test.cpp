#include "host/kernel_text.hpp"

#include <gtest/gtest.h>

namespace aperture {
namespace {

TEST(HostKernelText, HexWithRequiredPrefix) {
    EXPECT_EQ(parse_kernel_hex("0x0000020fffffffff", HexPrefix::Required), 0x20fffffffffu);
}
TEST(HostKernelText, HexRequiredPrefixRefusesBareDigits) {
    EXPECT_FALSE(parse_kernel_hex("10de", HexPrefix::Required).has_value());
}
TEST(HostKernelText, HexWithoutPrefix) {
    EXPECT_EQ(parse_kernel_hex("d2008c40660462", HexPrefix::Absent), 0xd2008c40660462u);
}
TEST(HostKernelText, HexAbsentPrefixRefusesPrefix) {
    EXPECT_FALSE(parse_kernel_hex("0x10", HexPrefix::Absent).has_value());
}
TEST(HostKernelText, HexRefusesSeventeenDigits) {
    EXPECT_FALSE(parse_kernel_hex("0x10000000000000000", HexPrefix::Required).has_value());
}
TEST(HostKernelText, HexRefusesNonDigit) {
    EXPECT_FALSE(parse_kernel_hex("0x00000000b2g00000", HexPrefix::Required).has_value());
}
TEST(HostKernelText, HexRefusesEmptyDigits) { EXPECT_FALSE(parse_kernel_hex("0x", HexPrefix::Required).has_value()); }
TEST(HostKernelText, DecimalLargest) { EXPECT_EQ(parse_kernel_decimal("18446744073709551615"), ~u64{0}); }
TEST(HostKernelText, DecimalOverflowIsRefused) {
    EXPECT_FALSE(parse_kernel_decimal("18446744073709551616").has_value());
}
TEST(HostKernelText, DecimalRefusesSign) { EXPECT_FALSE(parse_kernel_decimal("-1").has_value()); }

TEST(HostKernelText, SplitLinesDropsOnlyTheFinalNewline) {
    const auto lines = split_lines("a\n\nb\n");
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[1], "");
    EXPECT_EQ(lines[2], "b");
}
TEST(HostKernelText, SplitWordsOnRunsOfBlanks) {
    const auto words = split_words("Max locked memory   \t 65536   unlimited");
    ASSERT_EQ(words.size(), 5u);
    EXPECT_EQ(words[3], "65536");
    EXPECT_EQ(words[4], "unlimited");
}
TEST(HostKernelText, ErrorNamesFileAndLine) {
    EXPECT_STREQ(kernel_text_error("/sys/x/resource", 3, "bad").what(), "/sys/x/resource:3: bad");
}

}  // namespace
}  // namespace aperture
