// Fixes that hold (issue 16): the seed scenarios on the fixture hosts, each fix applied as the user would
// (its QEMU words put into the command line, read again; a host-side step or a libvirt element applied
// to what the check reads), then a fresh check. Before the whole check proved fixes, several of these
// "proven" fixes made another check FAIL, or a FAIL had no fix although one works.
#include "diagnostics/fix_proof.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "../host/host_test_support.hpp"
#include "../support/words.hpp"
#include "app/passthrough_option.hpp"
#include "diagnostics/fix_syntax.hpp"
#include "host/host_context.hpp"
#include "input/qemu_command_line.hpp"

namespace aperture {
namespace {

using test::words;

// The Xeon E3-1230 fixture with kvm_intel loaded and EPT on (the fixture tree leaves the module unloaded).
HostSnapshot xeon_e3_with_ept() {
    HostSnapshot host = test::probe_fixture("xeon-e3-1230-36bit");
    host.kvm.ept = true;
    return host;
}

struct Scenario {
    std::vector<std::string> args;
    HostSnapshot host;
    std::vector<HostSnapshot> targets = {};
    std::optional<FirmwareKind> firmware = std::nullopt;
    std::vector<std::string> passthrough = {};  // --passthrough HOST=DEVICE
};

CheckSubject subject_of(const Scenario& s) {
    CheckSubject subject;
    subject.spec = read_qemu_command_line(s.args);
    subject.options.host = host_context(s.host);
    if (s.firmware) subject.options.firmware = s.firmware;
    for (auto& [address, function] : app::passthrough_functions(s.passthrough)) subject.options.host.passthrough[address] = std::move(function);
    subject.host = s.host;
    for (const auto& t : s.targets) subject.targets.push_back({t.cpu && t.cpu->model_name ? *t.cpu->model_name : "target", t});
    return subject;
}

std::vector<std::string> fails(const CheckedVm& c) {
    std::vector<std::string> out;
    for (const auto& f : c.findings) {
        if (f.verdict == Verdict::Fail) out.push_back(finding_key(f, std::nullopt, c.target_findings.size()));
    }
    for (std::size_t t = 0; t < c.target_findings.size(); ++t) {
        for (const auto& f : c.target_findings[t]) {
            if (f.verdict == Verdict::Fail) out.push_back(finding_key(f, t, c.target_findings.size()));
        }
    }
    return out;
}

// The command line with the fix's QEMU words in it: added at the end, or put in place of the words they
// replace. A test failure when the replaced words are not on the command line.
std::vector<std::string> with_qemu_words(std::vector<std::string> args, const Fix& fix) {
    if (fix.qemu_replaces.empty()) {
        args.insert(args.end(), fix.qemu_args.begin(), fix.qemu_args.end());
        return args;
    }
    const auto at = std::search(args.begin(), args.end(), fix.qemu_replaces.begin(), fix.qemu_replaces.end());
    EXPECT_NE(at, args.end()) << "the fix replaces words not on the command line: " << fix.qemu_replaces.back();
    if (at == args.end()) return args;
    const auto index = at - args.begin();
    args.erase(at, at + static_cast<std::ptrdiff_t>(fix.qemu_replaces.size()));
    args.insert(args.begin() + index, fix.qemu_args.begin(), fix.qemu_args.end());
    return args;
}

// The scenario with `fix` applied the way a user applies it.
Scenario applied(const Scenario& s, const Fix& fix) {
    Scenario out = s;
    if (!fix.host_steps.empty()) {
        // A host-side step: what it changes on the host, through the fix's own edit (the hosts only).
        CheckSubject subject = subject_of(s);
        fix.apply(subject);
        out.host = *subject.host;
        for (std::size_t t = 0; t < out.targets.size(); ++t) out.targets[t] = subject.targets[t].host;
    }
    if (!fix.qemu_args.empty()) out.args = with_qemu_words(s.args, fix);
    return out;
}

// The fix's last QEMU word (its -cpu or -device argument); "" for a fix without QEMU words.
std::string last_word(const Fix& fix) { return fix.qemu_args.empty() ? "" : fix.qemu_args.back(); }

const Finding* finding(const std::vector<Finding>& findings, FindingKind kind) {
    for (const auto& f : findings) {
        if (f.kind == kind) return &f;
    }
    return nullptr;
}

// Applies the first fix of the first FAIL, checks afresh, and repeats: as a user works down the report.
// Every first fix must be proven, and the VM must end with no FAIL.
void expect_first_fixes_hold(Scenario s) {
    for (unsigned round = 0; round < 4; ++round) {
        const CheckedVm checked = check_vm(subject_of(s));
        const Fix* first = nullptr;
        std::string key;
        for (const auto& f : checked.findings) {
            if (f.verdict == Verdict::Fail && !first) first = f.first_fix(), key = finding_key(f, std::nullopt, checked.target_findings.size());
        }
        for (std::size_t t = 0; t < checked.target_findings.size(); ++t) {
            for (const auto& f : checked.target_findings[t]) {
                if (f.verdict == Verdict::Fail && !first) first = f.first_fix(), key = finding_key(f, t, checked.target_findings.size());
            }
        }
        if (fails(checked).empty()) return;
        ASSERT_NE(first, nullptr) << key << " FAILs with no fix";
        EXPECT_TRUE(first->proven) << key << ": " << first->summary << ": " << first->proof_text;
        s = applied(s, *first);
        const auto after = fails(check_vm(subject_of(s), FixSearch::VerdictsOnly));
        EXPECT_EQ(std::find(after.begin(), after.end(), key), after.end()) << first->summary << " leaves " << key << " failing";
    }
    ADD_FAILURE() << "still FAILs after four fixes";
}

// --- the seed scenarios ---------------------------------------------------------------------------------

// OVMF 2022.11 does not trust the default 40 bits of an Intel vCPU and drops a 32 GiB GPU from its
// classic 32 GiB window, where it does not fit beside a 1 GiB BAR. X-PciMmio64Mb=65536 assigns it, at [64 GiB, 128 GiB): past the 36 bits a host
// with EPT maps. The width remedy (phys-bits=36, which OVMF trusts) is the fix that holds.
Scenario e3_gpu() {
    return {words("-machine q35,accel=kvm -m 2G -nodefaults -cpu qemu64 -bios OVMF.fd "
                  "-device pcie-root-port,id=rp,chassis=1,slot=1,addr=3 -device pci-testdev,id=gpu,membar=32G,bus=rp "
                  "-device pci-testdev,id=t1g,membar=1G,addr=4"),
            xeon_e3_with_ept()};
}

TEST(FixHolds, XPciMmio64MbPastAThirtySixBitHostIsNotCalledProven) {
    const CheckedVm c = check_vm(subject_of(e3_gpu()));
    const Finding* f = finding(c.findings, FindingKind::FirmwareAssignment);
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(f->verdict, Verdict::Fail);
    ASSERT_NE(f->first_fix(), nullptr);
    // 32 GiB and 1 GiB BARs need a 64 GiB window, which 36 bits cannot hold above RAM: no guest setting
    // works, so X-PciMmio64Mb=65536 alone (host.phys-bits FAILs with it) is gone, and what holds is the
    // window together with the host-side step that lifts the host's limit.
    for (const auto& fix : f->fixes) EXPECT_TRUE(fix.proven) << fix.summary << ": " << fix.proof_text;
    EXPECT_EQ(f->first_fix()->scope, FixScope::HostSide);
    EXPECT_EQ(f->first_fix()->qemu_args, (std::vector<std::string>{"-fw_cfg", "name=opt/ovmf/X-PciMmio64Mb,string=65536"}));
    EXPECT_EQ(f->first_fix()->host_steps.back(), "modprobe -r kvm_intel && modprobe kvm_intel");
}

TEST(FixHolds, OvmfGpuOnAThirtySixBitHost) { expect_first_fixes_hold(e3_gpu()); }

// Two H100s (BARs of 16 MiB, 128 GiB and 32 MiB) on the 39-bit i7 host: X-PciMmio64Mb=524288 puts the
// window at 512 GiB, past 2^39; with EPT on that host it is not proven alone.
Scenario i7_two_h100() {
    return {words("-machine q35,accel=kvm -m 16G -nodefaults -cpu qemu64 -bios OVMF.fd "
                  "-device pcie-root-port,id=rp1,chassis=1,slot=1 -device vfio-pci,host=05:00.0,id=gpu1,bus=rp1 "
                  "-device pcie-root-port,id=rp2,chassis=2,slot=2 -device vfio-pci,host=06:00.0,id=gpu2,bus=rp2"),
            test::probe_fixture("intel-i7-12700-rtx4090"), {}, std::nullopt, {"0000:05:00.0=h100", "0000:06:00.0=h100"}};
}

TEST(FixHolds, TwoH100sOnAThirtyNineBitHost) {
    const CheckedVm c = check_vm(subject_of(i7_two_h100()));
    const Finding* f = finding(c.findings, FindingKind::FirmwareAssignment);
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(f->verdict, Verdict::Fail);
    for (const auto& fix : f->fixes) {
        EXPECT_TRUE(fix.proven) << fix.summary << ": " << fix.proof_text;
        // The 512 GiB window is listed only together with shadow paging on the host.
        if (fix.domain.x_pci_mmio64_mb == std::optional<u64>(524288)) {
            EXPECT_EQ(fix.scope, FixScope::HostSide) << fix.summary;
        }
    }
    // Both GPUs are rejected and nothing else asks for 64-bit MMIO: OVMF gives up on PCI altogether
    // (PciHostBridgeDxe's left-over node, firmware/ovmf/ovmf.cpp allocate_root).
    EXPECT_NE(f->evidence.find("the firmware gives up"), std::string::npos) << f->evidence;
    expect_first_fixes_hold(i7_two_h100());
}

TEST(FixHolds, UnassignedBarsAreGroupedPerDeviceWithTheNamesAUserKnows) {
    // One more 64-bit consumer keeps OVMF going after it rejects the two GPUs, so they are listed.
    Scenario s = i7_two_h100();
    for (const char* w : {"-device", "pcie-root-port,id=rp3,chassis=3,slot=3", "-device", "pci-testdev,id=nic,membar=1G,bus=rp3"}) {
        s.args.push_back(w);
    }
    const CheckedVm c = check_vm(subject_of(s));
    const Finding* f = finding(c.findings, FindingKind::FirmwareAssignment);
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(f->verdict, Verdict::Fail);
    EXPECT_NE(f->evidence.find("01:00.0 (gpu1, host 0000:05:00.0): BAR0 (16 MiB), BAR1 (128 GiB)"), std::string::npos) << f->evidence;
    EXPECT_NE(f->evidence.find("02:00.0 (gpu2, host 0000:06:00.0)"), std::string::npos) << f->evidence;
}

// A -cpu host guest started on the 39-bit i7 migrates to the 36-bit E3: phys-bits=36 alone is ignored
// by -cpu host (host-phys-bits stays on), so the fix must turn host-phys-bits off, or cap it.
Scenario host_cpu_migration() {
    return {words("-machine q35,accel=kvm -m 4G -nodefaults -cpu host -bios OVMF.fd "
                  "-device pcie-root-port,id=rp,chassis=1,slot=1 -device pci-testdev,id=gpu,membar=8G,bus=rp"),
            test::probe_fixture("intel-i7-12700-rtx4090"), {xeon_e3_with_ept()}};
}

TEST(FixHolds, HostCpuMigratingToANarrowerHostHasACap) {
    const CheckedVm c = check_vm(subject_of(host_cpu_migration()));
    ASSERT_EQ(c.target_findings.size(), 1u);
    const Finding* f = finding(c.target_findings[0], FindingKind::HostPhysBits);
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(f->verdict, Verdict::Fail) << f->evidence;
    ASSERT_NE(f->first_fix(), nullptr) << f->no_fix;
    EXPECT_EQ(last_word(*f->first_fix()), "host,host-phys-bits=off,phys-bits=36");
    const bool capped = std::any_of(f->fixes.begin(), f->fixes.end(), [](const Fix& x) {
        return x.proven && last_word(x) == "host,host-phys-bits-limit=36" &&
               x.libvirt_xml.find("<maxphysaddr mode='passthrough' limit='36'/>") != std::string::npos;
    });
    EXPECT_TRUE(capped);
    expect_first_fixes_hold(host_cpu_migration());
}

// 32-bit starvation on pc: two 512 MiB 32-bit BARs and 4 GiB of RAM leave SeaBIOS no room below 4 GiB;
// max-ram-below-4g=2G gives it 2 GiB.
Scenario pc_starved() {
    return {words("-machine pc,accel=kvm -m 4G -nodefaults -device VGA,vgamem_mb=512 -device VGA,vgamem_mb=512"),
            test::probe_fixture("intel-i7-12700-rtx4090")};
}

TEST(FixHolds, ThirtyTwoBitStarvationOnPcMovesRamUp) {
    const CheckedVm c = check_vm(subject_of(pc_starved()));
    const Finding* f = finding(c.findings, FindingKind::Bar32Room);
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(f->verdict, Verdict::Fail);
    ASSERT_NE(f->first_fix(), nullptr) << f->no_fix;
    EXPECT_EQ(f->first_fix()->qemu_args, (std::vector<std::string>{"-machine", "max-ram-below-4g=2G"}));
    expect_first_fixes_hold(pc_starved());
}

// -cpu EPYC (40 bits) with RAM reaching the HyperTransport hole: QEMU 7.1+ moves it above 1 TiB, and then
// refuses, "phys-bits too low". A wider guest starts.
Scenario epyc_relocation() {
    return {words("-machine q35,accel=kvm -m 1020G -nodefaults -cpu EPYC"), test::probe_fixture("amd-epyc-a100")};
}

TEST(FixHolds, PhysBitsTooLowAfterTheAmdRelocationHasAFix) {
    const CheckedVm c = check_vm(subject_of(epyc_relocation()));
    ASSERT_EQ(c.plan.outcome, Outcome::Refused);
    const Finding* f = finding(c.findings, FindingKind::FirmwareAssignment);
    ASSERT_NE(f, nullptr);
    ASSERT_NE(f->first_fix(), nullptr);
    EXPECT_TRUE(f->first_fix()->proven) << f->first_fix()->proof_text;
    EXPECT_TRUE(f->first_fix()->domain.maxphysaddr_bits.has_value());  // what `aperture fix --xml` writes
    const bool passthrough = std::any_of(f->fixes.begin(), f->fixes.end(), [](const Fix& x) {
        return x.proven && x.libvirt_xml.find("<maxphysaddr mode='passthrough'/>") != std::string::npos;
    });
    EXPECT_TRUE(passthrough);
    expect_first_fixes_hold(epyc_relocation());
}

// Guest RAM over the HyperTransport hole with an Intel vCPU: the largest -m clear of it.
Scenario intel_vcpu_over_ht_hole() {
    return {words("-machine q35,accel=kvm -m 1020G -nodefaults -cpu qemu64,vendor=GenuineIntel,phys-bits=48,pdpe1gb=on -bios OVMF.fd "
                  "-device pcie-root-port,id=rp,chassis=1 -device vfio-pci,host=41:00.0,bus=rp"),
            test::probe_fixture("amd-epyc-a100")};
}

TEST(FixHolds, RamOverTheHyperTransportHoleGetsTheLargestClearSize) {
    const CheckedVm c = check_vm(subject_of(intel_vcpu_over_ht_hole()));
    const Finding* f = finding(c.findings, FindingKind::IommuReserved);
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(f->verdict, Verdict::Fail);
    ASSERT_NE(f->first_fix(), nullptr) << f->no_fix;
    // 2 GiB below 4 GiB and the rest from 4 GiB up to 0xfd00000000 (1012 GiB): 1010 GiB.
    EXPECT_EQ(f->first_fix()->qemu_args, (std::vector<std::string>{"-m", "1010G"}));
    expect_first_fixes_hold(intel_vcpu_over_ht_hole());
}

// The same with an AMD vCPU on pc-q35-7.0, which predates the relocation: the 7.1+ machine type.
Scenario old_machine_type_over_ht_hole() {
    return {words("-machine pc-q35-7.0,accel=kvm -m 1020G -nodefaults -cpu EPYC,phys-bits=48 -bios OVMF.fd "
                  "-device pcie-root-port,id=rp,chassis=1 -device vfio-pci,host=41:00.0,bus=rp"),
            test::probe_fixture("amd-epyc-a100")};
}

TEST(FixHolds, AnOldMachineTypeOverTheHoleIsOfferedTheRelocation) {
    const CheckedVm c = check_vm(subject_of(old_machine_type_over_ht_hole()));
    const Finding* f = finding(c.findings, FindingKind::IommuReserved);
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(f->verdict, Verdict::Fail);
    const bool upgrade = std::any_of(f->fixes.begin(), f->fixes.end(), [](const Fix& x) {
        return x.proven && x.qemu_args == std::vector<std::string>{"-machine", "pc-q35-7.2"};
    });
    EXPECT_TRUE(upgrade);
    expect_first_fixes_hold(old_machine_type_over_ht_hole());
}

// A 1 GiB -cpu host guest on the 46-bit H100 server: OVMF's identity map of 2^46 costs more than 1/64 of
// its RAM. host-phys-bits-limit keeps the guest on the host's width, narrower.
TEST(FixHolds, PageTableHeavySmallGuestIsOfferedTheLimit) {
    const Scenario s{words("-machine q35,accel=kvm -m 1G -nodefaults -cpu host -bios OVMF.fd"), test::probe_fixture("h100-8gpu-server")};
    const CheckedVm c = check_vm(subject_of(s));
    const Finding* f = finding(c.findings, FindingKind::OvmfPageTables);
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(f->verdict, Verdict::Warn) << f->evidence;
    ASSERT_NE(f->first_fix(), nullptr);
    const bool limit = std::any_of(f->fixes.begin(), f->fixes.end(), [](const Fix& x) {
        return x.proven && last_word(x).find("host-phys-bits-limit=") != std::string::npos;
    });
    EXPECT_TRUE(limit);
}

// -cpu host on the 36-bit Xeon E3 with EPT and 32 GiB of RAM: RAM ends at 34 GiB and q35's 32 GiB pci-hole64
// after it passes 2^36, so QEMU 7.1+ refuses ("phys-bits too low (36)"). A 16 GiB hole ends at 50 GiB and
// keeps the guest at the host's 36 bits; neither firmware reads the hole's size.
Scenario e3_hole64() { return {words("-machine q35,accel=kvm -m 32G -nodefaults -cpu host"), xeon_e3_with_ept()}; }

TEST(FixHolds, PhysBitsTooLowOnANarrowHostCanShrinkThePciHole) {
    const CheckedVm c = check_vm(subject_of(e3_hole64()));
    ASSERT_EQ(c.plan.outcome, Outcome::Refused);
    const Finding* f = finding(c.findings, FindingKind::FirmwareAssignment);
    ASSERT_NE(f, nullptr);
    const auto hole = std::find_if(f->fixes.begin(), f->fixes.end(), [](const Fix& x) { return !x.qemu_args.empty() && x.qemu_args[0] == "-global"; });
    ASSERT_NE(hole, f->fixes.end());
    EXPECT_TRUE(hole->proven) << hole->proof_text;
    EXPECT_EQ(hole->qemu_args, (std::vector<std::string>{"-global", "q35-pcihost.pci-hole64-size=16G"}));
    EXPECT_EQ(hole->domain.pcihole64_kib, std::optional<u64>(16 * GiB / KiB));
    EXPECT_NE(hole->libvirt_xml.find("model='pcie-root'"), std::string::npos);
    // Applied as written, the VM starts and nothing FAILs.
    Scenario s = applied(e3_hole64(), *hole);
    EXPECT_TRUE(fails(check_vm(subject_of(s), FixSearch::VerdictsOnly)).empty());
    expect_first_fixes_hold(e3_hole64());
}

// -cpu EPYC (40 bits) with 990 GiB: RAM alone ends below the HyperTransport hole, but with the 32 GiB hole
// QEMU's check reaches past 0xfd00000000, so QEMU moves RAM above 1 TiB and then refuses. A 16 GiB hole
// keeps the RAM where it is, within 40 bits.
TEST(FixHolds, ASmallerPciHoleAvoidsTheAmdRelocation) {
    const Scenario s{words("-machine q35,accel=kvm -m 990G -nodefaults -cpu EPYC"), test::probe_fixture("amd-epyc-a100")};
    const CheckedVm c = check_vm(subject_of(s));
    ASSERT_EQ(c.plan.outcome, Outcome::Refused);
    const Finding* f = finding(c.findings, FindingKind::FirmwareAssignment);
    ASSERT_NE(f, nullptr);
    const auto hole = std::find_if(f->fixes.begin(), f->fixes.end(), [](const Fix& x) { return last_word(x) == "q35-pcihost.pci-hole64-size=16G"; });
    ASSERT_NE(hole, f->fixes.end());
    EXPECT_TRUE(hole->proven) << hole->proof_text;
    expect_first_fixes_hold(s);
}

// A pci-testdev with an 8 GiB BAR behind a pcie-pci-bridge next to a VGA, whose 32-bit prefetchable BAR
// keeps the bridge's prefetchable window below 4 GiB: SeaBIOS runs out of 32-bit space. Behind a root port
// of its own the 8 GiB BAR goes above 4 GiB.
Scenario shared_bridge() {
    return {words("-machine q35,accel=kvm -m 2G -nodefaults -device pcie-pci-bridge,id=br -device VGA,id=vga,bus=br,addr=1 "
                  "-device pci-testdev,id=big,membar=8G,bus=br,addr=2"),
            test::probe_fixture("intel-i7-12700-rtx4090")};
}

TEST(FixHolds, ADeviceSharingABridgeMovesToARootPortOfItsOwn) {
    const CheckedVm c = check_vm(subject_of(shared_bridge()));
    const Finding* f = finding(c.findings, FindingKind::FirmwareAssignment);
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(f->verdict, Verdict::Fail) << f->evidence;
    ASSERT_NE(f->first_fix(), nullptr) << f->no_fix;
    EXPECT_TRUE(f->first_fix()->proven) << f->first_fix()->proof_text;
    EXPECT_EQ(f->first_fix()->qemu_replaces, (std::vector<std::string>{"-device", "pci-testdev,id=big,membar=8G,bus=br,addr=2"}));
    EXPECT_EQ(f->first_fix()->qemu_args, (std::vector<std::string>{"-device", "pcie-root-port,id=aperture-rp,bus=pcie.0,chassis=1", "-device",
                                                                    "pci-testdev,id=big,bus=aperture-rp,membar=8G"}));
    EXPECT_NE(f->first_fix()->libvirt_xml.find("model='pcie-root-port'"), std::string::npos);
    expect_first_fixes_hold(shared_bridge());
}

// RLIMIT_MEMLOCK of 64 KiB for a command-line QEMU: the fix is a host-side step, not a QEMU word.
Scenario small_memlock() {
    return {words("-machine q35,accel=kvm -m 4G -nodefaults -cpu host -device pcie-root-port,id=rp,chassis=1 "
                  "-device vfio-pci,host=01:00.0,bus=rp"),
            test::probe_fixture("intel-i7-12700-rtx4090")};
}

TEST(FixHolds, TheMemlockFixIsAHostStep) {
    Scenario s = small_memlock();
    s.host.memlock = MemlockLimit{MemlockSource::LimitsFile, 64 * KiB, 64 * KiB};
    const CheckedVm c = check_vm(subject_of(s));
    const Finding* f = finding(c.findings, FindingKind::HostMemlock);
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(f->verdict, Verdict::Fail);
    ASSERT_NE(f->first_fix(), nullptr);
    EXPECT_TRUE(f->first_fix()->qemu_args.empty());
    EXPECT_EQ(f->first_fix()->scope, FixScope::HostSide);
    EXPECT_EQ(f->first_fix()->host_steps, (std::vector<std::string>{"ulimit -l 4194304"}));
    expect_first_fixes_hold(s);
}

}  // namespace
}  // namespace aperture
