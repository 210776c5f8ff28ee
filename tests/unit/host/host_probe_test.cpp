// The probe on the fixture trees: each test reads one fact of one host back out of its sysfs/procfs copy.

#include "host/host_snapshot.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "host_test_support.hpp"

namespace aperture {
namespace {

const HostSnapshot& epyc() {
    static const HostSnapshot snapshot = test::probe_fixture("amd-epyc-a100");
    return snapshot;
}
const HostSnapshot& alder_lake() {
    static const HostSnapshot snapshot = test::probe_fixture("intel-i7-12700-rtx4090");
    return snapshot;
}
const HostSnapshot& xeon_e3() {
    static const HostSnapshot snapshot = test::probe_fixture("xeon-e3-1230-36bit");
    return snapshot;
}
const HostSnapshot& h100_server() {
    static const HostSnapshot snapshot = test::probe_fixture("h100-8gpu-server");
    return snapshot;
}

bool has_note(const HostSnapshot& snapshot, const std::string& start) {
    const auto notes = host_notes(snapshot);
    return std::any_of(notes.begin(), notes.end(), [&](const std::string& note) { return note.starts_with(start); });
}

// (1) AMD EPYC 7543 with an A100 on vfio-pci.

TEST(HostProbeEpyc, Cpu) {
    ASSERT_TRUE(epyc().cpu.has_value());
    EXPECT_EQ(epyc().cpu->vendor, "AuthenticAMD");
    EXPECT_EQ(epyc().cpu->model_name, "AMD EPYC 7543 32-Core Processor");
    EXPECT_EQ(epyc().cpu->phys_bits, 48u);
    EXPECT_EQ(epyc().cpu->virt_bits, 48u);
}
TEST(HostProbeEpyc, FlagsSayNptAnd1GiBPagesWithoutLa57) {
    const HostCpuFlags& flags = epyc().cpu->flags;
    EXPECT_TRUE(flags.svm && flags.npt && flags.pdpe1gb);
    EXPECT_FALSE(flags.la57 || flags.vmx || flags.ept);
}
TEST(HostProbeEpyc, NptOnInKvm) { EXPECT_EQ(epyc().kvm, (KvmPaging{std::nullopt, true})); }
TEST(HostProbeEpyc, AmdIommuWidthIsUnknown) {
    ASSERT_EQ(epyc().iommu.units.size(), 1u);
    EXPECT_EQ(epyc().iommu.units[0], (IommuUnit{"ivhd0", IommuVendor::Amd, std::nullopt, std::nullopt}));
}
TEST(HostProbeEpyc, A100GroupReservesTheHyperTransportHole) {
    const IommuGroup* group = epyc().iommu.group(32);
    ASSERT_NE(group, nullptr);
    ASSERT_EQ(group->reserved.size(), 2u);
    EXPECT_EQ(group->reserved[1],
              (ReservedRegion{AddressRange::from_first_and_last(0xfd00000000, 0xffffffffff), "reserved"}));
}
TEST(HostProbeEpyc, MergedRegionsAreMsiAndTheHole) {
    const auto merged = merged_reserved_regions(epyc().iommu.groups);
    EXPECT_EQ(merged, (std::vector<ReservedRegion>{
                          {AddressRange::from_first_and_last(0xfee00000, 0xfeefffff), "msi"},
                          {AddressRange::from_first_and_last(0xfd00000000, 0xffffffffff), "reserved"}}));
}
TEST(HostProbeEpyc, A100IsAloneInItsGroupOnVfioPci) {
    const HostPciDevice* a100 = epyc().device("0000:41:00.0");
    ASSERT_NE(a100, nullptr);
    EXPECT_EQ(a100->driver, "vfio-pci");
    EXPECT_EQ(a100->iommu_group, 32u);
    EXPECT_EQ(epyc().iommu.group(32)->devices, std::vector<std::string>{"0000:41:00.0"});
    EXPECT_EQ(a100->parent, "0000:40:01.1");
}
TEST(HostProbeEpyc, A100Ids) {
    const HostPciDevice* a100 = epyc().device("0000:41:00.0");
    EXPECT_EQ(a100->vendor_id, 0x10de);
    EXPECT_EQ(a100->device_id, 0x20f1);
    EXPECT_EQ(a100->class_code, 0x030200u);
    EXPECT_EQ(a100->subsystem_device_id, 0x145f);
    EXPECT_EQ(a100->header_type, 0x00);
}
TEST(HostProbeEpyc, A100Bars) {
    const HostPciDevice* a100 = epyc().device("0000:41:00.0");
    ASSERT_EQ(a100->bars.size(), 4u);
    EXPECT_EQ(a100->bar(0)->resource, (HostResource{0xb2000000, 0xb2ffffff, 0x40200}));
    EXPECT_EQ(a100->bar(1)->resource.size(), 64 * GiB);
    EXPECT_EQ(a100->bar(3)->resource.size(), 32 * MiB);
    EXPECT_EQ(a100->bar(kRomBarIndex)->resource.size(), 512 * KiB);
    EXPECT_EQ(a100->bar(2), nullptr);
}
TEST(HostProbeEpyc, RootPortWindowsAndBuses) {
    const HostPciDevice* port = epyc().device("0000:40:01.1");
    EXPECT_TRUE(port->is_bridge());
    EXPECT_EQ(port->secondary_bus, 0x41);
    ASSERT_EQ(port->windows.size(), 2u);
    EXPECT_EQ(port->windows[1], (HostBridgeWindow{2, HostResource{0x20000000000, 0x21001ffffff, 0x102201}}));
}
TEST(HostProbeEpyc, MemlockFromTheLimitsFile) {
    EXPECT_EQ(epyc().memlock, (MemlockLimit{MemlockSource::LimitsFile, 8 * MiB, 8 * MiB}));
}
TEST(HostProbeEpyc, IomemAgreesWithSysfs) {
    const auto agreement = check_iomem_agreement(*epyc().iomem, epyc().pci);
    EXPECT_EQ(agreement.compared, 6u);  // A100: BAR 0, 1, 3, ROM; root port: two windows
    EXPECT_TRUE(agreement.agrees());
}

// (2) Core i7-12700 with an RTX 4090 (resizable BAR 1) and its audio function.

TEST(HostProbeAlderLake, ThirtyNinePhysicalBits) { EXPECT_EQ(alder_lake().cpu->phys_bits, 39u); }
TEST(HostProbeAlderLake, EptFromFlagsAndKvm) {
    EXPECT_TRUE(alder_lake().cpu->flags.ept);
    EXPECT_EQ(alder_lake().kvm.ept, true);
}
TEST(HostProbeAlderLake, IommuMgaw39) {
    ASSERT_EQ(alder_lake().iommu.units.size(), 2u);
    const IommuUnit& dmar1 = alder_lake().iommu.units[1];
    EXPECT_EQ(dmar1.name, "dmar1");
    EXPECT_EQ(intel_mgaw(*dmar1.cap), 39u);
    EXPECT_EQ(intel_domain_width(*dmar1.cap), 39u);
    EXPECT_EQ(dmar1.ecap, 0xf050dau);
}
TEST(HostProbeAlderLake, IgpuRegistersFromARootRead) {
    const auto& igd = alder_lake().device("0000:00:02.0")->igd;
    ASSERT_TRUE(igd.has_value());
    EXPECT_EQ(igd->gmch, 0x0280u);
    EXPECT_EQ(igd->bdsm, 0x7b800001u);  // the stolen range the iGPU's direct-relaxable RMRR covers
    EXPECT_FALSE(alder_lake().device("0000:01:00.0")->igd.has_value());  // the RTX 4090 is no IGD
}
TEST(HostProbeAlderLake, Rtx4090ResizableBar1) {
    const HostBar* bar1 = alder_lake().device("0000:01:00.0")->bar(1);
    EXPECT_EQ(bar1->resource.size(), 32 * GiB);
    ASSERT_EQ(bar1->resizable_sizes.size(), 10u);
    EXPECT_EQ(bar1->resizable_sizes.front(), 64 * MiB);
    EXPECT_EQ(bar1->resizable_sizes.back(), 32 * GiB);
}
TEST(HostProbeAlderLake, Rtx4090IoBarAndMultifunction) {
    const HostPciDevice* gpu = alder_lake().device("0000:01:00.0");
    EXPECT_EQ(gpu->bar(5)->kind(), BarKind::Io);
    EXPECT_EQ(gpu->bar(5)->resource.size(), 128u);
    EXPECT_TRUE(gpu->multifunction());
}
TEST(HostProbeAlderLake, AudioFunctionSharesTheGroupWithTheRootPort) {
    const HostPciDevice* audio = alder_lake().device("0000:01:00.1");
    EXPECT_EQ(audio->class_code, 0x040300u);
    EXPECT_EQ(audio->bar(0)->resource.size(), 16 * KiB);
    EXPECT_EQ(alder_lake().iommu.group(2)->devices,
              (std::vector<std::string>{"0000:00:01.0", "0000:01:00.0", "0000:01:00.1"}));
}
TEST(HostProbeAlderLake, IgpuRmrrIsDirectRelaxable) {
    EXPECT_EQ(alder_lake().iommu.group(1)->reserved[0],
              (ReservedRegion{AddressRange::from_first_and_last(0x7b800000, 0x7fbfffff), "direct-relaxable"}));
}
TEST(HostProbeAlderLake, IomemAgreesAndSkipsTheShadowRom) {
    const auto agreement = check_iomem_agreement(*alder_lake().iomem, alder_lake().pci);
    EXPECT_EQ(agreement.compared, 9u);  // port: 2 windows; iGPU: BAR 0, 2; RTX 4090: BAR 0, 1, 3, ROM; audio: BAR 0
    EXPECT_TRUE(agreement.agrees()) << agreement.disagreements.front();
}

// (3) Xeon E3-1230: 36 physical bits, VT-d MGAW 36, no kvm_intel, a kernel without SR-IOV support.

TEST(HostProbeXeonE3, ThirtySixPhysicalBitsAndNo1GiBPages) {
    EXPECT_EQ(xeon_e3().cpu->phys_bits, 36u);
    EXPECT_FALSE(xeon_e3().cpu->flags.pdpe1gb);
}
TEST(HostProbeXeonE3, IommuMgaw36UnderThreeLevelTables) {
    const IommuUnit& dmar0 = xeon_e3().iommu.units.at(0);
    EXPECT_EQ(dmar0.cap, 0xc9008020630272u);
    EXPECT_EQ(intel_mgaw(*dmar0.cap), 36u);
    EXPECT_EQ(intel_sagaw_widths(*dmar0.cap), std::vector<unsigned>{39});
    EXPECT_EQ(intel_domain_width(*dmar0.cap), 36u);
}
TEST(HostProbeXeonE3, KvmNotLoadedIsUnknown) {
    EXPECT_EQ(xeon_e3().kvm, (KvmPaging{std::nullopt, std::nullopt}));
    EXPECT_TRUE(has_note(xeon_e3(), "neither kvm_intel nor kvm_amd is loaded"));
}
TEST(HostProbeXeonE3, SevenLineResourceFiles) {
    const HostPciDevice* gpu = xeon_e3().device("0000:01:00.0");
    EXPECT_EQ(gpu->bar(1)->resource.size(), 256 * MiB);
    EXPECT_EQ(gpu->bar(3)->resource.size(), 32 * MiB);
    EXPECT_EQ(gpu->bar(kRomBarIndex)->resource.size(), 512 * KiB);
}
TEST(HostProbeXeonE3, PrefetchableWindowBelow4GiB) {
    const HostPciDevice* port = xeon_e3().device("0000:00:01.0");
    ASSERT_EQ(port->windows.size(), 3u);
    EXPECT_EQ(port->windows[2].resource.start, 0xe0000000u);
    EXPECT_TRUE(port->windows[2].resource.is64());
}
TEST(HostProbeXeonE3, IomemReadWithoutRootIsHidden) {
    EXPECT_TRUE(xeon_e3().iomem->addresses_hidden());
    EXPECT_TRUE(has_note(xeon_e3(), "/proc/iomem shows every address as 0"));
}
TEST(HostProbeXeonE3, SmallMemlock) { EXPECT_EQ(xeon_e3().memlock->soft, 64 * KiB); }

// (4) Eight H100 SXM5 behind four PCIe switches.

TEST(HostProbeH100Server, SapphireRapidsWidths) {
    EXPECT_EQ(h100_server().cpu->phys_bits, 46u);
    EXPECT_EQ(h100_server().cpu->virt_bits, 57u);
    EXPECT_TRUE(h100_server().cpu->flags.la57);
}
TEST(HostProbeH100Server, IommuMgaw57WithFiveLevelTables) {
    const IommuUnit& dmar0 = h100_server().iommu.units.at(0);
    EXPECT_EQ(dmar0.cap, 0x19ed008c40780c66u);
    EXPECT_EQ(intel_mgaw(*dmar0.cap), 57u);
    EXPECT_EQ(intel_domain_width(*dmar0.cap), 57u);
}
TEST(HostProbeH100Server, TwentyFourFunctions) {
    EXPECT_EQ(h100_server().pci.size(), 24u);  // 4 root ports, 4 upstream and 8 downstream switch ports, 8 GPUs
}
TEST(HostProbeH100Server, GpuBarsAtIndexes024) {
    const HostPciDevice* gpu = h100_server().device("0000:bb:00.0");
    ASSERT_NE(gpu, nullptr);
    ASSERT_EQ(gpu->bars.size(), 3u);
    EXPECT_EQ(gpu->bar(0)->resource.size(), 16 * MiB);
    EXPECT_EQ(gpu->bar(2)->resource.size(), 128 * GiB);
    EXPECT_TRUE(gpu->bar(2)->resource.is64() && gpu->bar(2)->resource.prefetchable());
    EXPECT_EQ(gpu->bar(4)->resource.size(), 32 * MiB);
}
TEST(HostProbeH100Server, GpuSitsBehindTheSwitch) {
    EXPECT_EQ(h100_server().device("0000:bb:00.0")->parent, "0000:b9:01.0");
    EXPECT_EQ(h100_server().device("0000:b9:01.0")->parent, "0000:b8:00.0");
    EXPECT_EQ(h100_server().device("0000:b8:00.0")->parent, "0000:b7:01.0");
    EXPECT_FALSE(h100_server().device("0000:b7:01.0")->parent.has_value());
}
TEST(HostProbeH100Server, SwitchDownstreamPortWindow) {
    const HostPciDevice* dsp = h100_server().device("0000:b9:01.0");
    ASSERT_NE(dsp, nullptr);
    EXPECT_EQ(dsp->secondary_bus, 0xbb);
    EXPECT_EQ(dsp->windows.back().resource.size(), 128 * GiB + 32 * MiB);
}
TEST(HostProbeH100Server, GpuIsAloneInItsGroup) {
    const IommuGroup* group = h100_server().iommu.group(*h100_server().device("0000:18:00.0")->iommu_group);
    EXPECT_EQ(group->devices, std::vector<std::string>{"0000:18:00.0"});
}
TEST(HostProbeH100Server, UnlimitedMemlock) {
    EXPECT_EQ(h100_server().memlock, (MemlockLimit{MemlockSource::LimitsFile, std::nullopt, std::nullopt}));
}
TEST(HostProbeH100Server, IomemAgreesOnEveryBarAndWindow) {
    const auto agreement = check_iomem_agreement(*h100_server().iomem, h100_server().pci);
    EXPECT_EQ(agreement.compared, 8u * 3 + 16u * 2);  // 3 BARs a GPU, 2 memory windows a bridge
    EXPECT_TRUE(agreement.agrees()) << agreement.disagreements.front();
}

// Trees missing whole subsystems.

TEST(HostProbeMissing, EmptyTreeLeavesEverythingUnknown) {
    const MemoryHostFiles files;
    const HostSnapshot snapshot = probe_host(files, MemlockQuery::LimitsFileOnly);
    EXPECT_FALSE(snapshot.cpu.has_value());
    EXPECT_TRUE(snapshot.pci.empty());
    EXPECT_TRUE(snapshot.iommu.groups.empty());
    EXPECT_FALSE(snapshot.memlock.has_value());
    EXPECT_FALSE(snapshot.iomem.has_value());
}
TEST(HostProbeMissing, EmptyTreeNotesSayWhatIsUnknown) {
    const MemoryHostFiles files;
    const auto notes = host_notes(probe_host(files, MemlockQuery::LimitsFileOnly));
    EXPECT_EQ(notes,
              (std::vector<std::string>{
                  "/proc/cpuinfo could not be read: the host CPU's vendor and physical address width are unknown",
                  "KVM's GuestPhysBits is unknown: KVM plans of QEMU 9.1+ machine types assume 0 unless "
                  "--host-guest-phys-bits gives it",
                  "no IOMMU groups: the IOMMU is off or absent, so vfio-pci cannot pass devices through",
                  "the memlock limit could not be read",
                  "/proc/iomem could not be read: BAR addresses were not cross-checked",
                  "no dpkg database (/var/lib/dpkg/status): the installed QEMU and firmware are unknown, so plans model the "
                  "defaults unless --qemu and --firmware name a stack"}));
}
TEST(HostProbeMissing, ThisProcessMemlockComesFromGetrlimit) {
    const MemoryHostFiles files;
    EXPECT_EQ(probe_host(files, MemlockQuery::ThisProcess).memlock->source, MemlockSource::Getrlimit);
}

}  // namespace
}  // namespace aperture
