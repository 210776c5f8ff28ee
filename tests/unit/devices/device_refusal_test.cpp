// QEMU's own refusals carry QEMU's exact text, so a plan can report what QEMU would print.

#include <gtest/gtest.h>

#include "device_test_support.hpp"

namespace aperture {
namespace {

DeviceRefusal refusal_of(const std::string& device, const std::string& context) {
    try {
        (void)test::build(device, context);
    } catch (const DeviceRefusal& refusal) {
        return refusal;
    }
    return DeviceRefusal("accepted", DeviceRefusal::Kind::Error, "");
}

TEST(DeviceRefusal, ReserveConflictHasQemuText) {
    const auto refusal = refusal_of("pcie-root-port,chassis=1,pref32-reserve=64M,pref64-reserve=1G", "root");
    EXPECT_EQ(refusal.qemu_message("pcie-root-port,chassis=1,pref32-reserve=64M,pref64-reserve=1G"),
              "-device pcie-root-port,chassis=1,pref32-reserve=64M,pref64-reserve=1G: "
              "PCI resource reserve cap: PREF32 and PREF64 conflict");
}

TEST(DeviceRefusal, MalformedValueHasQemuParameterText) {
    EXPECT_EQ(refusal_of("pcie-root-port,chassis=256", "root").message_after_location(),
              "Parameter 'chassis' expects uint8_t");
}

TEST(DeviceRefusal, NegativeUnsignedIsOutOfRangeNotMalformed) {
    EXPECT_EQ(refusal_of("pcie-root-port,bus-reserve=-1", "root").message_after_location(),
              "Parameter 'bus-reserve' expects uint32_t");
}

TEST(DeviceRefusal, OnOffAutoRefusalNamesValue) {
    EXPECT_EQ(refusal_of("virtio-net-pci,disable-legacy=yes", "root").message_after_location(),
              "Parameter 'disable-legacy' does not accept value 'yes'");
}

TEST(DeviceRefusal, NonPowerOfTwoBarIsAnAbortWithoutLocation) {
    const auto refusal = refusal_of("pci-testdev,membar=3G", "root");
    EXPECT_EQ(refusal.kind(), DeviceRefusal::Kind::Abort);
    EXPECT_EQ(refusal.qemu_message("pci-testdev,membar=3G"),
              "../../hw/pci/pci.c:1240: pci_register_bar: Assertion `is_power_of_2(size)' failed.");
}

TEST(DeviceRefusal, IsAnInputError) {
    EXPECT_THROW(test::build("nvme", "root"), InputError);
}

}  // namespace
}  // namespace aperture
