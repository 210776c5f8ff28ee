// `aperture check` findings on the fixture hosts (tests/fixtures/host/) and their fixes, each proven by
// planning again with the fix applied.
#include "diagnostics/checks.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "../support/words.hpp"

#include "../host/host_test_support.hpp"
#include "diagnostics/domain_fixes.hpp"
#include "diagnostics/fix_proof.hpp"
#include "diagnostics/fix_syntax.hpp"
#include "host/host_context.hpp"
#include "input/qemu_command_line.hpp"

namespace aperture {
namespace {

using test::words;

struct Checked {
    VmSpec spec;
    PlanOptions options;
    Plan plan;
    std::vector<Finding> findings;
};

Checked check(const std::string& args, const HostSnapshot* host, std::vector<PlannedHotplug> hotplug = {}) {
    Checked c;
    c.spec = read_qemu_command_line(words(args));
    if (host) c.options.host = host_context(*host);
    CheckedVm checked = check_vm({c.spec, c.options, host ? std::optional<HostSnapshot>(*host) : std::nullopt, {}, std::move(hotplug), std::nullopt});
    c.plan = std::move(checked.plan);
    c.findings = std::move(checked.findings);
    return c;
}

const Finding* find(const Checked& c, const std::string& id) {
    for (const auto& f : c.findings) {
        if (to_string(f.kind) == id) return &f;
    }
    return nullptr;
}

TEST(Checks, OvmfDroppingAGpuFailsWithAProvenXPciMmio64MbFix) {
    const auto c = check("-machine q35 -m 2G -nodefaults -cpu qemu64,vendor=GenuineIntel -bios OVMF.fd "
                         "-device pcie-root-port,id=rp,chassis=1 -device pci-testdev,membar=32G,bus=rp -device pci-testdev,membar=1G",
                         nullptr);
    const Finding* f = find(c, "firmware.assignment");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->verdict, Verdict::Fail);
    ASSERT_NE(f->first_fix(), nullptr);
    EXPECT_TRUE(f->first_fix()->proven);
    EXPECT_EQ(f->first_fix()->qemu_args, (std::vector<std::string>{"-fw_cfg", "name=opt/ovmf/X-PciMmio64Mb,string=65536"}));
    EXPECT_EQ(f->first_fix()->domain.x_pci_mmio64_mb, 65536u);
    EXPECT_NE(f->first_fix()->libvirt_xml.find("xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'"), std::string::npos);
    // What it is about, as data: the GPU's 32 GiB BAR2 behind the port (bus 1) among the BARs dropped.
    const auto& bars = f->subject.bars;
    EXPECT_NE(std::find_if(bars.begin(), bars.end(), [](const FindingBar& b) { return b.bdf == Bdf{1, {0, 0}} && b.index == 2; }), bars.end());
    EXPECT_EQ(bars.size(), c.plan.firmware->unassigned.size());
    // The GPU's 32-bit BAR was dropped with it, for lack of 64-bit room: not a 32-bit window problem.
    EXPECT_EQ(find(c, "bar32.room")->verdict, Verdict::Pass);
    ASSERT_TRUE(c.plan.firmware->windows.mem32.has_value());
    EXPECT_EQ(find(c, "bar32.room")->subject.range, c.plan.firmware->windows.mem32);
    // Without a host, the host checks are skipped rather than passed.
    EXPECT_EQ(find(c, "host.phys-bits"), nullptr);
}

TEST(Checks, ApplyingTheFixMakesThePlanPass) {
    const std::string args = "-machine q35 -m 2G -nodefaults -cpu qemu64,vendor=GenuineIntel -bios OVMF.fd "
                             "-device pcie-root-port,id=rp,chassis=1 -device pci-testdev,membar=32G,bus=rp -device pci-testdev,membar=1G";
    const auto fixed = check(args + " -fw_cfg name=opt/ovmf/X-PciMmio64Mb,string=65536", nullptr);
    EXPECT_EQ(find(fixed, "firmware.assignment")->verdict, Verdict::Pass);
}

TEST(Checks, GuestWiderThanTheHostFailsWithAPhysBitsFix) {
    // An Intel client with 39 physical bits and EPT: OVMF trusts the guest's 42 bits and puts its window
    // at 0x380_0000_0000, beyond what the host can map.
    const HostSnapshot host = test::probe_fixture("intel-i7-12700-rtx4090");
    const auto c = check("-machine q35,accel=kvm -m 16G -nodefaults -cpu qemu64,phys-bits=42,pdpe1gb=on -bios OVMF.fd "
                         "-device pcie-root-port,id=rp,chassis=1 -device pci-testdev,membar=16G,bus=rp",
                         &host);
    const Finding* f = find(c, "host.phys-bits");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->verdict, Verdict::Fail);
    ASSERT_NE(f->first_fix(), nullptr);
    EXPECT_TRUE(f->first_fix()->proven);
    EXPECT_EQ(f->first_fix()->qemu_args.back(), "qemu64,pdpe1gb=on,phys-bits=39");
    EXPECT_NE(f->first_fix()->libvirt_xml.find("<maxphysaddr mode='emulate' bits='39'/>"), std::string::npos);
    EXPECT_EQ(f->first_fix()->domain.maxphysaddr_bits, 39u);  // what `aperture fix` writes into a domain
}

