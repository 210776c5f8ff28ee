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

TEST(QemuRelease, NamesListEveryModelledRelease) { EXPECT_EQ(qemu_release_names(), std::vector<std::string>{"7.2"}); }

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
