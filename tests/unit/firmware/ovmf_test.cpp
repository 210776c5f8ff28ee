// OVMF edk2-stable202211 through the whole pipeline. Every expected address here was read from real
// QEMU 7.2 + Debian's OVMF_CODE_4M.fd with QMP query-pci (../shared/notes/firmware-research.md section 6
// and the oracle sweeps), not derived from the model.
#include "firmware/ovmf/ovmf.hpp"

#include <gtest/gtest.h>

#include "../support/words.hpp"

#include "input/qemu_command_line.hpp"
#include "machine/qemu_release.hpp"
#include "plan/plan.hpp"

namespace aperture {
namespace {

using test::words;

Plan ovmf_plan(const std::string& args) {
    PlanOptions options;
    options.firmware = FirmwareKind::Ovmf;
    return make_plan(read_qemu_command_line(words(args)), options);
}

const FunctionResult& function(const Plan& plan, const std::string& id) {
    for (const auto& f : plan.firmware->functions) {
        if (f.node->id == id) return f;
    }
    throw std::runtime_error("no function " + id);
}

std::optional<u64> bar(const Plan& plan, const std::string& id, int index) {
    const auto& f = function(plan, id);
    for (const auto& b : f.bars) {
        if (b.index == index) return b.address;
    }
    return std::nullopt;
}

constexpr const char* kRepro =
    "-machine q35 -m 2G -nodefaults -device pcie-root-port,id=rp,chassis=1,slot=1,addr=3 "
    "-device pci-testdev,id=big,membar=32G,bus=rp -device pci-testdev,id=one,membar=1G,addr=4";

TEST(OvmfPlan, DynamicWindowOnTheDefaultTcgCpu) {
    // oracle.md: "the 32 GiB BAR at 0xE0_0000_0000 and the 1 GiB BAR at 0xE8_0000_0000"
    const Plan plan = ovmf_plan(kRepro);
    ASSERT_EQ(plan.outcome, Outcome::Ok);
    EXPECT_EQ(plan.firmware_model, "ovmf-edk2-stable202211");
    EXPECT_EQ(bar(plan, "big", 2), 0xE0'0000'0000u);
    EXPECT_EQ(bar(plan, "one", 2), 0xE8'0000'0000u);
    const auto& rp = function(plan, "rp");
    EXPECT_EQ(rp.bridge->prefetchable.base, 0xE0'0000'0000u);
    EXPECT_EQ(rp.bridge->prefetchable.limit, 0xE7'FFFF'FFFFu);
    EXPECT_EQ(rp.bridge->memory.base, 0xC000'0000u);  // the 2 MiB hotplug padding
    EXPECT_EQ(rp.bridge->memory.limit, 0xC01F'FFFFu);
    ASSERT_TRUE(plan.firmware->mmio64_choice);
    EXPECT_EQ(plan.firmware->mmio64_choice->kind, "dynamic");
    EXPECT_TRUE(plan.firmware->e820_modelled);  // the OS memory map (firmware/ovmf/os_memory_map.hpp)
    EXPECT_FALSE(plan.firmware->e820.empty());
}

TEST(OvmfPlan, UntrustedPhysBitsFallBackToTheClassicWindowAndRejectTheGpu) {
    // o2b: Intel with the default 40 bits is not trusted -> classic 32 GiB window at 32 GiB; the
    // 32 GiB BAR behind the port no longer fits next to the 1 GiB one, so 01:00.0 is rejected.
    const Plan plan = ovmf_plan(std::string(kRepro) + " -cpu qemu64,vendor=GenuineIntel");
    ASSERT_EQ(plan.outcome, Outcome::Ok);
    EXPECT_EQ(plan.firmware->mmio64_choice->kind, "classic");
    EXPECT_EQ(bar(plan, "one", 2), 0x8'0000'0000u);
    EXPECT_EQ(bar(plan, "big", 2), std::nullopt);
    EXPECT_FALSE(function(plan, "big").bars.front().decoding);
    ASSERT_TRUE(plan.firmware->shortfall);
    EXPECT_EQ(plan.firmware->shortfall->needed, 33 * GiB);  // the port's 32 GiB window and the 1 GiB BAR
    // 64 GiB is the first window that holds 32 GiB + 1 GiB, aligned as OVMF aligns it.
    EXPECT_EQ(plan.firmware->shortfall->fitting_x_pci_mmio64_mb, 65536u);
    EXPECT_FALSE(plan.firmware->unassigned.empty());
}

TEST(OvmfPlan, XPciMmio64MbAboveTheDynamicSizeWins) {
    // o4: X-PciMmio64Mb=262144 on AMD/40 -> classic 256 GiB window at 256 GiB
    const Plan plan = ovmf_plan(std::string(kRepro) + " -fw_cfg name=opt/ovmf/X-PciMmio64Mb,string=262144");
    EXPECT_EQ(plan.firmware->mmio64_choice->kind, "classic");
    EXPECT_EQ(bar(plan, "big", 2), 0x40'0000'0000u);
    EXPECT_EQ(bar(plan, "one", 2), 0x48'0000'0000u);
}

TEST(OvmfPlan, SmallXPciMmio64MbIsOverriddenByTheDynamicWindow) {
    // o9 / o10: 0 and 65536 still give 0xE0_0000_0000
    for (const char* mb : {"0", "65536"}) {
        const Plan plan = ovmf_plan(std::string(kRepro) + " -fw_cfg name=opt/ovmf/X-PciMmio64Mb,string=" + mb);
        EXPECT_EQ(bar(plan, "big", 2), 0xE0'0000'0000u) << mb;
    }
}

TEST(OvmfPlan, PhysBitsAbove40NeedOneGigPages) {
    // o1_pb41: phys-bits=41 without pdpe1gb behaves as 40; o8_pdpe1gb: with it, 2^41 - 2^38
    EXPECT_EQ(bar(ovmf_plan(std::string(kRepro) + " -cpu qemu64,phys-bits=41"), "big", 2), 0xE0'0000'0000u);
    EXPECT_EQ(bar(ovmf_plan(std::string(kRepro) + " -cpu qemu64,phys-bits=41,pdpe1gb=on"), "big", 2), 0x1C0'0000'0000u);
    // o3: Intel 39 is trusted
    EXPECT_EQ(bar(ovmf_plan(std::string(kRepro) + " -cpu qemu64,vendor=GenuineIntel,phys-bits=39"), "big", 2), 0x70'0000'0000u);
    // o8e: phys-bits 46 + pdpe1gb
    const Plan p46 = ovmf_plan(
        "-machine q35 -m 2G -nodefaults -cpu qemu64,phys-bits=46,pdpe1gb=on -device pci-testdev,id=one,membar=1G");
    EXPECT_EQ(bar(p46, "one", 2), 0x3800'0000'0000u);
}

TEST(OvmfPlan, HotplugMemoryMovesTheClassicWindow) {
    // o7: Intel/40, -m 4G,slots=2,maxmem=40G -> reserved-memory-end 44 GiB -> window at 64 GiB
    const Plan plan = ovmf_plan(
        "-machine q35 -m 4G,slots=2,maxmem=40G -nodefaults -cpu qemu64,vendor=GenuineIntel "
        "-device pcie-root-port,id=rp,chassis=1,slot=1,addr=3 -device pci-testdev,id=big,membar=32G,bus=rp");
    EXPECT_EQ(bar(plan, "big", 2), 0x10'0000'0000u);
}

TEST(OvmfPlan, EmptyHotplugPortsGetTheDefaultPaddingAndTheIoQuirk) {
    // o11: rp3 (pref64-reserve=1G,io-reserve=0) at 0xE0_0000_0000, rp1/rp2 512 MiB each after it;
    // memory windows LIFO; IO 0x6000 / 0x7000 and the test device's IO BAR packed at 0x7200.
    const Plan plan = ovmf_plan(
        "-machine q35 -m 2G -nodefaults -device pcie-root-port,id=rp1,chassis=1,slot=1,addr=3 "
        "-device pcie-root-port,id=rp2,chassis=2,slot=2,addr=4 "
        "-device pcie-root-port,id=rp3,chassis=3,slot=3,addr=5,pref64-reserve=1G,io-reserve=0 "
        "-device pci-testdev,id=t,addr=6");
    EXPECT_EQ(function(plan, "rp3").bridge->prefetchable.base, 0xE0'0000'0000u);
    EXPECT_EQ(function(plan, "rp1").bridge->prefetchable.base, 0xE0'4000'0000u);
    EXPECT_EQ(function(plan, "rp2").bridge->prefetchable.base, 0xE0'6000'0000u);
    EXPECT_EQ(function(plan, "rp2").bridge->io.base, 0x6000u);
    EXPECT_EQ(function(plan, "rp1").bridge->io.base, 0x7000u);
    EXPECT_FALSE(function(plan, "rp3").bridge->io.open());
    EXPECT_EQ(bar(plan, "t", 1), 0x7200u);
}

TEST(OvmfPlan, NonPrefetchable64BitBarsBehindABridgeGoBelow4GiB) {
    // o16: nvme behind a root port lands in the port's 32-bit window
    const Plan plan = ovmf_plan(
        "-machine q35 -m 2G -nodefaults -device pcie-root-port,id=rp,chassis=1,slot=1,addr=3 "
        "-device nvme,id=nv,serial=a,bus=rp");
    const auto address = bar(plan, "nv", 0);
    ASSERT_TRUE(address);
    EXPECT_LT(*address, 4 * GiB);
    EXPECT_GE(*address, function(plan, "rp").bridge->memory.base);
    EXPECT_LE(*address, function(plan, "rp").bridge->memory.limit);
}

TEST(OvmfPlan, I440fxWindowsFollowLowRam) {
    // o6 / o14: mem32 from 0x80000000 with 2 GiB, 0xC0000000 with 3 GiB; IO from 0xC000
    EXPECT_EQ(ovmf_plan("-machine pc -m 2G -nodefaults")
                  .firmware->windows.mem32->first(), 0x8000'0000u);
    const Plan p3 = ovmf_plan("-machine pc -m 3G -nodefaults");
    EXPECT_EQ(p3.firmware->windows.mem32->first(), 0xC000'0000u);
    EXPECT_EQ(p3.firmware->windows.io->first(), 0xC000u);
}

TEST(OvmfPlan, ThirtyTwoBitRequestsOf4GiBMakeOvmfGiveUp) {
    // No 64-bit window (untrusted phys-bits and X-PciMmio64Mb=0): 8 GiB of BARs cannot be requested below 4 GiB.
    const Plan plan = ovmf_plan(
        "-machine q35 -m 2G -nodefaults -cpu qemu64,phys-bits=37 -fw_cfg name=opt/ovmf/X-PciMmio64Mb,string=0 "
        "-device pci-testdev,id=t,membar=8G");
    EXPECT_EQ(plan.outcome, Outcome::FirmwareFailed);
    EXPECT_EQ(plan.firmware->mmio64_choice->kind, "none");
    EXPECT_FALSE(function(plan, "t").bars.back().decoding);
}

TEST(OvmfPlan, AWindowPastATrustedAddressWidthNeverFinishesBooting) {
    // Real OVMF, Intel phys-bits 36 (trusted) with X-PciMmio64Mb=65536: the window [64 GiB, 128 GiB)
    // lies past 2^36; no console and nothing decoded after 150 s (q35 and pc alike).
    const Plan plan = ovmf_plan(
        "-machine q35 -nodefaults -m 2G -cpu qemu64,phys-bits=36,vendor=GenuineIntel "
        "-fw_cfg name=opt/ovmf/X-PciMmio64Mb,string=65536 -device pci-testdev,id=t,membar=1G");
    EXPECT_EQ(plan.outcome, Outcome::FirmwareFailed);
    EXPECT_NE(plan.firmware->failure_message.find("past the 64 GiB"), std::string::npos);
    EXPECT_FALSE(function(plan, "t").bars.back().address);
    // AMD with 36 bits is not trusted: OVMF widens its page tables to the window and boots (seed 7001 case 87).
    const Plan amd = ovmf_plan(
        "-machine q35 -nodefaults -m 2G -cpu qemu64,phys-bits=36 "
        "-fw_cfg name=opt/ovmf/X-PciMmio64Mb,string=262144 -device pci-testdev,id=t,membar=1G");
    EXPECT_EQ(amd.outcome, Outcome::Ok);
}

TEST(XPciMmio64Mb, ParsedAsOvmfParsesIt) {
    EXPECT_EQ(parse_x_pci_mmio64_mb("65536"), 65536u);
    EXPECT_EQ(parse_x_pci_mmio64_mb("65536\n"), 65536u);
    EXPECT_EQ(parse_x_pci_mmio64_mb("65536\r\n"), 65536u);
    EXPECT_EQ(parse_x_pci_mmio64_mb(std::string("1024\0", 5)), 1024u);
    EXPECT_EQ(parse_x_pci_mmio64_mb("0"), 0u);
    EXPECT_EQ(parse_x_pci_mmio64_mb("0x100"), std::nullopt);  // decimal only
    EXPECT_EQ(parse_x_pci_mmio64_mb("4294967296"), std::nullopt);  // above UINT32
    EXPECT_EQ(parse_x_pci_mmio64_mb("99999999999999999999999"), std::nullopt);
    EXPECT_EQ(parse_x_pci_mmio64_mb(""), std::nullopt);
    EXPECT_EQ(parse_x_pci_mmio64_mb("12 MB"), std::nullopt);
}

TEST(XPciMmio64Mb, ValuesAbove16TiBAreIgnored) {
    const Plan plan = ovmf_plan(std::string(kRepro) + " -cpu qemu64,vendor=GenuineIntel -fw_cfg name=opt/ovmf/X-PciMmio64Mb,string=16777217");
    EXPECT_EQ(plan.firmware->windows.mem64->size(), 32 * GiB);  // the default classic size
}


// PciHostBridgeDxe keeps its per-type nodes across PciBusDxe's rejection rounds: FreeResources resets only
// what it allocated (never the alignment) and a failed type stays "submitted" with length 0. Outcomes
// observed on the real images (tests/oracle/recorded/*.reduced.jsonl.gz).
Plan release_plan(const char* qemu, const char* ovmf, const std::string& args) {
    PlanOptions options;
    options.firmware = FirmwareKind::Ovmf;
    options.qemu = find_qemu_release(qemu);
    options.ovmf = find_ovmf_release(ovmf);
    return make_plan(read_qemu_command_line(words(args), *options.qemu), options);
}

TEST(OvmfAllocationRounds, RejectingTheOnly64BitConsumerLeavesTheFailedTypeBehindAndPciFails) {
    // 2022.11, 2025.02 and 2026.08 alike: the 64 GiB BAR is rejected, the next round has no 64-bit request,
    // the left-over 64-bit node is tried with length 0 and fails, and nothing is left to reject.
    const std::string base = "-machine q35 -nodefaults -m 12G -cpu qemu64,phys-bits=38 -device pcie-root-port,id=rp1,chassis=1,slot=1 ";
    for (const char* release : {"2022.11", "2025.02", "2026.08"}) {
        const Plan failed = release_plan("7.2", release, base + "-device pci-testdev,id=gpu,membar=64G,bus=rp1");
        ASSERT_TRUE(failed.firmware->failed) << release;
        EXPECT_EQ(failed.firmware->failure, FirmwareFailure::StaleFailedRequest) << release;
    }
    // Another 64-bit request in the next round overwrites the node: the GPU alone is dropped.
    const Plan kept = release_plan("7.2", "2025.02", base + "-device pci-testdev,id=gpu,membar=64G,bus=rp1 "
                                   "-device pcie-root-port,id=rp2,chassis=2,slot=2 -device pci-testdev,id=nic,membar=64M,bus=rp2");
    ASSERT_FALSE(kept.firmware->failed);
    EXPECT_EQ(bar(kept, "gpu", 2), std::nullopt);
    EXPECT_NE(bar(kept, "nic", 2), std::nullopt);
}

TEST(OvmfAllocationRounds, AnEmptyTypeWithALeftOverAlignmentIsPickedFirstAndStarvesTheRest) {
    // QEMU 10.0 + 2026.08: the bridge's 4 GiB reservation is dropped; next round nothing asks for 32-bit
    // MMIO, but that node keeps the 2 MiB alignment of round 1, wins the largest-alignment choice, fails with
    // length 0, and the I/O request is never tried.
    const std::string base = "-machine pc-i440fx-7.2 -nodefaults -m 2047M -cpu qemu64,phys-bits=43,guest-phys-bits=43 "
                             "-fw_cfg name=opt/ovmf/X-PciMmio64Mb,string=1024 -device pci-bridge,id=br1,chassis_nr=1,pref64-reserve=4G";
    const Plan failed = release_plan("10.0", "2026.08", base);
    ASSERT_TRUE(failed.firmware->failed);
    EXPECT_EQ(failed.firmware->failure, FirmwareFailure::StaleFailedRequest);
    // A 32-bit request in that round (e1000's BAR0) overwrites the node, and the boot goes on.
    EXPECT_FALSE(release_plan("10.0", "2026.08", base + " -device e1000,romfile=").firmware->failed);
}

}  // namespace
}  // namespace aperture
