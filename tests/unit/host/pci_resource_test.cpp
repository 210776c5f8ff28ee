#include "host/pci_resource.hpp"

#include <gtest/gtest.h>

#include "host_test_support.hpp"

namespace aperture {
namespace {

const std::string kEmpty = "0x0000000000000000 0x0000000000000000 0x0000000000000000\n";

std::string lines(const std::string& line, int count) {
    std::string text;
    for (int i = 0; i < count; ++i) text += line;
    return text;
}

// An A100 PCIe 40GB as a CONFIG_PCI_IOV kernel lists it: BAR 0 16 MiB 32-bit, BAR 1 64 GiB and BAR 3
// 32 MiB 64-bit prefetchable (their upper halves 2 and 4 empty), the ROM, then six empty SR-IOV lines.
const std::string kA100 =
    "0x00000000b2000000 0x00000000b2ffffff 0x0000000000040200\n"
    "0x0000020000000000 0x0000020fffffffff 0x000000000014220c\n" +
    kEmpty + "0x0000021000000000 0x0000021001ffffff 0x000000000014220c\n" + kEmpty + kEmpty +
    "0x00000000b3000000 0x00000000b307ffff 0x0000000000046200\n" + lines(kEmpty, 6);

TEST(HostSysfsResource, A100BarsAtTheirIndexes) {
    const auto parsed = parse_resource_file(kA100, "resource");
    ASSERT_EQ(parsed.bars.size(), 4u);
    EXPECT_EQ(parsed.bars[0].index, 0);
    EXPECT_EQ(parsed.bars[1].index, 1);
    EXPECT_EQ(parsed.bars[2].index, 3);
    EXPECT_EQ(parsed.bars[3].index, kRomBarIndex);
}
TEST(HostSysfsResource, A100Sizes) {
    const auto parsed = parse_resource_file(kA100, "resource");
    EXPECT_EQ(parsed.bars[0].resource.size(), 16 * MiB);
    EXPECT_EQ(parsed.bars[1].resource.size(), 64 * GiB);
    EXPECT_EQ(parsed.bars[2].resource.size(), 32 * MiB);
    EXPECT_EQ(parsed.bars[3].resource.size(), 512 * KiB);
}
TEST(HostSysfsResource, FlagsDecodeKindWidthAndPrefetch) {
    const auto parsed = parse_resource_file(kA100, "resource");
    EXPECT_FALSE(parsed.bars[0].resource.is64());
    EXPECT_FALSE(parsed.bars[0].resource.prefetchable());
    EXPECT_TRUE(parsed.bars[1].resource.is64());
    EXPECT_TRUE(parsed.bars[1].resource.prefetchable());
    EXPECT_EQ(parsed.bars[3].kind(), BarKind::Rom);
}
TEST(HostSysfsResource, SevenLineFileWithoutSriov) {
    const auto parsed =
        parse_resource_file("0x000000000000e000 0x000000000000e07f 0x0000000000040101\n" + lines(kEmpty, 6), "r");
    ASSERT_EQ(parsed.bars.size(), 1u);
    EXPECT_EQ(parsed.bars[0].kind(), BarKind::Io);
    EXPECT_EQ(parsed.bars[0].resource.size(), 128u);
}
TEST(HostSysfsResource, BridgeWindowsAreTheLastFourLines) {
    const std::string text = lines(kEmpty, 13) + kEmpty +
                             "0x00000000b2000000 0x00000000b30fffff 0x0000000000000200\n"
                             "0x0000020000000000 0x0000021001ffffff 0x0000000000102201\n" +
                             kEmpty;
    const auto parsed = parse_resource_file(text, "r");
    ASSERT_EQ(parsed.windows.size(), 2u);
    EXPECT_EQ(parsed.windows[0].window, 1);
    EXPECT_EQ(parsed.windows[1].window, 2);
    EXPECT_EQ(parsed.windows[1].resource.size(), 64 * GiB + 32 * MiB);
    EXPECT_TRUE(parsed.bars.empty());
}
TEST(HostSysfsResource, UnassignedBarKeepsItsSize) {
    const auto parsed =
        parse_resource_file("0x0000000000000000 0x0000000000ffffff 0x0000000020040200\n" + lines(kEmpty, 6), "r");
    EXPECT_EQ(parsed.bars[0].resource.size(), 16 * MiB);
    EXPECT_FALSE(parsed.bars[0].resource.assigned());
}
TEST(HostSysfsResource, BadHexNamesFileAndLine) {
    std::string text = kA100;
    text.replace(text.find("0x0000021000000000"), 18, "0x00000210000000zz");
    EXPECT_EQ(test::input_error([&] { parse_resource_file(text, "/sys/bus/pci/devices/0000:41:00.0/resource"); }),
              "/sys/bus/pci/devices/0000:41:00.0/resource:4: expected '<start> <end> <flags>' as three 0x-prefixed hex "
              "numbers, got '0x00000210000000zz 0x0000021001ffffff 0x000000000014220c'");
}
TEST(HostSysfsResource, WrongLineCountIsRefused) {
    EXPECT_EQ(test::input_error([&] { parse_resource_file(lines(kEmpty, 8), "r"); }),
              "r: expected 7 or 13 lines (a function, without or with SR-IOV support) or 11 or 17 (a bridge), found 8");
}
TEST(HostSysfsResource, StartAboveEndIsRefused) {
    const std::string text = "0x00000000b3000000 0x00000000b2ffffff 0x0000000000040200\n" + lines(kEmpty, 6);
    EXPECT_EQ(test::input_error([&] { parse_resource_file(text, "r"); }),
              "r:1: the region starts at 0xb3000000, above its end 0xb2ffffff");
}
TEST(HostSysfsResource, RegionOfAll64BitsIsRefused) {
    const std::string text = "0x0000000000000000 0xffffffffffffffff 0x0000000000040200\n" + lines(kEmpty, 6);
    EXPECT_THROW(parse_resource_file(text, "r"), InputError);
}
TEST(HostSysfsResource, UpperHalfOfA64BitBarMustBeEmpty) {
    std::string text = kA100;
    text.replace(text.find(kEmpty), kEmpty.size(), "0x0000000000001000 0x0000000000001fff 0x0000000000040200\n");
    EXPECT_EQ(test::input_error([&] { parse_resource_file(text, "r"); }),
              "r:3: BAR 2 is the upper half of 64-bit BAR 1, so the kernel lists it empty");
}
TEST(HostSysfsResource, SixtyFourBitBar5IsRefused) {
    const std::string text = lines(kEmpty, 5) + "0x0000004000000000 0x0000004000ffffff 0x000000000014220c\n" + kEmpty;
    EXPECT_THROW(parse_resource_file(text, "r"), InputError);
}
TEST(HostSysfsResource, RegionWithoutIoOrMemTypeIsRefused) {
    const std::string text = "0x0000000000001000 0x0000000000001fff 0x0000000000000400\n" + lines(kEmpty, 6);
    EXPECT_EQ(test::input_error([&] { parse_resource_file(text, "r"); }),
              "r:1: flags 0x400 name neither IORESOURCE_IO (0x100) nor IORESOURCE_MEM (0x200)");
}

TEST(HostSysfsResize, Rtx4090Bar1From64MiBTo32GiB) {
    const auto sizes = parse_resize_sizes("000000000000ffc0\n", "resource1_resize");
    ASSERT_EQ(sizes.size(), 10u);
    EXPECT_EQ(sizes.front(), 64 * MiB);
    EXPECT_EQ(sizes.back(), 32 * GiB);
}
TEST(HostSysfsResize, BitZeroIsOneMiB) {
    EXPECT_EQ(parse_resize_sizes("0000000000000001\n", "r"), std::vector<u64>{MiB});
}
TEST(HostSysfsResize, Bit43IsTheLargest64BitSize) {
    EXPECT_EQ(parse_resize_sizes("0000080000000000\n", "r"), std::vector<u64>{u64{1} << 63});
}
TEST(HostSysfsResize, Bit44IsRefused) {
    EXPECT_EQ(test::input_error([] { parse_resize_sizes("0000100000000000\n", "r"); }),
              "r: bit 44 stands for 2^64 bytes, beyond 64-bit sizes");
}
TEST(HostSysfsResize, PrefixedValueIsRefused) { EXPECT_THROW(parse_resize_sizes("0xffc0\n", "r"), InputError); }

}  // namespace
}  // namespace aperture
