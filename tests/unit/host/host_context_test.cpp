#include "host/host_context.hpp"

#include <gtest/gtest.h>

#include "host_test_support.hpp"

namespace aperture {
namespace {

const HostContext& epyc() {
    static const HostContext context = host_context(test::probe_fixture("amd-epyc-a100"));
    return context;
}
const HostContext& alder_lake() {
    static const HostContext context = host_context(test::probe_fixture("intel-i7-12700-rtx4090"));
    return context;
}
const HostContext& h100_server() {
    static const HostContext context = host_context(test::probe_fixture("h100-8gpu-server"));
    return context;
}

TEST(HostContextConversion, CpuFromTheSnapshot) {
    ASSERT_TRUE(epyc().cpu.has_value());
    EXPECT_EQ(epyc().cpu->vendor, "AuthenticAMD");
    EXPECT_EQ(epyc().cpu->phys_bits, 48u);
}
TEST(HostContextConversion, A100LayoutMatchesTheCatalog) {
    const PciFunctionSpec& a100 = epyc().passthrough.at("0000:41:00.0");
    EXPECT_EQ(a100.driver, "vfio-pci");
    EXPECT_EQ(a100.vendor_id, 0x10de);
    EXPECT_EQ(a100.device_id, 0x20f1);
    EXPECT_EQ(a100.class_code, 0x0302);
    EXPECT_EQ(a100.bars,
              (std::vector<BarSpec>{BarSpec::memory32(0, 16 * MiB, Prefetchable::No),
                                    BarSpec::memory64(1, 64 * GiB, Prefetchable::Yes),
                                    BarSpec::memory64(3, 32 * MiB, Prefetchable::Yes), BarSpec::rom(512 * KiB)}));
}
TEST(HostContextConversion, RomIsIndexSix) {
    const BarSpec* rom = epyc().passthrough.at("0000:41:00.0").rom();
    ASSERT_NE(rom, nullptr);
    EXPECT_EQ(rom->index, kRomBarIndex);
    EXPECT_EQ(rom->kind, BarKind::Rom);
}
TEST(HostContextConversion, BridgesAreNotPassedThrough) {
    EXPECT_FALSE(epyc().passthrough.contains("0000:40:01.1"));
    EXPECT_EQ(epyc().passthrough.size(), 2u);  // the host bridge (header type 0) and the A100
}
TEST(HostContextConversion, H100PrefetchableBarAtIndexTwo) {
    const PciFunctionSpec& h100 = h100_server().passthrough.at("0000:18:00.0");
    EXPECT_EQ(*h100.bar(2), BarSpec::memory64(2, 128 * GiB, Prefetchable::Yes));
    EXPECT_EQ(*h100.bar(4), BarSpec::memory64(4, 32 * MiB, Prefetchable::Yes));
    EXPECT_EQ(h100.bar(1), nullptr);
}
TEST(HostContextConversion, EightH100sAndNoPorts) { EXPECT_EQ(h100_server().passthrough.size(), 8u); }
TEST(HostContextConversion, Rtx4090AtItsCurrentResizableSize) {
    const PciFunctionSpec& gpu = alder_lake().passthrough.at("0000:01:00.0");
    EXPECT_EQ(*gpu.bar(1), BarSpec::memory64(1, 32 * GiB, Prefetchable::Yes));
    EXPECT_EQ(*gpu.bar(5), BarSpec::io(5, 128));
    EXPECT_TRUE(gpu.multifunction);
    EXPECT_TRUE(gpu.is_vga());
}
TEST(HostContextConversion, AudioFunctionIsPassedThroughToo) {
    EXPECT_EQ(alder_lake().passthrough.at("0000:01:00.1").bars,
              std::vector<BarSpec>{BarSpec::memory32(0, 16 * KiB, Prefetchable::No)});
}
TEST(HostContextConversion, NonPowerOfTwoBarIsRefusedWithAReason) {
    HostPciDevice device;
    device.address = "0000:05:00.0";
    device.bars = {HostBar{2, HostResource{0xfb000000, 0xfb002fff, 0x40200}, {}}};
    std::string why_not;
    EXPECT_FALSE(passthrough_function(device, why_not).has_value());
    EXPECT_EQ(why_not, "0000:05:00.0 BAR 2 is 0x3000 bytes, not a power of two; QEMU cannot register such a BAR");
}
TEST(HostContextConversion, BridgeRefusalSaysWhy) {
    std::string why_not;
    EXPECT_FALSE(
        passthrough_function(*test::probe_fixture("amd-epyc-a100").device("0000:40:01.1"), why_not).has_value());
    EXPECT_EQ(why_not, "0000:40:01.1 is a bridge (header type 1); vfio-pci binds only header type 0 functions");
}

}  // namespace
}  // namespace aperture
