#include "host/host_text.hpp"

#include <gtest/gtest.h>

#include "host_test_support.hpp"

namespace aperture {
namespace {

const std::string& epyc_text() {
    static const std::string text = render_host_text(test::probe_fixture("amd-epyc-a100"));
    return text;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(HostText, CpuLine) {
    EXPECT_TRUE(
        contains(epyc_text(), "CPU       AuthenticAMD AMD EPYC 7543 32-Core Processor: phys-bits 48, virt-bits 48\n"))
        << epyc_text();
    EXPECT_TRUE(contains(epyc_text(), "          1 GiB pages, 4-level paging, AMD-V with NPT\n"));
}
TEST(HostText, KvmLine) { EXPECT_TRUE(contains(epyc_text(), "KVM       kvm_amd npt=Y (two-dimensional paging)\n")); }
TEST(HostText, InferredGuestPhysBits) {
    EXPECT_TRUE(contains(epyc_text(), "KVM       kvm_amd npt=Y (two-dimensional paging)\n"
                                      "          GuestPhysBits 48 (inferred: kernel 6.10 or later with EPT/NPT reports the "
                                      "host's MAXPHYADDR; /dev/kvm not asked (a copied tree))\n"))
        << epyc_text();
}
TEST(HostText, FourLevelCapOfGuestPhysBits) {
    const std::string text = render_host_text(test::probe_fixture("epyc-9654-4level-npt"));
    EXPECT_TRUE(contains(text, "          GuestPhysBits 48 (inferred: kernel 6.10 or later caps the host's 52-bit MAXPHYADDR at 48 "
                               "for 4-level EPT/NPT; /dev/kvm not asked (a copied tree))\n"))
        << text;
}
TEST(HostText, OldKernelReportsNoGuestPhysBits) {
    const std::string text = render_host_text(test::probe_fixture("intel-i7-12700-rtx4090"));
    EXPECT_TRUE(contains(text, "          GuestPhysBits 0 (inferred: kernel 6.1.0-28-amd64 predates 6.10, the first to report it; "
                               "/dev/kvm not asked (a copied tree))\n"))
        << text;
}
TEST(HostText, MeasuredGuestPhysBits) {
    HostSnapshot snapshot = test::probe_fixture("amd-epyc-a100");
    snapshot.kvm_guest_phys_bits = KvmGuestPhysBits{GuestPhysBitsBasis::KvmReported, 48u, KvmDeviceOutcome::Answered};
    EXPECT_TRUE(contains(render_host_text(snapshot), "          GuestPhysBits 48 (measured: KVM_GET_SUPPORTED_CPUID on /dev/kvm)\n"));
}
TEST(HostText, UnknownGuestPhysBitsIsANote) {
    HostSnapshot snapshot = test::probe_fixture("amd-epyc-a100");
    snapshot.kvm_guest_phys_bits = KvmGuestPhysBits{GuestPhysBitsBasis::TdpUnknown, std::nullopt, KvmDeviceOutcome::Absent};
    const std::string text = render_host_text(snapshot);
    EXPECT_TRUE(contains(text, "          GuestPhysBits unknown (neither kvm_intel nor kvm_amd is loaded; no /dev/kvm)\n")) << text;
    EXPECT_TRUE(contains(text, "  - KVM's GuestPhysBits is unknown: KVM plans of QEMU 9.1+ machine types assume 0 unless "
                               "--host-guest-phys-bits gives it\n"))
        << text;
}
TEST(HostText, ASnapshotWithoutGuestPhysBitsPrintsNone) {
    HostSnapshot snapshot = test::probe_fixture("amd-epyc-a100");
    snapshot.kvm_guest_phys_bits.reset();
    EXPECT_FALSE(contains(render_host_text(snapshot), "GuestPhysBits"));
}
TEST(HostText, AmdIommuWidthUnknown) {
    EXPECT_TRUE(contains(epyc_text(), "IOMMU     ivhd0 (AMD): address width unknown (not in sysfs)\n"));
}
TEST(HostText, ReservedHyperTransportHole) {
    EXPECT_TRUE(contains(epyc_text(), "          0x000000fd00000000-0x000000ffffffffff  reserved          12 GiB\n"));
}
TEST(HostText, KernelAndPackages) {
    EXPECT_TRUE(contains(epyc_text(), "Kernel    6.12.38+deb12-amd64\n"));
    EXPECT_TRUE(contains(epyc_text(), "Packages  ovmf 2022.11-6+deb12u2, qemu-system-x86 1:10.0.2+ds-2+deb13u1~bpo12+1, seabios 1.16.3-2\n"))
        << epyc_text();
    const std::string xeon = render_host_text(test::probe_fixture("xeon-e3-1230-36bit"));
    EXPECT_TRUE(contains(xeon, "ovmf 2020.11-2+deb11u1 not installed (deinstall ok config-files), ovmf-generic not installed "
                               "(purge ok not-installed),"))
        << xeon;
    const std::string h100 = render_host_text(test::probe_fixture("h100-8gpu-server"));
    EXPECT_TRUE(contains(h100, "Packages  unknown: no dpkg database (/var/lib/dpkg/status)\n")) << h100;
}
TEST(HostText, DeviceLineWithDriverAndGroup) {
    EXPECT_TRUE(contains(epyc_text(),
                         "  0000:41:00.0 10de:20f1 (subsystem 10de:145f) class 030200, driver vfio-pci, group 32 "
                         "(alone), behind 0000:40:01.1\n"));
}
TEST(HostText, BarLines) {
    EXPECT_TRUE(contains(epyc_text(),
                         "            BAR 1    mem64 pref    64 GiB  0x20000000000-0x20fffffffff  flags 0x14220c\n"));
    EXPECT_TRUE(
        contains(epyc_text(), "            ROM      rom          512 KiB  0xb3000000-0xb307ffff  flags 0x46200\n"));
}
TEST(HostText, ResizableSizes) {
    const std::string text = render_host_text(test::probe_fixture("intel-i7-12700-rtx4090"));
    EXPECT_TRUE(
        contains(text, "resizable: 64 MiB, 128 MiB, 256 MiB, 512 MiB, 1 GiB, 2 GiB, 4 GiB, 8 GiB, 16 GiB, 32 GiB\n"));
}
TEST(HostText, IntelIommuWidths) {
    const std::string text = render_host_text(test::probe_fixture("intel-i7-12700-rtx4090"));
    EXPECT_TRUE(contains(text,
                         "dmar1 (Intel VT-d): MGAW 39 bits, SAGAW 48 bits, DMA domain 39 bits (cap 0xd2008c40660462, "
                         "ecap 0xf050da)\n"))
        << text;
}
TEST(HostText, GroupSharedWithOtherFunctions) {
    const std::string text = render_host_text(test::probe_fixture("intel-i7-12700-rtx4090"));
    EXPECT_TRUE(contains(text, "group 2 (with 0000:00:01.0, 0000:01:00.1)"));
}
TEST(HostText, MemlockAndIomem) {
    EXPECT_TRUE(contains(epyc_text(),
                         "Memlock   soft 8 MiB (8388608 bytes), hard 8 MiB (8388608 bytes) (/proc/self/limits)\n"));
    EXPECT_TRUE(contains(epyc_text(), "iomem     6 of 6 BAR and window ranges agree with sysfs\n"));
}
TEST(HostText, HiddenIomemAndNotes) {
    const std::string text = render_host_text(test::probe_fixture("xeon-e3-1230-36bit"));
    EXPECT_TRUE(contains(text, "iomem     addresses hidden (read without CAP_SYS_ADMIN): not compared with sysfs\n"));
    EXPECT_TRUE(
        contains(text, "Notes\n  - neither kvm_intel nor kvm_amd is loaded: whether KVM uses EPT/NPT is unknown\n"));
}

}  // namespace
}  // namespace aperture
