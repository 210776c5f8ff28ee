#include <gtest/gtest.h>

#include "core/error.hpp"
#include "device_test_support.hpp"

namespace aperture {
namespace {

using test::build;

TEST(PcieRootPort, HasMsixBar0Of4KiB) {
    const auto spec = build("pcie-root-port,chassis=1", "root");
    EXPECT_EQ(spec.bars, std::vector<BarSpec>{BarSpec::memory32(0, 4 * KiB, Prefetchable::No)});
}

TEST(PcieRootPort, IsRedHatRootPortBridge) {
    const auto spec = build("pcie-root-port,chassis=1", "root");
    EXPECT_EQ(spec.vendor_id, 0x1b36);
    EXPECT_EQ(spec.device_id, 0x000c);
    EXPECT_EQ(spec.class_code, 0x0604);
    EXPECT_EQ(spec.bridge->kind, BridgeKind::PcieRootPort);
}

TEST(PcieRootPort, NativeHotplugOnPcQ35_72HasNoReserveCap) {
    const auto bridge = *build("pcie-root-port,chassis=1", "root").bridge;
    EXPECT_TRUE(bridge.slot_implemented);
    EXPECT_TRUE(bridge.hotplug_capable);
    EXPECT_FALSE(bridge.reserve.has_value());
}

TEST(PcieRootPort, AcpiHotplugDefaultsIoReserveTo4KiB) {
    const auto bridge = *build("pcie-root-port,chassis=1,x-native-hotplug=off", "root").bridge;
    EXPECT_FALSE(bridge.hotplug_capable);
    EXPECT_EQ(bridge.reserve, (ResourceReserveCap{.bus = {}, .io = 4096, .mem = {}, .pref32 = {}, .pref64 = {}}));
}

TEST(PcieRootPort, HotplugOffNeedsNoIoReserve) {
    const auto bridge = *build("pcie-root-port,chassis=1,x-native-hotplug=off,hotplug=off", "root").bridge;
    EXPECT_FALSE(bridge.reserve.has_value());
}

TEST(PcieRootPort, MachinesWithoutKeepSlotHpcTurnNativeHotplugOff) {
    PlugContext context = test::context_named("root");
    context.pcie_native_hotplug_default = false;  // pc-q35-6.1
    const auto bridge = *build_device(test::parse_device("pcie-root-port,chassis=1"), context).bridge;
    EXPECT_FALSE(bridge.hotplug_capable);
    EXPECT_EQ(bridge.reserve->io, 4096u);
}

TEST(PcieRootPort, IoReserveZeroMakesIoWindowReadOnly) {
    const auto bridge = *build("pcie-root-port,chassis=1,io-reserve=0", "root").bridge;
    EXPECT_FALSE(bridge.io_window);
    EXPECT_EQ(bridge.reserve->io, 0u);
}

TEST(PcieRootPort, ReservePropertiesFillTheCap) {
    const auto bridge =
        *build("pcie-root-port,chassis=1,bus-reserve=3,mem-reserve=8M,pref64-reserve=1G", "root").bridge;
    EXPECT_EQ(bridge.reserve, (ResourceReserveCap{.bus = 3, .io = {}, .mem = 8 * MiB, .pref32 = {}, .pref64 = GiB}));
}

TEST(PcieRootPort, BusReserveAllOnesIsUnset) {
    const auto bridge = *build("pcie-root-port,chassis=1,bus-reserve=4294967295", "root").bridge;
    EXPECT_FALSE(bridge.reserve.has_value());
}

TEST(PcieRootPort, MemReserveAllOnesCreatesAnEmptyCap) {
    const auto bridge = *build("pcie-root-port,chassis=1,mem-reserve=0xffffffff", "root").bridge;
    EXPECT_EQ(bridge.reserve, ResourceReserveCap{});
}

TEST(PcieRootPort, Pref32AndPref64TogetherAreRefused) {
    EXPECT_THROW(build("pcie-root-port,chassis=1,pref32-reserve=64M,pref64-reserve=1G", "root"), InputError);
}

TEST(PcieRootPort, MemReserveOf4GiBIsRefused) {
    EXPECT_THROW(build("pcie-root-port,chassis=1,mem-reserve=4G", "root"), InputError);
}

TEST(PcieRootPort, Pref64WindowIs64BitCapable) {
    const auto bridge = *build("pcie-root-port,chassis=1", "root").bridge;
    EXPECT_TRUE(bridge.pref_window);
    EXPECT_TRUE(bridge.pref_window_64);
    EXPECT_TRUE(bridge.secondary_express);
}

TEST(PcieRootPort, RecordsChassisAndSlot) {
    const auto bridge = *build("pcie-root-port,chassis=4,slot=7", "root").bridge;
    EXPECT_EQ(bridge.chassis, 4);
    EXPECT_EQ(bridge.physical_slot, 7);
}

TEST(PcieRootPort, AcceptedOnConventionalBusLikeQemu) { EXPECT_NO_THROW(build("pcie-root-port,chassis=1", "pc")); }

TEST(Ioh3420, HasNoBarsAndNoReserveCap) {
    const auto spec = build("ioh3420,chassis=1,x-native-hotplug=off", "root");
    EXPECT_TRUE(spec.bars.empty());
    EXPECT_FALSE(spec.bridge->reserve.has_value());
}

TEST(Xio3130Downstream, IsHotplugCapableSlot) {
    const auto bridge = *build("xio3130-downstream,chassis=2", "rp").bridge;
    EXPECT_EQ(bridge.kind, BridgeKind::PcieDownstreamPort);
    EXPECT_TRUE(bridge.hotplug_capable);
}

TEST(X3130Upstream, HasNoSlot) {
    const auto bridge = *build("x3130-upstream", "rp").bridge;
    EXPECT_EQ(bridge.kind, BridgeKind::PcieUpstreamPort);
    EXPECT_FALSE(bridge.slot_implemented);
}

}  // namespace
}  // namespace aperture
