#include <gtest/gtest.h>

#include "core/error.hpp"
#include "device_test_support.hpp"

namespace aperture {
namespace {

using test::build;

TEST(PciBridge, ShpcRegistersAre64BitBar0Of256Bytes) {
    const auto spec = build("pci-bridge,chassis_nr=1", "root");
    EXPECT_EQ(spec.bars, std::vector<BarSpec>{BarSpec::memory64(0, 256, Prefetchable::No)});
    EXPECT_TRUE(spec.bridge->has_shpc);
}

TEST(PciBridge, ShpcOffHasNoBar) {
    const auto spec = build("pci-bridge,chassis_nr=1,shpc=off", "root");
    EXPECT_TRUE(spec.bars.empty());
    EXPECT_FALSE(spec.bridge->has_shpc);
}

TEST(PciBridge, MsiOffKeepsShpcBar) { EXPECT_EQ(build("pci-bridge,chassis_nr=1,msi=off", "root").bars.size(), 1u); }

TEST(PciBridge, MissingChassisNrIsRefused) { EXPECT_THROW(build("pci-bridge", "root"), InputError); }

TEST(PciBridge, SecondaryBusIsConventional) {
    const auto bridge = *build("pci-bridge,chassis_nr=1", "pc").bridge;
    EXPECT_EQ(bridge.kind, BridgeKind::PciBridge);
    EXPECT_FALSE(bridge.secondary_express);
    EXPECT_FALSE(bridge.slot_implemented);
}

TEST(PciBridge, ReserveCapFromProperties) {
    const auto bridge = *build("pci-bridge,chassis_nr=1,bus-reserve=2,pref64-reserve=1G", "root").bridge;
    EXPECT_EQ(bridge.reserve, (ResourceReserveCap{.bus = 2, .io = {}, .mem = {}, .pref32 = {}, .pref64 = GiB}));
}

TEST(PciBridge, IoReserveZeroKeepsIoWindowWritable) {
    const auto bridge = *build("pci-bridge,chassis_nr=1,io-reserve=0", "root").bridge;
    EXPECT_TRUE(bridge.io_window);
    EXPECT_EQ(bridge.reserve->io, 0u);
}

TEST(PciBridgeSeat, HasItsOwnDeviceId) { EXPECT_EQ(build("pci-bridge-seat,chassis_nr=3", "root").device_id, 0x000a); }

TEST(PciePciBridge, AlwaysHasShpcBar) {
    const auto spec = build("pcie-pci-bridge,msi=off", "root");
    EXPECT_EQ(spec.bars, std::vector<BarSpec>{BarSpec::memory64(0, 256, Prefetchable::No)});
    EXPECT_EQ(spec.bridge->kind, BridgeKind::PcieToPciBridge);
    EXPECT_FALSE(spec.bridge->reserve.has_value());
}

}  // namespace
}  // namespace aperture
