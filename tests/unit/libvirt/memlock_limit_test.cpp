// libvirt's own oracle for qemuDomainGetMemLockLimitBytes: every value tests/qemumemlocktest.c expects, at
// each release whose test was read (10.7.0 and 9.8.0 from deepin-community/libvirt, 8.1.0 likewise, and
// the first version of the test from 2017, libvirt/libvirt @ 4ceac4bf). Each input is built from the
// test's XML, tests/qemumemlockdata/qemumemlock-<name>.xml: every guest has <memory unit='KiB'>1048576,
// and <hard_limit unit='KiB'>2097152 where there is one. Then Debian 12's 9.0.0 build, and the worked
// examples of shared/notes/platforms-research.md §1.6 (derived by hand, not upstream values).
#include "libvirt/memlock_limit.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "libvirt/pseries_phb.hpp"

namespace aperture {
namespace {

constexpr LibvirtVersion V10_7{10, 7, 0};
constexpr LibvirtVersion V9_8{9, 8, 0};
constexpr LibvirtVersion V9_0{9, 0, 0};
constexpr LibvirtVersion V8_1{8, 1, 0};
constexpr u64 TEST_MEMORY_KIB = 1048576;      // every qemumemlock-*.xml
constexpr u64 TEST_HARD_LIMIT_KIB = 2097152;  // the *hardlimit* ones

u64 bytes(const LibvirtMemlockInput& in, const LibvirtVersion& version) { return libvirt_memlock_limit(in, version).bytes; }

// <domain type='kvm'> with <type arch='x86_64' machine='pc'>.
LibvirtMemlockInput pc() {
    LibvirtMemlockInput in;
    in.arch = LibvirtGuestArch::Other;
    in.memory_kib = TEST_MEMORY_KIB;
    return in;
}

// <domain type='kvm'> with <type arch='ppc64' machine='pseries'>: only the implicit PHB 0.
LibvirtMemlockInput pseries() {
    LibvirtMemlockInput in;
    in.arch = LibvirtGuestArch::Ppc64;
    in.memory_kib = TEST_MEMORY_KIB;
    in.pseries_phbs = 1;
    return in;
}

LibvirtMemlockInput tcg(LibvirtMemlockInput in) {
    in.virt_type = LibvirtVirtType::Other;  // <domain type='qemu'>
    return in;
}
LibvirtMemlockInput hard_limit(LibvirtMemlockInput in) {
    in.hard_limit_kib = TEST_HARD_LIMIT_KIB;
    return in;
}
LibvirtMemlockInput locked(LibvirtMemlockInput in) {
    in.locked = true;
    return in;
}
// One <hostdev mode='subsystem' type='pci'> with source 0001:01:00.0.
LibvirtMemlockInput hostdev(LibvirtMemlockInput in) {
    in.pci_hostdevs = 1;
    return in;
}

// pseries-hostdev after libvirt's address assignment: the default USB controller (pci-ohci) and
// memballoon stay on PHB 0; the hostdev (0001:01:00.0, IOMMU group 5 in tests/virpcimock.c) gets a PHB.
unsigned pseries_hostdev_phbs() {
    PseriesPhbInput phb;
    phb.devices = {{std::nullopt, std::nullopt}, {std::nullopt, std::nullopt}, {5u, std::nullopt}};
    return pseries_phb_count(phb);
}

// --- x86_64 / pc ---------------------------------------------------------------------------------------

TEST(LibvirtMemlock, PcKvmLeavesTheLimitAlone) {  // qemumemlock-pc-kvm.xml: 0
    EXPECT_EQ(bytes(pc(), V10_7), 0u);
    EXPECT_EQ(bytes(pc(), V9_8), 0u);
    EXPECT_EQ(bytes(pc(), V8_1), 0u);
    EXPECT_EQ(libvirt_memlock_limit(pc(), V10_7).action, LibvirtMemlockAction::Leave);
}

TEST(LibvirtMemlock, PcTcgLeavesTheLimitAlone) {  // qemumemlock-pc-tcg.xml: 0
    EXPECT_EQ(bytes(tcg(pc()), V10_7), 0u);
    EXPECT_EQ(bytes(tcg(pc()), V9_8), 0u);
    EXPECT_EQ(bytes(tcg(pc()), V8_1), 0u);
}

TEST(LibvirtMemlock, PcHardLimitIsTheLimit) {  // qemumemlock-pc-hardlimit.xml: 2147483648
    EXPECT_EQ(bytes(hard_limit(pc()), V10_7), 2147483648u);
    EXPECT_EQ(bytes(hard_limit(pc()), V9_8), 2147483648u);
    EXPECT_EQ(bytes(hard_limit(pc()), V8_1), 2147483648u);
    EXPECT_EQ(libvirt_memlock_limit(hard_limit(pc()), V10_7).action, LibvirtMemlockAction::Set);
}

TEST(LibvirtMemlock, PcLockedIsUnlimited) {  // qemumemlock-pc-locked.xml: VIR_DOMAIN_MEMORY_PARAM_UNLIMITED
    EXPECT_EQ(bytes(locked(pc()), V10_7), kLibvirtUnlimited);
    EXPECT_EQ(bytes(locked(pc()), V9_8), kLibvirtUnlimited);
    EXPECT_EQ(bytes(locked(pc()), V8_1), kLibvirtUnlimited);
    EXPECT_EQ(libvirt_memlock_limit(locked(pc()), V10_7).action, LibvirtMemlockAction::Unlimited);
}

TEST(LibvirtMemlock, PcHostdevIsRamPlusOneGiB) {  // qemumemlock-pc-hostdev.xml: 2147483648
    EXPECT_EQ(bytes(hostdev(pc()), V10_7), 2147483648u);
    EXPECT_EQ(bytes(hostdev(pc()), V9_8), 2147483648u);
    EXPECT_EQ(bytes(hostdev(pc()), V8_1), 2147483648u);
}

// qemumemlock-pc-hostdev-nvme.xml: a <disk type='nvme'> (0003:02:00.0 namespace 1) and a PCI hostdev.
TEST(LibvirtMemlock, PcHostdevNvmeCountsTheNvmeDiskApartSince930) {
    LibvirtMemlockInput in = hostdev(pc());
    in.nvme_disks = 1;
    EXPECT_EQ(bytes(in, V10_7), 3221225472u);
    EXPECT_EQ(bytes(in, V9_8), 3221225472u);
}

TEST(LibvirtMemlock, PcHardLimitWinsOverLocked) {  // qemumemlock-pc-hardlimit+locked.xml: 2147483648
    EXPECT_EQ(bytes(locked(hard_limit(pc())), V10_7), 2147483648u);
    EXPECT_EQ(bytes(locked(hard_limit(pc())), V9_8), 2147483648u);
    EXPECT_EQ(bytes(locked(hard_limit(pc())), V8_1), 2147483648u);
}

TEST(LibvirtMemlock, PcHardLimitWinsOverHostdev) {  // qemumemlock-pc-hardlimit+hostdev.xml: 2147483648
    // 2 GiB both ways here, so a different hard limit shows which rule produced it.
    LibvirtMemlockInput in = hostdev(hard_limit(pc()));
    EXPECT_EQ(bytes(in, V10_7), 2147483648u);
    EXPECT_EQ(bytes(in, V9_8), 2147483648u);
    EXPECT_EQ(bytes(in, V8_1), 2147483648u);
    in.hard_limit_kib = 3 * TEST_MEMORY_KIB;
    EXPECT_EQ(bytes(in, V10_7), 3221225472u);
}

TEST(LibvirtMemlock, PcHardLimitWinsOverLockedAndHostdev) {  // qemumemlock-pc-hardlimit+locked+hostdev.xml
    EXPECT_EQ(bytes(hostdev(locked(hard_limit(pc()))), V10_7), 2147483648u);
    EXPECT_EQ(bytes(hostdev(locked(hard_limit(pc()))), V9_8), 2147483648u);
    EXPECT_EQ(bytes(hostdev(locked(hard_limit(pc()))), V8_1), 2147483648u);
}

TEST(LibvirtMemlock, PcLockedWinsOverHostdev) {  // qemumemlock-pc-locked+hostdev.xml: UNLIMITED
    EXPECT_EQ(bytes(hostdev(locked(pc())), V10_7), kLibvirtUnlimited);
    EXPECT_EQ(bytes(hostdev(locked(pc())), V9_8), kLibvirtUnlimited);
    EXPECT_EQ(bytes(hostdev(locked(pc())), V8_1), kLibvirtUnlimited);
}

// --- ppc64 / pseries -----------------------------------------------------------------------------------

TEST(LibvirtMemlock, PseriesKvmAlwaysGetsHptAndDmaWindows) {  // qemumemlock-pseries-kvm.xml: 20971520
    EXPECT_EQ(bytes(pseries(), V10_7), 20971520u);
    EXPECT_EQ(bytes(pseries(), V9_8), 20971520u);
    EXPECT_EQ(bytes(pseries(), V8_1), 20971520u);
}

TEST(LibvirtMemlock, PseriesTcgTakesTheGenericRule) {  // qemumemlock-pseries-tcg.xml: 0
    EXPECT_EQ(bytes(tcg(pseries()), V10_7), 0u);
    EXPECT_EQ(bytes(tcg(pseries()), V9_8), 0u);
    EXPECT_EQ(bytes(tcg(pseries()), V8_1), 0u);
}

TEST(LibvirtMemlock, PseriesHardLimitIsTheLimit) {  // qemumemlock-pseries-hardlimit.xml: 2147483648
    EXPECT_EQ(bytes(hard_limit(pseries()), V10_7), 2147483648u);
    EXPECT_EQ(bytes(hard_limit(pseries()), V9_8), 2147483648u);
    EXPECT_EQ(bytes(hard_limit(pseries()), V8_1), 2147483648u);
}

TEST(LibvirtMemlock, PseriesLockedIsUnlimited) {  // qemumemlock-pseries-locked.xml: UNLIMITED
    EXPECT_EQ(bytes(locked(pseries()), V10_7), kLibvirtUnlimited);
    EXPECT_EQ(bytes(locked(pseries()), V9_8), kLibvirtUnlimited);
    EXPECT_EQ(bytes(locked(pseries()), V8_1), kLibvirtUnlimited);
}

// qemumemlock-pseries-hostdev.xml: 4320133120, with the PHB libvirt adds for the hostdev's IOMMU group.
TEST(LibvirtMemlock, PseriesHostdevCountsTheAutoAddedPhb) {
    LibvirtMemlockInput in = hostdev(pseries());
    in.pseries_phbs = pseries_hostdev_phbs();
    EXPECT_EQ(in.pseries_phbs, 2u);
    EXPECT_EQ(bytes(in, V10_7), 4320133120u);
    EXPECT_EQ(bytes(in, V9_8), 4320133120u);
    EXPECT_EQ(bytes(in, V8_1), 4320133120u);
}

// The 2017 test (libvirt/libvirt @ 4ceac4bf) ran no address assignment, so the hostdev stayed behind
// PHB 0: 2168455168 with one PHB. The same formula, one PHB fewer.
TEST(LibvirtMemlock, PseriesHostdevWithOnePhbIsThe2017Value) {
    EXPECT_EQ(bytes(hostdev(pseries()), V8_1), 2168455168u);
    EXPECT_EQ(bytes(hostdev(pseries()), V10_7), 2168455168u);
}

TEST(LibvirtMemlock, PseriesHardLimitWinsOverLocked) {  // qemumemlock-pseries-hardlimit+locked.xml
    EXPECT_EQ(bytes(locked(hard_limit(pseries())), V10_7), 2147483648u);
    EXPECT_EQ(bytes(locked(hard_limit(pseries())), V9_8), 2147483648u);
    EXPECT_EQ(bytes(locked(hard_limit(pseries())), V8_1), 2147483648u);
}

TEST(LibvirtMemlock, PseriesHardLimitWinsOverHostdev) {  // qemumemlock-pseries-hardlimit+hostdev.xml
    LibvirtMemlockInput in = hostdev(hard_limit(pseries()));
    in.pseries_phbs = pseries_hostdev_phbs();
    EXPECT_EQ(bytes(in, V10_7), 2147483648u);
    EXPECT_EQ(bytes(in, V9_8), 2147483648u);
    EXPECT_EQ(bytes(in, V8_1), 2147483648u);
}

TEST(LibvirtMemlock, PseriesHardLimitWinsOverLockedAndHostdev) {  // qemumemlock-pseries-hardlimit+locked+hostdev.xml
    LibvirtMemlockInput in = hostdev(locked(hard_limit(pseries())));
    in.pseries_phbs = pseries_hostdev_phbs();
    EXPECT_EQ(bytes(in, V10_7), 2147483648u);
    EXPECT_EQ(bytes(in, V9_8), 2147483648u);
    EXPECT_EQ(bytes(in, V8_1), 2147483648u);
}

TEST(LibvirtMemlock, PseriesLockedWinsOverHostdev) {  // qemumemlock-pseries-locked+hostdev.xml: UNLIMITED
    LibvirtMemlockInput in = hostdev(locked(pseries()));
    in.pseries_phbs = pseries_hostdev_phbs();
    EXPECT_EQ(bytes(in, V10_7), kLibvirtUnlimited);
    EXPECT_EQ(bytes(in, V9_8), kLibvirtUnlimited);
    EXPECT_EQ(bytes(in, V8_1), kLibvirtUnlimited);
}

// --- Debian 12: libvirt 9.0.0-4+deb12u2 (qemuDomainGetMemLockLimitBytes disassembled from its build) ----

// The same domain as pc-hostdev-nvme: 9.0.0 counts the NVMe disk with the hostdev, one RAM for both
// without a vIOMMU; 9.3.0 made it 3 GiB and added the test.
TEST(LibvirtMemlock, Debian12CountsNvmeWithTheHostdevs) {
    LibvirtMemlockInput in = hostdev(pc());
    in.nvme_disks = 1;
    EXPECT_EQ(libvirt_memlock_limit(in, V9_0).formula, LibvirtMemlockFormula::PerDeviceFactor);
    EXPECT_EQ(bytes(in, V9_0), 2147483648u);
    in.viommu = true;  // with a vIOMMU each of the two adds a RAM
    EXPECT_EQ(bytes(in, V9_0), 3221225472u);
}

TEST(LibvirtMemlock, Debian12ScalesVfioWithAVIommu) {
    LibvirtMemlockInput in = pc();
    in.pci_hostdevs = 3;
    EXPECT_EQ(bytes(in, V9_0), 2147483648u);
    in.viommu = true;
    EXPECT_EQ(bytes(in, V9_0), 4294967296u);
}

TEST(LibvirtMemlock, Debian12AddsARamPerVdpaInterface) {
    LibvirtMemlockInput in = hostdev(pc());
    in.vdpa_interfaces = 2;
    EXPECT_EQ(bytes(in, V9_0), 4294967296u);  // (2 + 1) × 1 GiB + 1 GiB
    in.vdpa_disks = 1;                        // <disk type='vhostvdpa'> does not exist before 9.8.0
    EXPECT_EQ(bytes(in, V9_0), 4294967296u);
}

// --- Before 8.7.0: one RAM + 1 GiB whatever the devices (libvirt 8.1.0 source) ------------------------

TEST(LibvirtMemlock, Before870ManyDevicesStillOneRam) {
    LibvirtMemlockInput in = pc();
    in.pci_hostdevs = 4;
    in.nvme_disks = 2;
    in.viommu = true;
    EXPECT_EQ(libvirt_memlock_limit(in, V8_1).formula, LibvirtMemlockFormula::RamPlusOneGiB);
    EXPECT_EQ(bytes(in, V8_1), 2147483648u);
    EXPECT_EQ(bytes(in, V10_7), 7516192768u);  // 6 × 1 GiB + 1 GiB
}

TEST(LibvirtMemlock, VdpaCountsFrom720) {
    LibvirtMemlockInput in = pc();
    in.vdpa_interfaces = 1;
    EXPECT_EQ(bytes(in, {7, 1, 0}), 0u);
    EXPECT_EQ(bytes(in, {7, 2, 0}), 2147483648u);
}

// --- Worked examples (shared/notes/platforms-research.md §1.6; 4 GiB of RAM; derived, not upstream) ----

LibvirtMemlockInput four_gib(LibvirtGuestArch arch) {
    LibvirtMemlockInput in;
    in.arch = arch;
    in.memory_kib = 4 * 1048576;
    return in;
}

TEST(LibvirtMemlockWorked, TwoVfioWithoutVIommuShareOneRam) {
    LibvirtMemlockInput in = four_gib(LibvirtGuestArch::Other);
    in.pci_hostdevs = 2;
    const auto limit = libvirt_memlock_limit(in, V10_7);
    EXPECT_EQ(limit.bytes, 5368709120u);
    EXPECT_EQ(limit.explanation, "1 × 4 GiB RAM (2 VFIO devices sharing one mapping without a vIOMMU) + 1 GiB = 5 GiB");
}

TEST(LibvirtMemlockWorked, TwoVfioWithVIommuTwoRams) {
    LibvirtMemlockInput in = four_gib(LibvirtGuestArch::Other);
    in.pci_hostdevs = 2;
    in.viommu = true;
    const auto limit = libvirt_memlock_limit(in, V10_7);
    EXPECT_EQ(limit.bytes, 9663676416u);
    EXPECT_EQ(limit.explanation, "2 × 4 GiB RAM (2 VFIO devices with a vIOMMU) + 1 GiB = 9 GiB");
}

TEST(LibvirtMemlockWorked, VfioNvmeAndVdpaWithVIommu) {
    LibvirtMemlockInput in = four_gib(LibvirtGuestArch::Other);
    in.pci_hostdevs = 2;
    in.nvme_disks = 1;
    in.vdpa_interfaces = 1;
    in.viommu = true;
    EXPECT_EQ(bytes(in, V10_7), 18253611008u);
}

TEST(LibvirtMemlockWorked, Ppc64MaxMemorySizesTheHashTable) {
    LibvirtMemlockInput in = four_gib(LibvirtGuestArch::Ppc64);
    in.pci_hostdevs = 1;
    in.max_memory_kib = 8 * 1048576;
    EXPECT_EQ(bytes(in, V10_7), 4391436288u);
}

TEST(LibvirtMemlockWorked, Ppc64ThreePhbsTakeThePreDdwWindows) {
    LibvirtMemlockInput in = four_gib(LibvirtGuestArch::Ppc64);
    in.pci_hostdevs = 1;
    in.pseries_phbs = 3;
    EXPECT_EQ(bytes(in, V10_7), 6496976896u);
}

// Seed 004: an NVLink2 V100 (POWER9) sizes each PHB's TCE table for a DMA window up to 128 TiB.
TEST(LibvirtMemlockWorked, Ppc64Nvlink2AddsAQuarterTerabytePerPhb) {
    LibvirtMemlockInput in = four_gib(LibvirtGuestArch::Ppc64);
    in.pci_hostdevs = 1;
    in.nvlink2 = true;
    EXPECT_EQ(bytes(in, V10_7), 279227400192u);
    EXPECT_EQ(bytes(in, V9_0), 279227400192u);
}

// --- Edges of libvirt's own rules ----------------------------------------------------------------------

TEST(LibvirtMemlock, HardLimitOfUnlimitedIsNotSet) {
    // virMemoryLimitIsSet: a <hard_limit> of VIR_DOMAIN_MEMORY_PARAM_UNLIMITED KiB is "no hard limit".
    LibvirtMemlockInput in = hostdev(pc());
    in.hard_limit_kib = kLibvirtUnlimited;
    EXPECT_EQ(bytes(in, V10_7), 2147483648u);
}

TEST(LibvirtMemlock, HardLimitZeroLeavesTheLimitAlone) {
    LibvirtMemlockInput in = hostdev(pc());
    in.hard_limit_kib = 0;
    EXPECT_EQ(libvirt_memlock_limit(in, V10_7).action, LibvirtMemlockAction::Leave);
}

TEST(LibvirtMemlock, VdpaDiskDoesNotTriggerPpc64Passthrough) {
    // getPPC64MemLockLimitBytes tests qemuDomainNeedsVFIO || virDomainDefHasVDPANet: vDPA disks are in neither.
    LibvirtMemlockInput in = pseries();
    in.vdpa_disks = 1;
    EXPECT_EQ(bytes(in, V10_7), 20971520u);
    in.arch = LibvirtGuestArch::Other;  // on x86 they count
    EXPECT_EQ(bytes(in, V10_7), 2147483648u);
}

TEST(LibvirtMemlock, HugeResultBecomesUnlimited) {
    // 2^43 KiB (8 PiB) × 2 + 1 GiB passes VIR_DOMAIN_MEMORY_PARAM_UNLIMITED bytes: setrlimit gets infinity.
    LibvirtMemlockInput in = pc();
    in.memory_kib = u64{1} << 43;
    in.pci_hostdevs = 2;
    in.viommu = true;
    const auto limit = libvirt_memlock_limit(in, V10_7);
    EXPECT_EQ(limit.action, LibvirtMemlockAction::Unlimited);
}

TEST(LibvirtMemlock, OverflowIsRejectedNotWrapped) {
    LibvirtMemlockInput in = pc();
    in.memory_kib = u64{1} << 62;
    in.pci_hostdevs = 8;
    in.viommu = true;
    EXPECT_THROW(libvirt_memlock_limit(in, V10_7), ArithmeticError);
}

TEST(LibvirtMemlock, KibToBytesOverflowIsRejected) {
    LibvirtMemlockInput in = hostdev(pc());
    in.memory_kib = u64{1} << 60;  // fits in KiB, not in bytes
    EXPECT_THROW(libvirt_memlock_limit(in, V10_7), ArithmeticError);
}

TEST(LibvirtMemlockFormulaByVersion, EachReleaseRange) {
    EXPECT_EQ(libvirt_memlock_formula({8, 6, 0}), LibvirtMemlockFormula::RamPlusOneGiB);
    EXPECT_EQ(libvirt_memlock_formula({8, 7, 0}), LibvirtMemlockFormula::PerDeviceFactor);
    EXPECT_EQ(libvirt_memlock_formula({9, 2, 0}), LibvirtMemlockFormula::PerDeviceFactor);
    EXPECT_EQ(libvirt_memlock_formula({9, 3, 0}), LibvirtMemlockFormula::PerDeviceFactorNvmeApart);
    EXPECT_EQ(libvirt_memlock_formula({12, 8, 0}), LibvirtMemlockFormula::PerDeviceFactorNvmeApart);
}

TEST(LibvirtMemlockFormulaByVersion, AfterTheNewestReadIsUnverified) {
    EXPECT_TRUE(libvirt_memlock_limit(hostdev(pc()), V10_7).verified);
    EXPECT_FALSE(libvirt_memlock_limit(hostdev(pc()), {10, 8, 0}).verified);
}

}  // namespace
}  // namespace aperture
