// Each branch of libvirt's memlock formula starts at the release the table names: one test per branch on
// either side of its boundary, with the bytes the formula gives.
#include "libvirt/libvirt_memlock_release.hpp"

#include <gtest/gtest.h>

#include "libvirt/memlock_limit.hpp"

namespace aperture {
namespace {

constexpr u64 kFourGiBKiB = 4 * 1024 * 1024;

u64 bytes(const LibvirtMemlockInput& in, const LibvirtVersion& version) { return libvirt_memlock_limit(in, version).bytes; }

LibvirtMemlockInput x86(unsigned pci_hostdevs) {
    LibvirtMemlockInput in;
    in.arch = LibvirtGuestArch::Other;
    in.memory_kib = kFourGiBKiB;
    in.pci_hostdevs = pci_hostdevs;
    return in;
}

// 4 GiB pSeries KVM guest with one NVLink2 GPU on the default PHB.
LibvirtMemlockInput nvlink2_guest() {
    LibvirtMemlockInput in;
    in.arch = LibvirtGuestArch::Ppc64;
    in.memory_kib = kFourGiBKiB;
    in.pci_hostdevs = 1;
    in.pseries_phbs = 1;
    in.nvlink2 = true;
    return in;
}

TEST(LibvirtMemlockRelease, EveryBranchHasARow) {
    for (auto branch : {LibvirtMemlockBranch::Ppc64Nvlink2, LibvirtMemlockBranch::NvmeDisks, LibvirtMemlockBranch::VdpaInterfaces,
                        LibvirtMemlockBranch::PerDeviceFactor, LibvirtMemlockBranch::NvmeApart, LibvirtMemlockBranch::VdpaDisks}) {
        EXPECT_NE(libvirt_memlock_branch_since(branch), LibvirtVersion{}) << to_string(branch);
    }
    EXPECT_EQ(libvirt_memlock_releases().size(), 6u);
}

TEST(LibvirtMemlockRelease, Nvlink2BranchStartsAt5_3_0) {
    EXPECT_EQ(libvirt_memlock_branch_since(LibvirtMemlockBranch::Ppc64Nvlink2), (LibvirtVersion{5, 3, 0}));
    EXPECT_FALSE(libvirt_has_memlock_branch({5, 2, 0}, LibvirtMemlockBranch::Ppc64Nvlink2));
    EXPECT_TRUE(libvirt_has_memlock_branch({5, 3, 0}, LibvirtMemlockBranch::Ppc64Nvlink2));
}

// 5.3.0: HPT 32 MiB + 4 MiB + 8 MiB, then 4 GiB + 256 GiB + 8 MiB for the NVLink2 window's TCEs.
TEST(LibvirtMemlockRelease, Nvlink2GuestAt5_3_0GetsTheNvlink2Term) {
    EXPECT_EQ(bytes(nvlink2_guest(), {5, 3, 0}), 279227400192u);
}

// 5.2.0 sees one more VFIO device: the base 44 MiB + max(2 GiB, 4 GiB + 8 MiB + 8 MiB), 4.06 GiB in all.
TEST(LibvirtMemlockRelease, Nvlink2GuestAt5_2_0GetsThePlainVfioTerm) {
    const auto limit = libvirt_memlock_limit(nvlink2_guest(), {5, 2, 0});
    EXPECT_EQ(limit.bytes, 4357881856u);
    EXPECT_NE(limit.explanation.find("predates the NVLink2 term of 5.3.0"), std::string::npos) << limit.explanation;
}

TEST(LibvirtMemlockRelease, VdpaInterfaceCountsFrom7_2_0) {
    LibvirtMemlockInput in = x86(0);
    in.vdpa_interfaces = 1;
    EXPECT_EQ(bytes(in, {7, 1, 0}), 0u);
    EXPECT_EQ(bytes(in, {7, 2, 0}), 5368709120u);
}

TEST(LibvirtMemlockRelease, NvmeDiskCountsFrom6_0_0) {
    LibvirtMemlockInput in = x86(0);
    in.nvme_disks = 1;
    EXPECT_EQ(bytes(in, {5, 10, 0}), 0u);
    EXPECT_EQ(bytes(in, {6, 0, 0}), 5368709120u);
}

TEST(LibvirtMemlockRelease, ARamPerDeviceBehindAViommuFrom8_7_0) {
    LibvirtMemlockInput in = x86(2);
    in.viommu = true;
    EXPECT_EQ(bytes(in, {8, 6, 0}), 5368709120u);   // RAM + 1 GiB once
    EXPECT_EQ(bytes(in, {8, 7, 0}), 9663676416u);   // 2 × RAM + 1 GiB
}

TEST(LibvirtMemlockRelease, NvmeApartFrom9_3_0) {
    LibvirtMemlockInput in = x86(1);
    in.nvme_disks = 1;
    EXPECT_EQ(bytes(in, {9, 2, 0}), 5368709120u);   // shares the hostdev's RAM
    EXPECT_EQ(bytes(in, {9, 3, 0}), 9663676416u);   // a RAM of its own
}

TEST(LibvirtMemlockRelease, VdpaDiskCountsFrom9_8_0) {
    LibvirtMemlockInput in = x86(0);
    in.vdpa_disks = 1;
    EXPECT_EQ(bytes(in, {9, 7, 0}), 0u);
    EXPECT_EQ(bytes(in, {9, 8, 0}), 5368709120u);
}

}  // namespace
}  // namespace aperture
