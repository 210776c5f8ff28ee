// The PHBs libvirt 10.7.0 adds to a pSeries guest. The expected counts are libvirt's own: the
// spapr-pci-host-bridge devices in tests/qemuxmlconfdata/<name>.ppc64-latest.args, plus the implicit
// PHB 0 (pseries-hostdevs-{1,2,3} are also in shared/data/libvirt-xml/args/). The host IOMMU groups are
// those of tests/virpcimock.c: 0001:01:00.0 and 0001:01:00.1 in group 5, 0005:90:01.0 in group 7.
#include "libvirt/pseries_phb.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace aperture {
namespace {

constexpr unsigned GROUP_0001_01_00 = 5;  // virpcimock.c: 0001:01:00.0 and .1
constexpr unsigned GROUP_0005_90_01 = 7;  // virpcimock.c: 0005:90:01.0

PseriesPciDevice hostdev(unsigned group, std::optional<PseriesGuestAddress> address = std::nullopt) { return {group, address}; }
PseriesPciDevice emulated(std::optional<PseriesGuestAddress> address = std::nullopt) { return {std::nullopt, address}; }

TEST(PseriesPhb, NoDevicesOnlyTheDefaultPhb) { EXPECT_EQ(pseries_phb_count({}), 1u); }

TEST(PseriesPhb, EmulatedDevicesStayOnTheDefaultPhb) {
    PseriesPhbInput in;
    in.devices = {emulated(), emulated(), emulated()};
    EXPECT_EQ(pseries_phb_count(in), 1u);
}

// pseries-hostdevs-1.xml: an <interface type='hostdev'> (0005:90:01.0, first in libvirt's hostdev list)
// and two hostdevs of one IOMMU group, none with an address: a PHB per group.
TEST(PseriesPhb, Hostdevs1OnePhbPerIommuGroup) {
    PseriesPhbInput in;
    in.devices = {hostdev(GROUP_0005_90_01), hostdev(GROUP_0001_01_00), hostdev(GROUP_0001_01_00)};
    EXPECT_EQ(pseries_phb_count(in), 3u);
}

// pseries-hostdevs-2.xml: a virtio-scsi controller at bus 1 slot 1 makes PHB 1; a hostdev the user put at
// bus 1 slot 2 shares it; the other hostdev's group has no PHB, so libvirt adds PHB 2.
TEST(PseriesPhb, Hostdevs2UserAddressesShareAPhb) {
    PseriesPhbInput in;
    in.devices = {emulated(PseriesGuestAddress{1, 1, 0}), hostdev(GROUP_0001_01_00, PseriesGuestAddress{1, 2, 0}), hostdev(GROUP_0005_90_01)};
    EXPECT_EQ(pseries_phb_count(in), 3u);
}

// pseries-hostdevs-3.xml: a hostdev the user put on bus 2 makes PHBs 1 and 2; its sibling function joins
// it on PHB 2, and PHB 1 stays empty.
TEST(PseriesPhb, Hostdevs3AddressPastTheLastPhbAddsTheGap) {
    PseriesPhbInput in;
    in.devices = {hostdev(GROUP_0001_01_00, PseriesGuestAddress{2, 1, 0}), hostdev(GROUP_0001_01_00)};
    EXPECT_EQ(pseries_phb_count(in), 3u);
}

// pseries-many-devices.xml: 32 virtio-scsi controllers; the args put 31 on PHB 0 and one on PHB 1.
TEST(PseriesPhb, ManyDevicesSpillOntoASecondPhb) {
    PseriesPhbInput in;
    in.devices.assign(32, emulated());
    EXPECT_EQ(pseries_phb_count(in), 2u);
}

// pseries-many-buses-1.xml: a virtio-scsi controller at bus 1 slot 1, with no PHB 1 in the XML.
TEST(PseriesPhb, ManyBuses1AnAddressOnAMissingPhbAddsIt) {
    PseriesPhbInput in;
    in.devices = {emulated(PseriesGuestAddress{1, 1, 0})};
    EXPECT_EQ(pseries_phb_count(in), 2u);
}

// pseries-many-buses-2.xml: pci-root controllers 0 and 2; libvirt fills in PHB 1.
TEST(PseriesPhb, ManyBuses2TheGapIsFilled) {
    PseriesPhbInput in;
    in.explicit_phbs = {0, 2};
    EXPECT_EQ(pseries_phb_count(in), 3u);
}

// pseries-phb-default-missing.xml: pci-root controllers 1 and 2 only; PHB 0 is implicit.
TEST(PseriesPhb, PhbDefaultMissingStillHasPhbZero) {
    PseriesPhbInput in;
    in.explicit_phbs = {1, 2};
    EXPECT_EQ(pseries_phb_count(in), 3u);
}

// pseries-phb-simple.xml: two pci-root controllers (indices 0 and 1 after parsing), an interface on each.
TEST(PseriesPhb, PhbSimpleTwoExplicitPhbs) {
    PseriesPhbInput in;
    in.explicit_phbs = {0, 1};
    in.devices = {emulated(PseriesGuestAddress{0, 1, 0}), emulated(PseriesGuestAddress{1, 1, 0})};
    EXPECT_EQ(pseries_phb_count(in), 2u);
}

TEST(PseriesPhb, AnEmptyExplicitPhbTakesTheFirstHostdevGroup) {
    PseriesPhbInput in;
    in.explicit_phbs = {0, 1};
    in.devices = {hostdev(3)};
    EXPECT_EQ(pseries_phb_count(in), 2u);
    in.devices.push_back(hostdev(4));  // a second group finds no empty PHB left
    EXPECT_EQ(pseries_phb_count(in), 3u);
}

TEST(PseriesPhb, ExplicitPhbIndexLeavesNoGap) {
    PseriesPhbInput in;
    in.explicit_phbs = {0, 3};
    EXPECT_EQ(pseries_phb_count(in), 4u);
}

TEST(PseriesPhb, HostdevWithUnknownGroupStaysOnTheDefaultPhb) {
    PseriesPhbInput in;
    in.devices = {emulated(), {std::nullopt, std::nullopt}};
    EXPECT_EQ(pseries_phb_count(in), 1u);
}

TEST(PseriesPhb, AFullPhbSpillsIntoANewOne) {
    PseriesPhbInput in;
    in.devices.assign(32, hostdev(9));  // a PHB has slots 1–31
    EXPECT_EQ(pseries_phb_count(in), 3u);
    in.devices.pop_back();
    EXPECT_EQ(pseries_phb_count(in), 2u);
}

TEST(PseriesPhb, TheDefaultPhbKeepsASlotForABridge) {
    // 30 emulated devices fill PHB 0 with the slot libvirt holds back; the 31st needs a new PHB.
    PseriesPhbInput in;
    in.devices.assign(30, emulated());
    EXPECT_EQ(pseries_phb_count(in), 1u);
    in.devices.push_back(emulated());
    EXPECT_EQ(pseries_phb_count(in), 2u);
}

TEST(PseriesPhb, SlotZeroIsRejected) {
    PseriesPhbInput in;
    in.devices = {emulated(PseriesGuestAddress{0, 0, 0})};
    EXPECT_THROW(pseries_phb_count(in), InputError);
}

TEST(PseriesPhb, AnAddressUsedTwiceIsRejected) {
    PseriesPhbInput in;
    in.devices = {emulated(PseriesGuestAddress{0, 5, 0}), hostdev(1, PseriesGuestAddress{0, 5, 0})};
    EXPECT_THROW(pseries_phb_count(in), InputError);
}

// The second pass places what the dry run counted: pseries-hostdevs-1's interface hostdev alone on PHB 1,
// the two functions of 0001:01:00 together on PHB 2 (libvirt's .args: pci.1.0 0x1, pci.2.0 0x1 and 0x2).
TEST(PseriesPhbAssignment, Hostdevs1AddressesAreLibvirts) {
    PseriesPhbInput in;
    in.devices = {hostdev(GROUP_0005_90_01), hostdev(GROUP_0001_01_00), hostdev(GROUP_0001_01_00)};
    const PseriesPhbAssignment a = pseries_phb_assignment(in);
    EXPECT_EQ(a.phbs, 3u);
    ASSERT_EQ(a.addresses.size(), 3u);
    EXPECT_EQ(a.addresses[0].bus, 1u);
    EXPECT_EQ(a.addresses[0].slot, 1u);
    EXPECT_EQ(a.addresses[1].bus, 2u);
    EXPECT_EQ(a.addresses[1].slot, 1u);
    EXPECT_EQ(a.addresses[2].bus, 2u);
    EXPECT_EQ(a.addresses[2].slot, 2u);
}

// The slot the dry run keeps free for a bridge is free again: emulated devices start at slot 1 of PHB 0.
TEST(PseriesPhbAssignment, EmulatedDevicesStartAtSlot1) {
    PseriesPhbInput in;
    in.devices = {emulated(), emulated()};
    const PseriesPhbAssignment a = pseries_phb_assignment(in);
    EXPECT_EQ(a.phbs, 1u);
    EXPECT_EQ(a.addresses[0].slot, 1u);
    EXPECT_EQ(a.addresses[1].slot, 2u);
}

TEST(PseriesPhbAssignment, WrittenAddressIsKept) {
    PseriesPhbInput in;
    in.devices = {emulated(PseriesGuestAddress{0, 5, 0}), emulated()};
    const PseriesPhbAssignment a = pseries_phb_assignment(in);
    EXPECT_EQ(a.addresses[0].slot, 5u);
    EXPECT_EQ(a.addresses[1].slot, 1u);
}

}  // namespace
}  // namespace aperture
