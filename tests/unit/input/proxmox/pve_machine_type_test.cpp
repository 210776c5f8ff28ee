#include "input/proxmox/pve_machine_type.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace aperture {
namespace {

TEST(PveMachineType, VersionedQ35TypeMapsToTheUpstreamType) {
    const auto parsed = parse_pve_machine_type("pc-q35-9.2+pve0", "vm.cmd:3");
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->upstream, "pc-q35-9.2");
    EXPECT_EQ(parsed->revision, 0u);
}

TEST(PveMachineType, I440fxRevisionIsKept) {
    const auto parsed = parse_pve_machine_type("pc-i440fx-8.1+pve1", "vm.cmd:3");
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->upstream, "pc-i440fx-8.1");
    EXPECT_EQ(parsed->revision, 1u);
}

TEST(PveMachineType, AliasWithRevisionMapsToTheAlias) {
    EXPECT_EQ(parse_pve_machine_type("q35+pve0", "vm.cmd:3")->upstream, "q35");
}

TEST(PveMachineType, PlainQemuTypeIsNoProxmoxType) {
    EXPECT_FALSE(parse_pve_machine_type("pc-q35-9.2", "vm.cmd:3").has_value());
}

TEST(PveMachineType, RevisionWithoutNumberFailsNamingTheLocation) {
    try {
        parse_pve_machine_type("pc-q35-9.2+pvex", "vm.cmd:3");
        FAIL() << "no error";
    } catch (const InputError& e) {
        EXPECT_EQ(std::string(e.what()).rfind("vm.cmd:3: machine type 'pc-q35-9.2+pvex'", 0), 0u) << e.what();
    }
}

TEST(PveMachineType, RevisionAloneFails) { EXPECT_THROW(parse_pve_machine_type("+pve0", "vm.cmd:3"), InputError); }

TEST(PveMachineType, OverlongRevisionFailsInsteadOfOverflowing) {
    EXPECT_THROW(parse_pve_machine_type("q35+pve99999999999999999999", "vm.cmd:3"), InputError);
}

TEST(PveMachineType, Q35Of9_2IsFirstOfferedByQemu9_2) {
    const QemuRelease* release = oldest_release_offering("pc-q35-9.2");
    ASSERT_NE(release, nullptr);
    EXPECT_EQ(release->name, "9.2");
}

TEST(PveMachineType, Q35Of10_0IsFirstOfferedByQemu10_0) { EXPECT_EQ(oldest_release_offering("pc-q35-10.0")->name, "10.0"); }

TEST(PveMachineType, TypeOfAnUnmodelledReleaseGoesToTheNextModelledOne) {
    // Proxmox VE 9.1's QEMU 10.1 is not modelled: 11.1 is the oldest that offers its types.
    EXPECT_EQ(oldest_release_offering("pc-q35-10.1")->name, "11.1");
}

TEST(PveMachineType, I440fxOf8_1IsFirstOfferedByQemu8_2) { EXPECT_EQ(oldest_release_offering("pc-i440fx-8.1")->name, "8.2"); }

TEST(PveMachineType, AliasIsOfferedByNoSingleRelease) { EXPECT_EQ(oldest_release_offering("q35"), nullptr); }

TEST(PveMachineType, TypeOlderThanAnyModelledOneIsOfferedByNone) { EXPECT_EQ(oldest_release_offering("pc-q35-5.1"), nullptr); }

}  // namespace
}  // namespace aperture
