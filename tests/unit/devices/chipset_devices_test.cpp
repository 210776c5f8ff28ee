// The ICH9 functions as -device: EHCI/UHCI controllers, HD Audio, the DMI-to-PCI bridge (what Proxmox VE's
// pve-q35-4.0.cfg and libvirt's ich9 controllers add). Expected values as measured on QEMU 7.2.

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "device_test_support.hpp"

namespace aperture {
namespace {

using test::build;

TEST(Ich9UsbDevice, Ehci2IsItsOwnDeviceIdWithA4KiBMmioBar) {
    const auto spec = build("ich9-usb-ehci2", "root");
    EXPECT_EQ(spec.device_id, 0x293c);
    EXPECT_EQ(spec.bars, std::vector<BarSpec>{BarSpec::memory32(0, 4 * KiB, Prefetchable::No)});
}

TEST(Ich9UsbDevice, Uhci6HasThe32ByteIoBar4) {
    const auto spec = build("ich9-usb-uhci6,masterbus=ehci-2.0,firstport=4", "root");
    EXPECT_EQ(spec.device_id, 0x2939);
    EXPECT_EQ(spec.bars, std::vector<BarSpec>{BarSpec::io(4, 32)});
}

TEST(Ich9UsbDevice, PluggedControllerIsNotMultifunctionUnlessAsked) { EXPECT_FALSE(build("ich9-usb-ehci1", "root").multifunction); }

TEST(Ich9UsbDevice, MultifunctionPropertyMakesItMultifunction) {
    DeviceSpec device = test::parse_device("ich9-usb-uhci1");
    device.multifunction = true;  // the reader moves multifunction=on here
    EXPECT_TRUE(build_device(device, test::context_named("root")).multifunction);
}

TEST(IntelHda, Ich9VariantHasA16KiBMmioBar) {
    const auto spec = build("ich9-intel-hda", "root");
    EXPECT_EQ(spec.device_id, 0x293e);
    EXPECT_EQ(spec.class_code, 0x0403);
    EXPECT_EQ(spec.bars, std::vector<BarSpec>{BarSpec::memory32(0, 16 * KiB, Prefetchable::No)});
}

TEST(IntelHda, Ich6VariantDiffersOnlyInDeviceId) { EXPECT_EQ(build("intel-hda", "pc").device_id, 0x2668); }

TEST(I82801b11Bridge, IsABridgeWithoutBarsOrHotplug) {
    const auto spec = build("i82801b11-bridge", "root");
    EXPECT_EQ(spec.device_id, 0x244e);
    EXPECT_TRUE(spec.bars.empty());
    ASSERT_TRUE(spec.bridge.has_value());
    EXPECT_FALSE(spec.bridge->has_shpc);
    EXPECT_FALSE(spec.bridge->hotplug_capable);
    EXPECT_FALSE(spec.bridge->reserve.has_value());
}

TEST(I82801b11Bridge, UnknownPropertyIsRefused) { EXPECT_THROW(build("i82801b11-bridge,chassis_nr=1", "root"), InputError); }

}  // namespace
}  // namespace aperture
