// pci.ids as lspci reads it: vendors, their devices, the class list; everything else skipped.
#include "host/pci_ids.hpp"

#include <gtest/gtest.h>

#include <string>

namespace aperture {
namespace {

constexpr std::string_view kSample =
    "# comment\n"
    "10de  NVIDIA Corporation\n"
    "\t2684  AD102 [GeForce RTX 4090]\n"
    "\t\t1043 889c  TUF RTX 4090\n"
    "\tzzzz  not an ID\n"
    "1af4  Red Hat, Inc.\n"
    "\t1041  Virtio 1.0 network device\n"
    "C 03  Display controller\n"
    "\t00  VGA compatible controller\n"
    "\t\t01  8514 compatible controller\n"
    "C 0c  Serial bus controller\n";

TEST(PciIds, NamesAFunctionAsLspciDoes) {
    const PciIds ids = PciIds::parse(kSample);
    EXPECT_EQ(ids.describe(0x10de, 0x2684), "NVIDIA Corporation AD102 [GeForce RTX 4090]");
    EXPECT_EQ(ids.describe(0x1af4, 0x1041), "Red Hat, Inc. Virtio 1.0 network device");
    EXPECT_EQ(ids.device_class(0x03, 0x00), "VGA compatible controller");
}

TEST(PciIds, FallsBackToTheVendorAndTheBaseClass) {
    const PciIds ids = PciIds::parse(kSample);
    EXPECT_EQ(ids.describe(0x10de, 0x1234), "NVIDIA Corporation");
    EXPECT_EQ(ids.describe(0x8086, 0x1234), std::nullopt);
    EXPECT_EQ(ids.device_class(0x0c, 0x03), "Serial bus controller");
    EXPECT_EQ(ids.device_class(0x02, 0x00), std::nullopt);
}

TEST(PciIds, SubsystemsAndUnreadableLinesDoNotBecomeDevices) {
    const PciIds ids = PciIds::parse(kSample);
    // "\t\t1043 889c" is a subsystem of 10de:2684, not a device 1043 of NVIDIA; a class's "\t\t01" is a
    // programming interface, not a subclass.
    EXPECT_EQ(ids.device(0x10de, 0x1043), std::nullopt);
    EXPECT_EQ(ids.device_class(0x03, 0x01), "Display controller");
    // A device line after the class section starts is not a device of the last vendor.
    EXPECT_EQ(ids.device(0x1af4, 0x0000), std::nullopt);
}

TEST(PciIds, GarbageGivesNoNamesAndNoError) {
    EXPECT_TRUE(PciIds::parse("\t\t\x01\xff\nC \n\t0\nxyz\n10de").empty());
    EXPECT_TRUE(PciIds::parse("").empty());
}

TEST(PciIds, ACopiedTreeCarriesItsOwnFile) {
    const PciIds ids = load_pci_ids(std::string(APERTURE_SOURCE_DIR) + "/tests/fixtures/host/intel-i7-12700-rtx4090");
    EXPECT_EQ(ids.describe(0x10de, 0x22ba), "NVIDIA Corporation AD102 High Definition Audio Controller");
}

}  // namespace
}  // namespace aperture