TEST(Checks, Seabios1163PutsTheGpuBeyondANarrowHostWhere1162DidNot) {
    // SeaBIOS 1.16.2 puts the 16 GiB BAR just above RAM; 1.16.3 trusts the guest's 42 bits and pads the
    // window to the top of them, past the host's 39 bits. phys-bits=39 (an Intel width 1.16.3 trusts)
    // brings the window to [448 GiB, 512 GiB).
    const HostSnapshot host = test::probe_fixture("intel-i7-12700-rtx4090");
    const std::string args = "-machine q35,accel=kvm -m 16G -nodefaults -cpu qemu64,phys-bits=42 "
                             "-device pcie-root-port,id=rp,chassis=1 -device pci-testdev,membar=16G,bus=rp";
    for (const char* release : {"1.16.2", "1.16.3"}) {
        Checked c;
        c.spec = read_qemu_command_line(words(args));
        c.options.host = host_context(host);
        c.options.seabios = find_seabios_release(release);
        CheckedVm checked = check_vm({c.spec, c.options, host, {}, {}, std::nullopt});
        c.plan = std::move(checked.plan);
        c.findings = std::move(checked.findings);
        const Finding* f = find(c, "host.phys-bits");
        ASSERT_NE(f, nullptr);
        if (std::string(release) == "1.16.2") {
            EXPECT_EQ(f->verdict, Verdict::Pass) << f->evidence;
            continue;
        }
        EXPECT_EQ(f->verdict, Verdict::Fail) << f->evidence;
        ASSERT_NE(f->first_fix(), nullptr);
        EXPECT_TRUE(f->first_fix()->proven);
        EXPECT_EQ(f->first_fix()->qemu_args.back(), "qemu64,phys-bits=39");
    }
}

TEST(Checks, GuestRamOverTheAmdHyperTransportHoleFails) {
    // An Intel vCPU on an AMD host: QEMU does not move RAM above 1 TiB, and 1020 GiB of it crosses
    // 0xfd00000000, which the host IOMMU reserves (seed 001: VFIO_MAP_DMA: -22).
    const HostSnapshot host = test::probe_fixture("amd-epyc-a100");
    const auto c = check("-machine q35,accel=kvm -m 1020G -nodefaults -cpu qemu64,vendor=GenuineIntel,phys-bits=48,pdpe1gb=on -bios OVMF.fd "
                         "-device pcie-root-port,id=rp,chassis=1 -device vfio-pci,host=41:00.0,bus=rp",
                         &host);
    const Finding* f = find(c, "iommu.reserved");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->verdict, Verdict::Fail);
    EXPECT_NE(f->evidence.find("0xfd00000000"), std::string::npos);
    // The same VM with an AMD vCPU: QEMU 7.1+ relocates RAM above 1 TiB and the clash is gone.
    const auto amd = check("-machine q35,accel=kvm -m 1020G -nodefaults -cpu qemu64,phys-bits=48,pdpe1gb=on -bios OVMF.fd "
                           "-device pcie-root-port,id=rp,chassis=1 -device vfio-pci,host=41:00.0,bus=rp",
                           &host);
    EXPECT_EQ(find(amd, "iommu.reserved")->verdict, Verdict::Pass);
}

TEST(Checks, RelaxableRmrrsDoNotBlockVfio) {
    // The Intel client fixture reserves an IGD RMRR as direct-relaxable inside low RAM; vfio_iommu_type1
    // leaves those out, so guest RAM there is fine.
    const HostSnapshot host = test::probe_fixture("intel-i7-12700-rtx4090");
    const auto c = check("-machine q35,accel=kvm -m 4G -nodefaults -cpu qemu64,phys-bits=39 -bios OVMF.fd "
                         "-device pcie-root-port,id=rp,chassis=1 -device vfio-pci,host=01:00.0,bus=rp",
                         &host);
    const Finding* f = find(c, "iommu.reserved");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->verdict, Verdict::Pass);
}

