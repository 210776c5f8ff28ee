// Each rule that differs between OVMF releases, pinned to the edk2 commit that introduced it (the tag is
// the first stable tag containing it; ../shared/notes/versions.md section C). The same command line is
// planned under the release before and after the commit. 2022.11, 2025.02 and 2026.08 are also checked
// against the real images (tests/oracle); 2024.02, 2024.11, 2025.05 and 2025.08 only here.
#include <gtest/gtest.h>

#include "../support/words.hpp"

#include "firmware/ovmf/ovmf_release.hpp"
#include "input/qemu_command_line.hpp"
#include "plan/plan.hpp"

namespace aperture {
namespace {

using test::words;

Plan plan_under(const std::string& ovmf, const std::string& args, const std::string& qemu = "7.2") {
    PlanOptions options;
    options.firmware = FirmwareKind::Ovmf;
    options.qemu = find_qemu_release(qemu);
    options.ovmf = find_ovmf_release(ovmf);
    if (!options.qemu || !options.ovmf) throw std::runtime_error("no such release");
    return make_plan(read_qemu_command_line(words(args), *options.qemu), options);
}

AddressRange mem32(const Plan& plan) { return *plan.firmware->windows.mem32; }
AddressRange mem64(const Plan& plan) { return *plan.firmware->windows.mem64; }

const FunctionResult& function(const Plan& plan, const std::string& id) {
    for (const auto& f : plan.firmware->functions) {
        if (f.node->id == id) return f;
    }
    throw std::runtime_error("no function " + id);
}

// 82c1aa87f9 + e4b3fd905a (202305): ECAM at 0xE0000000 and the q35 window [Uc32Base, ECAM).
TEST(OvmfReleaseRules, Q35ThirtyTwoBitWindowMovesBelowTheNewEcam) {
    const std::string args = "-machine q35 -m 2G -nodefaults";
    EXPECT_EQ(mem32(plan_under("2022.11", args)), AddressRange::from_first_and_last(0xC000'0000, 0xFBFF'FFFF));
    EXPECT_EQ(mem32(plan_under("2024.02", args)), AddressRange::from_first_and_last(0x8000'0000, 0xDFFF'FFFF));
    // 2.5 GiB of low RAM: 4 GiB - pow2floor(1.5 GiB) = 3 GiB.
    EXPECT_EQ(mem32(plan_under("2024.02", "-machine q35 -m 2560M -nodefaults")), AddressRange::from_first_and_last(0xC000'0000, 0xDFFF'FFFF));
    // i440fx is unchanged.
    EXPECT_EQ(mem32(plan_under("2022.11", "-machine pc -m 2G -nodefaults")), mem32(plan_under("2026.08", "-machine pc -m 2G -nodefaults")));
}

// c0a0b9bc35 (202302): the dynamic window steps below QEMU's AMD HyperTransport e820 reservation.
TEST(OvmfReleaseRules, DynamicWindowStepsBelowTheHyperTransportHole) {
    const std::string args = "-machine q35 -m 2G -nodefaults";  // TCG qemu64: AMD, 40 bits, trusted
    EXPECT_EQ(mem64(plan_under("2022.11", args)), AddressRange::from_start_and_size(0xE0'0000'0000, 128 * GiB));
    EXPECT_EQ(mem64(plan_under("2024.02", args)), AddressRange::from_start_and_size(0xC0'0000'0000, 128 * GiB));
    // An Intel vendor has no HT reservation: nothing to step around.
    EXPECT_EQ(mem64(plan_under("2024.02", "-machine q35 -m 2G -nodefaults -cpu qemu64,phys-bits=39,vendor=GenuineIntel")),
              AddressRange::from_start_and_size(0x70'0000'0000, 64 * GiB));
}

// c1e8537690 (202308): the 4-level cap drops from 47 to 46 bits.
TEST(OvmfReleaseRules, FourLevelCapDropsTo46Bits) {
    const std::string args = "-machine q35 -m 2G -nodefaults -cpu qemu64,phys-bits=48,pdpe1gb=on";
    EXPECT_EQ(mem64(plan_under("2022.11", args)), AddressRange::from_start_and_size(u64{7} << 44, u64{1} << 44));
    EXPECT_EQ(mem64(plan_under("2024.02", args)), AddressRange::from_start_and_size(u64{7} << 43, u64{1} << 43));
}

// 27727338b2 (202308): an empty hotplug port gets no I/O window unless io-reserve asks.
TEST(OvmfReleaseRules, HotplugPortsNoLongerGetIo) {
    const std::string args = "-machine q35 -m 2G -nodefaults -device pcie-root-port,id=rp,chassis=1,slot=1";
    EXPECT_TRUE(function(plan_under("2022.11", args), "rp").bridge->io.open());
    EXPECT_FALSE(function(plan_under("2024.02", args), "rp").bridge->io.open());
    EXPECT_TRUE(function(plan_under("2024.02", args + ",io-reserve=4K"), "rp").bridge->io.open());
}

// 603ad2d6ae (202408): a GuestPhysBits makes phys-bits trusted, and caps them.
TEST(OvmfReleaseRules, GuestPhysBitsIsTrustedAndCaps) {
    const std::string intel40 = "-machine q35 -m 2G -nodefaults -cpu qemu64,phys-bits=40,vendor=GenuineIntel,guest-phys-bits=40";
    // 2024.02 reads no GuestPhysBits: Intel 40 is not trusted, the classic 32 GiB window stays.
    EXPECT_EQ(mem64(plan_under("2024.02", intel40, "10.0")), AddressRange::from_start_and_size(32 * GiB, 32 * GiB));
    EXPECT_EQ(mem64(plan_under("2024.11", intel40, "10.0")), AddressRange::from_start_and_size(0xE0'0000'0000, 128 * GiB));
    // phys-bits 43 with GuestPhysBits 41: the window is the top eighth of 41 bits.
    const std::string capped = "-machine q35 -m 2G -nodefaults -cpu qemu64,phys-bits=43,pdpe1gb=on,guest-phys-bits=41";
    EXPECT_EQ(mem64(plan_under("2024.11", capped, "10.0")), AddressRange::from_start_and_size(0x1C0'0000'0000, 256 * GiB));
    EXPECT_EQ(mem64(plan_under("2024.02", capped, "10.0")), AddressRange::from_start_and_size(0x700'0000'0000, u64{1} << 40));
}

// QEMU 10.1+ machine types leave the vendor out of CPUID 0x80000000, where OVMF looks for "GenuineIntel".
TEST(OvmfReleaseRules, BlankVendorLeafDefeatsTheIntelWidths) {
    const std::string cpu = " -m 2G -nodefaults -cpu qemu64,phys-bits=39,vendor=GenuineIntel";
    const Plan old_type = plan_under("2025.02", "-machine pc-q35-10.0" + cpu, "11.1");
    const Plan new_type = plan_under("2025.02", "-machine pc-q35-11.1" + cpu, "11.1");
    EXPECT_EQ(mem64(old_type), AddressRange::from_start_and_size(0x70'0000'0000, 64 * GiB));  // trusted: top eighth of 39 bits
    EXPECT_EQ(mem64(new_type), AddressRange::from_start_and_size(32 * GiB, 32 * GiB));        // classic
    EXPECT_EQ(new_type.firmware->mmio64_choice->kind, "classic");
}

// 9ac1704af6 (202505; Debian's 2025.02 carries it): X-PciMmio64Mb switches the dynamic window off.
TEST(OvmfReleaseRules, SmallerXPciMmio64MbIsHonouredFrom202505) {
    const std::string args = "-machine q35 -m 2G -nodefaults -fw_cfg name=opt/ovmf/X-PciMmio64Mb,string=65536";
    EXPECT_EQ(mem64(plan_under("2024.11", args)), AddressRange::from_start_and_size(0xC0'0000'0000, 128 * GiB));  // dynamic wins
    EXPECT_EQ(mem64(plan_under("2025.05", args)), AddressRange::from_start_and_size(64 * GiB, 64 * GiB));
    EXPECT_EQ(mem64(plan_under("2025.02", args)), AddressRange::from_start_and_size(64 * GiB, 64 * GiB));
    // 0 now means no 64-bit window even where phys-bits are trusted.
    const Plan none = plan_under("2025.05", "-machine q35 -m 2G -nodefaults -fw_cfg name=opt/ovmf/X-PciMmio64Mb,string=0");
    EXPECT_FALSE(none.firmware->windows.mem64.has_value());
}

}  // namespace
}  // namespace aperture
