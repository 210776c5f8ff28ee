// The x86 QEMU release table: lookups, aliases, and the compat facts of each machine type (QEMU v7.2.0
// hw/i386/pc.c pc_*_7_0_machine_options, hw/core/machine.c hw_compat_7_1).
#include "machine/qemu_release.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "machine/machine_type.hpp"

namespace aperture {
namespace {

TEST(QemuRelease, FindsDebian12sReleaseByName) {
    const QemuRelease* release = find_qemu_release("7.2");
    ASSERT_NE(release, nullptr);
    EXPECT_EQ(release, &default_qemu_release());
    EXPECT_EQ(release->model_name, "qemu-7.2");
    EXPECT_EQ(release->display_name, "QEMU 7.2");
}

TEST(QemuRelease, UnmodelledReleaseIsNotFound) { EXPECT_EQ(find_qemu_release("9.9"), nullptr); }

TEST(QemuRelease, NamesListEveryModelledRelease) {
    EXPECT_EQ(qemu_release_names(), (std::vector<std::string>{"7.2", "8.2", "9.2", "10.0", "11.1"}));
}

TEST(QemuRelease, PatchLevelFindsItsRelease) {
    EXPECT_EQ(find_qemu_release("10.0.2"), find_qemu_release("10.0"));
    EXPECT_EQ(find_qemu_release("11.1.3")->display_name, "QEMU 11.1");
    EXPECT_EQ(find_qemu_release("10"), nullptr);
    EXPECT_EQ(find_qemu_release("10.01"), nullptr);
}

TEST(QemuRelease, SaysHowEachReleaseWasChecked) {
    EXPECT_EQ(find_qemu_release("10.0")->evidence, ReleaseEvidence::RealBinary);
    EXPECT_EQ(find_qemu_release("8.2")->evidence, ReleaseEvidence::UpstreamSource);
}

TEST(MachineType, NewerReleaseOffersEveryOlderModelledType) {
    const auto types = modelled_machine_types(*find_qemu_release("11.1"));
    EXPECT_EQ(types.front(), "q35");
    EXPECT_EQ(types.at(2), "pc-q35-11.1");
    EXPECT_EQ(types.back(), "pc-i440fx-7.0");
    EXPECT_EQ(types.size(), 2u + 2u * 14u);
}

TEST(MachineType, BalloonMsixFollowsTheTypeOnReleasesThatHaveIt) {
    const QemuRelease& qemu10 = *find_qemu_release("10.0");
    EXPECT_TRUE(resolve_machine_type(qemu10, "q35").virtio_balloon_has_msix);
    EXPECT_FALSE(resolve_machine_type(qemu10, "q35").virtio_balloon_vectors_compat);
    EXPECT_FALSE(resolve_machine_type(qemu10, "pc-q35-9.2").virtio_balloon_has_msix);
    EXPECT_TRUE(resolve_machine_type(qemu10, "pc-q35-9.2").virtio_balloon_vectors_compat);
    // QEMU 7.2 has no such property: no compat global for it either.
    EXPECT_FALSE(resolve_machine_type(default_qemu_release(), "pc-q35-7.2").virtio_balloon_vectors_compat);
}

TEST(MachineType, MaxUsedGpaRuleDependsOnReleaseAndType) {
    EXPECT_EQ(resolve_machine_type(default_qemu_release(), "q35").max_used_gpa_rule, MaxUsedGpaRule::PhysBits32OrHole64);
    EXPECT_EQ(resolve_machine_type(*find_qemu_release("10.0"), "pc-q35-8.1").max_used_gpa_rule, MaxUsedGpaRule::LongModeOrPhysBits);
    EXPECT_EQ(resolve_machine_type(*find_qemu_release("10.0"), "pc-q35-8.2").max_used_gpa_rule, MaxUsedGpaRule::LongModeOrRamEnd);
}

TEST(MachineType, CpuidFactsFollowTheType) {
    const QemuRelease& qemu11 = *find_qemu_release("11.1");
    EXPECT_FALSE(resolve_machine_type(qemu11, "pc-q35-9.0").guest_phys_bits_from_kvm);
    EXPECT_TRUE(resolve_machine_type(qemu11, "pc-q35-9.1").guest_phys_bits_from_kvm);
    EXPECT_FALSE(resolve_machine_type(qemu11, "pc-q35-10.0").intel_vendor_leaf_blank);
    EXPECT_TRUE(resolve_machine_type(qemu11, "pc-q35-10.1").intel_vendor_leaf_blank);
}

TEST(MachineType, Q35AliasResolvesToTheReleasesNewestQ35) {
    const MachineType type = resolve_machine_type(default_qemu_release(), "q35");
    EXPECT_EQ(type.name, "pc-q35-7.2");
    EXPECT_EQ(type.family, MachineFamily::Q35);
}

TEST(MachineType, PcAliasResolvesToTheReleasesNewestI440fx) {
    const MachineType type = resolve_machine_type(default_qemu_release(), "pc");
    EXPECT_EQ(type.name, "pc-i440fx-7.2");
    EXPECT_EQ(type.family, MachineFamily::I440fx);
}

TEST(MachineType, SevenOneHasTheAmdHoleButNoVirtioRngMsix) {
    const MachineType type = resolve_machine_type(default_qemu_release(), "pc-i440fx-7.1");
    EXPECT_TRUE(type.enforce_amd_1tb_hole);
    EXPECT_FALSE(type.virtio_rng_has_msix);
}

TEST(MachineType, SevenZeroEnforcesNoAmdHole) {
    EXPECT_FALSE(resolve_machine_type(default_qemu_release(), "pc-q35-7.0").enforce_amd_1tb_hole);
}

TEST(MachineType, ModelledTypesListAliasesThenNewestFirst) {
    EXPECT_EQ(modelled_machine_types(default_qemu_release()),
              (std::vector<std::string>{"q35", "pc", "pc-q35-7.2", "pc-i440fx-7.2", "pc-q35-7.1", "pc-i440fx-7.1", "pc-q35-7.0",
                                        "pc-i440fx-7.0"}));
}

TEST(MachineType, UnknownTypeMessageNamesTheRelease) {
    try {
        resolve_machine_type(default_qemu_release(), "pc-q35-9.0");
        FAIL();
    } catch (const InputError& e) {
        EXPECT_EQ(std::string(e.what()).rfind("machine type 'pc-q35-9.0' is not modelled; aperture models QEMU 7.2's q35, pc, ", 0), 0u);
    }
}

}  // namespace
}  // namespace aperture