TEST(Checks, MemlockBelowGuestRamFails) {
    const HostSnapshot host = test::probe_fixture("amd-epyc-a100");
    ASSERT_TRUE(host.memlock && host.memlock->soft);
    const auto c = check("-machine q35,accel=kvm -m 8G -nodefaults -cpu qemu64 -bios OVMF.fd "
                         "-device pcie-root-port,id=rp,chassis=1 -device vfio-pci,host=41:00.0,bus=rp",
                         &host);
    const Finding* f = find(c, "host.memlock");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->verdict, *host.memlock->soft < 8 * GiB ? Verdict::Fail : Verdict::Pass);
}

TEST(Checks, PageTablesForWideSpacesWarn) {
    // 46 trusted bits with 1 GiB pages: Debian's OVMF_CODE_4M still maps with 2 MiB pages, 256.5 MiB of
    // tables for a 1 GiB guest.
    const auto c = check("-machine q35 -m 1G -nodefaults -cpu qemu64,phys-bits=46,pdpe1gb=on -bios OVMF.fd", nullptr);
    const Finding* f = find(c, "ovmf.page-tables");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->verdict, Verdict::Warn);
    EXPECT_NE(f->evidence.find("256.5 MiB"), std::string::npos) << f->evidence;
}

TEST(Checks, PageTableCostFollowsTheWidth) {
    EXPECT_EQ(ovmf_page_table_bytes(36), (64u + 1u + 1u) * 4 * KiB);
    EXPECT_EQ(ovmf_page_table_bytes(46), (65536u + 128u + 1u) * 4 * KiB);
}

TEST(Checks, HighBarsWarnForOldGuests) {
    const auto c = check("-machine q35 -m 2G -nodefaults -cpu qemu64,phys-bits=46,pdpe1gb=on -bios OVMF.fd -device pci-testdev,membar=1G", nullptr);
    EXPECT_EQ(find(c, "guest.bar-height")->verdict, Verdict::Warn);
    // The highest BAR, as data: pci-testdev's membar is its BAR2.
    ASSERT_EQ(find(c, "guest.bar-height")->subject.bars.size(), 1u);
    EXPECT_EQ(find(c, "guest.bar-height")->subject.bars[0].index, 2);
    const auto low = check("-machine q35 -m 2G -nodefaults -bios OVMF.fd -device pci-testdev,membar=1G", nullptr);
    EXPECT_EQ(find(low, "guest.bar-height")->verdict, Verdict::Pass);
}

TEST(Checks, SeaBiosOutOf32BitSpaceIsABar32Failure) {
    // pc, -m 3G: the 32-bit window starts at 0xC0000000; two 512 MiB 32-bit BARs (ivshmem-plain's BAR2 is
    // 64-bit, so use VGA memory) cannot all fit.
    const auto c = check("-machine pc -m 3G -nodefaults -device VGA,vgamem_mb=512 -device VGA,vgamem_mb=512", nullptr);
    EXPECT_EQ(find(c, "firmware.assignment")->verdict, Verdict::Fail);
    EXPECT_EQ(find(c, "bar32.room")->verdict, Verdict::Fail);
}

TEST(FixSyntax, CpuOptionRestatesEveryProperty) {
    CpuSpec cpu;
    cpu.model = "host";
    cpu.vendor = "GenuineIntel";
    cpu.flags["pdpe1gb"] = true;
    cpu.host_phys_bits = true;
    const Fix fix = phys_bits_fix(cpu, 39);
    // host-phys-bits=off is written out: with it on, QEMU copies the host's width over phys-bits=39.
    EXPECT_EQ(fix.qemu_args, (std::vector<std::string>{"-cpu", "host,vendor=GenuineIntel,pdpe1gb=on,host-phys-bits=off,phys-bits=39"}));
}

