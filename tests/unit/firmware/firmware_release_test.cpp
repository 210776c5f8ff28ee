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

TEST(OvmfRelease, UnmodelledReleaseIsNotFound) { EXPECT_EQ(find_ovmf_release("2024.02"), nullptr); }

TEST(EcamAgreement, EverySeabiosReleaseProgramsQemusEcamBase) {
    for (const SeabiosRelease& release : kSeabiosReleases) {
        EXPECT_EQ(release.q35_pciexbar_addr, qemu_x86::Q35_ECAM_START) << release.identity.name;
    }
}

TEST(EcamAgreement, EveryOvmfReleaseProgramsQemusEcamBase) {
    for (const OvmfRelease& release : kOvmfReleases) {
        EXPECT_EQ(release.pci_express_base_address, qemu_x86::Q35_ECAM_START) << release.identity.name;
    }
}

}  // namespace
}  // namespace aperture
