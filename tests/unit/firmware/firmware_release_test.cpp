// The SeaBIOS and OVMF release tables: lookups, identities, and each firmware's copy of QEMU's ECAM base
// (SeaBIOS src/fw/dev-q35.h, OVMF PcdPciExpressBaseAddress, QEMU include/hw/pci-host/q35.h).
#include <gtest/gtest.h>

#include "firmware/ovmf/ovmf_release.hpp"
#include "firmware/seabios/seabios_release.hpp"
#include "machine/qemu_x86_layout.hpp"

namespace aperture {
namespace {

TEST(SeabiosRelease, FindsDebian12sReleaseByName) {
    const SeabiosRelease* release = find_seabios_release("1.16.2");
    ASSERT_NE(release, nullptr);
    EXPECT_EQ(release, &default_seabios_release());
    EXPECT_EQ(release->identity.kind, FirmwareKind::SeaBios);
    EXPECT_EQ(release->identity.model_name, "seabios-1.16.2");
}

TEST(SeabiosRelease, UnmodelledReleaseIsNotFound) { EXPECT_EQ(find_seabios_release("1.18.0"), nullptr); }

TEST(SeabiosRelease, NewerReleasesAreModelled) {
    EXPECT_EQ(seabios_release_names(), (std::vector<std::string>{"1.16.2", "1.16.3", "1.17.0"}));
    EXPECT_EQ(find_seabios_release("1.16.3")->phys_bits, SeabiosPhysBits::QemuQuirk);
    EXPECT_EQ(find_seabios_release("1.16.2")->phys_bits, SeabiosPhysBits::Ignored);
    EXPECT_EQ(find_seabios_release("1.17.0")->mem64_top_cap_bits, 44u);
}

TEST(OvmfRelease, FindsDebian12sReleaseByName) {
    const OvmfRelease* release = find_ovmf_release("2022.11");
    ASSERT_NE(release, nullptr);
    EXPECT_EQ(release, &default_ovmf_release());
    EXPECT_EQ(release->identity.kind, FirmwareKind::Ovmf);
    EXPECT_EQ(release->identity.model_name, "ovmf-edk2-stable202211");
}

TEST(OvmfRelease, UnmodelledReleaseIsNotFound) { EXPECT_EQ(find_ovmf_release("2023.05"), nullptr); }

TEST(OvmfRelease, NewerReleasesAreModelled) {
    EXPECT_EQ(ovmf_release_names(), (std::vector<std::string>{"2022.11", "2024.02", "2024.11", "2025.02", "2025.05", "2025.08", "2026.08"}));
    // The images Debian ships were booted; the others are read from edk2 at their tags.
    EXPECT_EQ(find_ovmf_release("2025.02")->identity.evidence, ReleaseEvidence::RealBinary);
    EXPECT_EQ(find_ovmf_release("2026.08")->identity.evidence, ReleaseEvidence::RealBinary);
    EXPECT_EQ(find_ovmf_release("2024.02")->identity.evidence, ReleaseEvidence::UpstreamSource);
}

// Each rule against the edk2 commit that introduced it (tag = the first stable tag containing it).
TEST(OvmfRelease, RulesFollowTheirEdk2Commits) {
    const auto& r2211 = *find_ovmf_release("2022.11");
    const auto& r2402 = *find_ovmf_release("2024.02");
    const auto& r2411 = *find_ovmf_release("2024.11");
    const auto& r2502 = *find_ovmf_release("2025.02");
    const auto& r2505 = *find_ovmf_release("2025.05");
    // c0a0b9bc35 / bf65d7ee88 (202302): e820 reservations are stepped around and passed to the OS.
    EXPECT_FALSE(r2211.dynamic_window_avoids_e820);
    EXPECT_TRUE(r2402.dynamic_window_avoids_e820);
    EXPECT_TRUE(r2402.passes_e820_reservations);
    // 82c1aa87f9 (202305): ECAM at 0xE0000000, the 32-bit window below it.
    EXPECT_EQ(r2211.pci_express_base_address, 0xB000'0000u);
    EXPECT_EQ(r2402.pci_express_base_address, 0xE000'0000u);
    EXPECT_EQ(r2402.q35_mmio32, OvmfQ35Mmio32::Uc32BaseToEcam);
    // c1e8537690 and 27727338b2 (202308): 46-bit cap, no default I/O for hotplug ports.
    EXPECT_EQ(r2211.four_level_phys_bits_cap, 47u);
    EXPECT_EQ(r2402.four_level_phys_bits_cap, 46u);
    EXPECT_EQ(r2211.hotplug_io, OvmfHotplugIo::Pads512Bytes);
    EXPECT_EQ(r2402.hotplug_io, OvmfHotplugIo::OnlyOnHint);
    // 603ad2d6ae (202408): GuestPhysBits.
    EXPECT_EQ(r2402.phys_bits_trust, OvmfPhysBitsTrust::QemuQuirk);
    EXPECT_EQ(r2411.phys_bits_trust, OvmfPhysBitsTrust::QemuQuirkOrGuestPhysBits);
    // 9ac1704af6 (202505): X-PciMmio64Mb unconditional; Debian's 2025.02 build has it too (seen on real boots).
    EXPECT_EQ(r2411.mmio64_override, OvmfMmio64Override::OnlyIfLarger);
    EXPECT_EQ(r2502.mmio64_override, OvmfMmio64Override::Unconditional);
    EXPECT_EQ(r2505.mmio64_override, OvmfMmio64Override::Unconditional);
}

TEST(EcamAgreement, EverySeabiosReleaseProgramsQemusEcamBase) {
    for (const SeabiosRelease& release : kSeabiosReleases) {
        EXPECT_EQ(release.q35_pciexbar_addr, qemu_x86::Q35_ECAM_START) << release.identity.name;
    }
}

TEST(EcamAgreement, OvmfBefore202305ProgramsQemusEcamBase) {
    EXPECT_EQ(find_ovmf_release("2022.11")->pci_express_base_address, qemu_x86::Q35_ECAM_START);
}

}  // namespace
}  // namespace aperture