TEST(FixSyntax, PciHole64SizeReplacesAnEarlierGlobalOfTheMachinesHostBridge) {
    VmSpec spec = read_qemu_command_line(words("-machine pc -global i440FX-pcihost.pci-hole64-size=8G"));
    set_pci_hole64_size(spec, MachineFamily::I440fx, 1 * GiB);
    ASSERT_EQ(spec.globals.size(), 1u);
    EXPECT_EQ(spec.globals.front().driver, "i440FX-pcihost");
    EXPECT_EQ(spec.globals.front().value, "1G");
    EXPECT_EQ(make_plan(spec, PlanOptions{}).machine.memory.pci_hole64_size, 1 * GiB);
}

TEST(FixSyntax, PciHole64SizeOnPcIsLibvirtsPciRoot) {
    const Fix fix = pci_hole64_size_fix(MachineFamily::I440fx, 1 * GiB, 2 * GiB, "why");
    EXPECT_EQ(fix.qemu_args, (std::vector<std::string>{"-global", "i440FX-pcihost.pci-hole64-size=1G"}));
    EXPECT_NE(fix.libvirt_xml.find("<controller type='pci' index='0' model='pci-root'>"), std::string::npos) << fix.libvirt_xml;
    EXPECT_NE(fix.libvirt_xml.find("<pcihole64 unit='KiB'>1048576</pcihole64>"), std::string::npos) << fix.libvirt_xml;
    EXPECT_EQ(fix.domain.pcihole64_kib, std::optional<u64>(1048576));
}

TEST(FixSyntax, TwoPciHoleFixesCombineToTheSmallerHole) {
    std::vector<Finding> findings(2);
    for (auto& f : findings) f.verdict = Verdict::Fail;
    findings[0].fixes.push_back(pci_hole64_size_fix(MachineFamily::Q35, 16 * GiB, 32 * GiB, "why"));
    findings[1].fixes.push_back(pci_hole64_size_fix(MachineFamily::Q35, 8 * GiB, 32 * GiB, "why"));
    for (auto& f : findings) f.fixes.front().proven = true;
    EXPECT_EQ(combine_domain_fixes(findings).edit.pcihole64_kib, std::optional<u64>(8 * GiB / KiB));
}

TEST(FixSyntax, XPciMmio64MbReplacesAnEarlierItem) {
    VmSpec spec;
    FwCfgSpec old;
    old.name = "opt/ovmf/X-PciMmio64Mb";
    old.string_value = "32768";
    spec.fw_cfg.push_back(old);
    set_x_pci_mmio64_mb(spec, 131072);
    ASSERT_EQ(spec.fw_cfg.size(), 1u);
    EXPECT_EQ(spec.fw_cfg.front().string_value, "131072");
}

}  // namespace
}  // namespace aperture

namespace aperture {
namespace {

TEST(Checks, AHotplugPortTooSmallForTheGpuFailsWithAProvenReservation) {
    const auto c = check("-machine q35 -m 4G -nodefaults -bios OVMF.fd -device pcie-root-port,id=rp1,chassis=1 "
                         "-device pcie-root-port,id=rp2,chassis=2",
                         nullptr, {PlannedHotplug::largest_bar("rp2", 32 * GiB), PlannedHotplug::largest_bar("rp1", 512 * MiB)});
    std::vector<const Finding*> hotplug;
    for (const auto& f : c.findings) {
        if (f.kind == FindingKind::HotplugReservation) hotplug.push_back(&f);
    }
    ASSERT_EQ(hotplug.size(), 2u);
    // OVMF's default padding for a 128 GiB window is 512 MiB: enough for rp1's device, not for rp2's GPU.
    EXPECT_EQ(hotplug[0]->verdict, Verdict::Fail);
    ASSERT_NE(hotplug[0]->first_fix(), nullptr);
    EXPECT_TRUE(hotplug[0]->first_fix()->proven);
    EXPECT_EQ(hotplug[0]->first_fix()->qemu_args.back(), "pcie-root-port,id=rp2,chassis=2,pref64-reserve=32G");
    EXPECT_EQ(hotplug[0]->first_fix()->domain.overrides,
              (std::vector<QemuOverrideProperty>{{"rp2", "pref64-reserve", "unsigned", std::to_string(32 * GiB)}}));
    EXPECT_EQ(hotplug[1]->verdict, Verdict::Pass);
}

TEST(Checks, AnUnknownPortIsAFailNamingIt) {
    const auto c = check("-machine q35 -m 2G -nodefaults", nullptr, {PlannedHotplug::largest_bar("nope", GiB)});
    EXPECT_EQ(c.findings.back().verdict, Verdict::Fail);
    EXPECT_NE(c.findings.back().evidence.find("id=nope"), std::string::npos);
}

}  // namespace
}  // namespace aperture
