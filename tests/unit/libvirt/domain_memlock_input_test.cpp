// libvirt's memlock limit for domains read from XML: the shapes of libvirt's own qemumemlocktest inputs
// (tests/qemumemlockdata: 1 GiB guests, hard_limit 2 GiB where set), planned end to end.
#include "libvirt/domain_memlock_input.hpp"

#include <gtest/gtest.h>

namespace aperture {
namespace {

std::string domain(const std::string& extra_top, const std::string& devices) {
    return "<domain type='kvm'>\n  <name>guest</name>\n  <memory unit='KiB'>1048576</memory>\n" + extra_top +
           "  <vcpu>1</vcpu>\n  <os>\n    <type arch='x86_64' machine='pc'>hvm</type>\n  </os>\n"
           "  <features><acpi/></features>\n  <devices>\n" +
           devices + "  </devices>\n</domain>\n";
}

const std::string kHostdev =
    "    <hostdev mode='subsystem' type='pci' managed='yes'>\n      <source>\n"
    "        <address domain='0x0000' bus='0x04' slot='0x02' function='0x0'/>\n      </source>\n    </hostdev>\n";
const std::string kNvme =
    "    <disk type='nvme' device='disk'>\n      <driver name='qemu' type='raw'/>\n"
    "      <source type='pci' managed='yes' namespace='1'>\n"
    "        <address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>\n      </source>\n"
    "      <target dev='vda' bus='virtio'/>\n    </disk>\n";

// A qcow2 overlay whose backing file is a host NVMe namespace: qemuDomainGetMemLockLimitBytes counts the
// disk (virStorageSourceChainHasNVMe) though its top source is a file.
const std::string kOverlayOnNvme =
    "    <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n"
    "      <source file='/var/lib/libvirt/images/overlay.qcow2'/>\n"
    "      <backingStore type='nvme'>\n        <format type='raw'/>\n"
    "        <source type='pci' managed='yes' namespace='1'>\n"
    "          <address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>\n        </source>\n"
    "        <backingStore/>\n      </backingStore>\n"
    "      <target dev='vda' bus='virtio'/>\n    </disk>\n";
const std::string kVdpaDisk =
    "    <disk type='vhostvdpa' device='disk'>\n      <driver name='qemu' type='raw' cache='none' io='threads'/>\n"
    "      <source dev='/dev/vhost-vdpa-0'/>\n      <target dev='vda' bus='virtio'/>\n    </disk>\n";

LibvirtMemlockLimit limit(const std::string& xml, const LibvirtVersion& version = {10, 7, 0}) {
    return libvirt_memlock_limit(libvirt_memlock_input(read_libvirt_domain(xml, "guest.xml")), version);
}

TEST(DomainMemlockInput, PcKvmWithoutDevicesLeavesTheLimit) {
    EXPECT_EQ(limit(domain("", "")).action, LibvirtMemlockAction::Leave);  // pc-kvm: 0
}

TEST(DomainMemlockInput, PcHostdevIsRamPlusOneGiB) {
    const auto l = limit(domain("", kHostdev));
    EXPECT_EQ(l.action, LibvirtMemlockAction::Set);
    EXPECT_EQ(l.bytes, 2147483648u);  // pc-hostdev
}

TEST(DomainMemlockInput, HardLimitWinsAndLockedIsUnlimited) {
    const std::string hard = "  <memtune>\n    <hard_limit unit='KiB'>2097152</hard_limit>\n  </memtune>\n";
    EXPECT_EQ(limit(domain(hard, kHostdev)).bytes, 2147483648u);  // pc-hardlimit+hostdev
    const std::string locked = "  <memoryBacking>\n    <locked/>\n  </memoryBacking>\n";
    EXPECT_EQ(limit(domain(locked, kHostdev)).action, LibvirtMemlockAction::Unlimited);  // pc-locked+hostdev
}

TEST(DomainMemlockInput, NvmeCountsApartFromLibvirt93On) {
    // pc-hostdev-nvme: 3221225472 at 10.7.0; Debian 12's 9.0.0 counts the NVMe disk with the VFIO devices.
    EXPECT_EQ(limit(domain("", kHostdev + kNvme)).bytes, 3221225472u);
    EXPECT_EQ(limit(domain("", kHostdev + kNvme), {9, 0, 0}).bytes, 2147483648u);
}

TEST(DomainMemlockInput, NvmeInABackingChainCountsLikeATopLevelOne) {
    EXPECT_EQ(limit(domain("", kHostdev + kOverlayOnNvme)).bytes, 3221225472u);  // as pc-hostdev-nvme at 10.7.0
}

TEST(DomainMemlockInput, VdpaDiskCountsFromLibvirt98On) {
    const auto l = limit(domain("", kVdpaDisk));
    EXPECT_EQ(l.action, LibvirtMemlockAction::Set);
    EXPECT_EQ(l.bytes, 2147483648u);  // 1 GiB RAM + 1 GiB
    EXPECT_EQ(limit(domain("", kVdpaDisk), {9, 0, 0}).action, LibvirtMemlockAction::Leave);
}

}  // namespace
}  // namespace aperture
