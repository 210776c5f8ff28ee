#include "host/iomem.hpp"

#include <gtest/gtest.h>

#include "host_test_support.hpp"

namespace aperture {
namespace {

const std::string kIomem =
    "00000000-00000fff : Reserved\n"
    "b0000000-b3ffffff : PCI Bus 0000:40\n"
    "  b2000000-b30fffff : PCI Bus 0000:41\n"
    "    b2000000-b2ffffff : 0000:41:00.0\n"
    "20000000000-2ffffffffff : PCI Bus 0000:40\n"
    "  20000000000-20fffffffff : 0000:41:00.0\n";

HostPciDevice gpu(u64 bar1_start) {
    HostPciDevice device;
    device.address = "0000:41:00.0";
    device.bars = {HostBar{0, HostResource{0xb2000000, 0xb2ffffff, 0x40200}, {}},
                   HostBar{1, HostResource{bar1_start, bar1_start + 64 * GiB - 1, 0x14220c}, {}}};
    return device;
}

HostPciDevice bridge() {
    HostPciDevice device;
    device.address = "0000:40:01.1";
    device.secondary_bus = 0x41;
    device.windows = {HostBridgeWindow{1, HostResource{0xb2000000, 0xb30fffff, 0x200}}};
    return device;
}

TEST(HostIomem, ParsesDepthRangeAndName) {
    const Iomem iomem = parse_iomem(kIomem, "iomem");
    ASSERT_EQ(iomem.entries.size(), 6u);
    EXPECT_EQ(iomem.entries[3], (IomemEntry{2, 0xb2000000, 0xb2ffffff, "0000:41:00.0"}));
    EXPECT_EQ(iomem.entries[4], (IomemEntry{0, 0x20000000000, 0x2ffffffffff, "PCI Bus 0000:40"}));
}
TEST(HostIomem, NamesMayContainSeparators) {
    EXPECT_EQ(parse_iomem("fed00000-fed003ff : HPET 0 : timer\n", "iomem").entries[0].name, "HPET 0 : timer");
}
TEST(HostIomem, ZeroedAddressesAreHidden) {
    EXPECT_TRUE(
        parse_iomem("00000000-00000000 : Reserved\n  00000000-00000000 : System RAM\n", "iomem").addresses_hidden());
    EXPECT_FALSE(parse_iomem(kIomem, "iomem").addresses_hidden());
}
TEST(HostIomem, OddIndentIsRefused) {
    EXPECT_EQ(test::input_error([] {
                  parse_iomem("00000000-00000fff : Reserved\n   00001000-0009ffff : System RAM\n", "/proc/iomem");
              }),
              "/proc/iomem:2: expected '<start>-<end> : <name>' in hex, indented two spaces per level, got "
              "'   00001000-0009ffff : System RAM'");
}
// The kernel lists no such range and a snapshot could not hold it: refused, naming the line, rather than
// failing when the snapshot is written (fuzz_host_probe: "9-0 : ") or written with its size wrapped to 0.
TEST(HostIomem, InvertedRangeIsRefused) {
    EXPECT_EQ(test::input_error([] { parse_iomem("00000000-00000fff : Reserved\n9-0 : \n", "/proc/iomem"); }),
              "/proc/iomem:2: the range starts at 0x9, above its end 0x0");
}
TEST(HostIomem, RangeOfAll2To64IsRefused) {
    EXPECT_EQ(test::input_error([] { parse_iomem("0000000000000000-ffffffffffffffff : PCI Bus 0000:00\n", "/proc/iomem"); }),
              "/proc/iomem:1: the range covers all 2^64 addresses");
}
TEST(HostIomem, MissingNameSeparatorIsRefused) {
    EXPECT_THROW(parse_iomem("00000000-00000fff Reserved\n", "iomem"), InputError);
}

TEST(HostIomem, AgreesWithSysfs) {
    const auto agreement = check_iomem_agreement(parse_iomem(kIomem, "iomem"), {gpu(0x20000000000), bridge()});
    EXPECT_EQ(agreement.compared, 3u);
    EXPECT_TRUE(agreement.agrees());
}
TEST(HostIomem, NamesTheBarThatDisagrees) {
    const auto agreement = check_iomem_agreement(parse_iomem(kIomem, "iomem"), {gpu(0x21000000000)});
    ASSERT_EQ(agreement.disagreements.size(), 1u);
    EXPECT_EQ(agreement.disagreements[0],
              "0000:41:00.0 BAR 1 0x21000000000-0x21fffffffff: /proc/iomem has no such range under 0000:41:00.0");
}
TEST(HostIomem, NamesTheWindowThatDisagrees) {
    HostPciDevice port = bridge();
    port.secondary_bus = 0x42;  // iomem has the window under "PCI Bus 0000:41"
    const auto agreement = check_iomem_agreement(parse_iomem(kIomem, "iomem"), {port});
    ASSERT_EQ(agreement.disagreements.size(), 1u);
    EXPECT_EQ(agreement.disagreements[0],
              "0000:40:01.1 window 1 0xb2000000-0xb30fffff: /proc/iomem has no such range under 'PCI Bus 0000:42'");
}
TEST(HostIomem, ShadowRomIsNotCompared) {
    HostPciDevice igpu;
    igpu.address = "0000:00:02.0";
    igpu.bars = {HostBar{kRomBarIndex, HostResource{0xc0000, 0xdffff, 0x212}, {}}};
    EXPECT_EQ(check_iomem_agreement(parse_iomem(kIomem, "iomem"), {igpu}).compared, 0u);
}
TEST(HostIomem, HiddenAddressesCompareNothing) {
    const Iomem hidden = parse_iomem("00000000-00000000 : PCI Bus 0000:40\n", "iomem");
    const auto agreement = check_iomem_agreement(hidden, {gpu(0x20000000000)});
    EXPECT_EQ(agreement.compared, 0u);
    EXPECT_TRUE(agreement.agrees());
}

}  // namespace
}  // namespace aperture
