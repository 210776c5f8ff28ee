// QEMU's IGD legacy-mode decision (hw/vfio/igd.c vfio_probe_igd_bar4_quirk, igd_gen) and the sizes it asks
// the firmware for, rule by rule.
#include "devices/vfio_igd.hpp"

#include <gtest/gtest.h>

namespace aperture {
namespace {

IgdFacts at_00_02_0() {
    IgdFacts f;
    f.host = "0000:00:02.0";
    f.device_id = 0x4680;  // Alder Lake-S GT1: not in igd_gen's list, "assume newer is compatible"
    f.on_root_bus = true;
    f.guest_device = 2;
    f.has_rom = true;
    // GMCH: GGMS field 2 in bits 7:6 (gen 8+: 1 << 2 = 4 MiB of GTT), GMS 0x02 in bits 15:8.
    f.host_registers = IgdRegisters{0x0280, 0x7b800001, 0x7a9a8018};
    return f;
}

TEST(IgdGeneration, FollowsTheDeviceIdsHighByte) {
    EXPECT_EQ(igd_generation(0x0102), 6);  // Sandy Bridge
    EXPECT_EQ(igd_generation(0x0412), 6);  // Haswell
    EXPECT_EQ(igd_generation(0x1912), 8);  // Skylake
    EXPECT_EQ(igd_generation(0x5a84), 8);  // Broxton, by its low 12 bits
    EXPECT_EQ(igd_generation(0x4680), 8);  // newer than the table: assumed gen 8
    EXPECT_EQ(igd_generation(0x2a42), std::nullopt);  // GM45: "old, untested"
    EXPECT_EQ(igd_generation(0x0046 & 0x00ff), std::nullopt);  // 0x00xx: Ironlake and older
}

TEST(IgdGttStolenSize, DecodesGgmsPerGeneration) {
    // Gen 6: bits 9:8 give MiB directly; gen 8+: bits 7:6 give a power of two.
    EXPECT_EQ(igd_gtt_stolen_size(6, 0x0200), 2 * MiB);
    EXPECT_EQ(igd_gtt_stolen_size(6, 0x00c0), 0u);  // gen 6 ignores bits 7:6
    EXPECT_EQ(igd_gtt_stolen_size(8, 0x0000), 1 * MiB);
    EXPECT_EQ(igd_gtt_stolen_size(8, 0x00c0), 8 * MiB);
    EXPECT_EQ(igd_gtt_stolen_size(8, 0x0280), 4 * MiB);
}

TEST(IgdAssignment, LegacyModeAtRootSlotTwoAsksForGttOnlyByDefault) {
    const IgdAssignment a = decide_igd_assignment(at_00_02_0());
    EXPECT_TRUE(a.legacy);
    EXPECT_TRUE(a.legacy_refusal.empty());
    // GMS is not passed on: QEMU assumes the stolen graphics memory is unused unless x-igd-gms asks.
    EXPECT_EQ(a.bdsm_size, 4 * MiB);
    EXPECT_EQ(a.opregion_size, kIgdOpRegionDefaultSize);  // legacy mode always copies the OpRegion
}

TEST(IgdAssignment, XIgdGmsAddsThirtyTwoMiBPerStep) {
    IgdFacts f = at_00_02_0();
    f.x_igd_gms = 2;
    EXPECT_EQ(decide_igd_assignment(f).bdsm_size, 4 * MiB + 64 * MiB);
    f.x_igd_gms = 0x11;  // above 0x10: reported and ignored
    const IgdAssignment a = decide_igd_assignment(f);
    EXPECT_EQ(a.bdsm_size, 4 * MiB);
    EXPECT_EQ(a.gms_warning, "Unsupported IGD GMS value 0x11");
}

TEST(IgdAssignment, EachLegacyModeConditionInQemusOrder) {
    IgdFacts f = at_00_02_0();
    f.guest_device = 3;
    IgdAssignment a = decide_igd_assignment(f);
    EXPECT_FALSE(a.legacy);
    EXPECT_EQ(a.bdsm_size, std::nullopt);
    EXPECT_EQ(a.opregion_size, std::nullopt);  // nor an OpRegion without x-igd-opregion=on

    f = at_00_02_0();
    f.root_slot_1f_taken = true;
    f.device_id = 0x2a42;  // also unsupported, but the 1f.0 check comes first
    EXPECT_EQ(decide_igd_assignment(f).legacy_refusal,
              "IGD device 0000:00:02.0 cannot support legacy mode due to existing devices at address 1f.0");

    f = at_00_02_0();
    f.device_id = 0x2a42;
    EXPECT_EQ(decide_igd_assignment(f).legacy_refusal,
              "IGD device 0000:00:02.0 is unsupported in legacy mode, try SandyBridge or newer");

    f = at_00_02_0();
    f.has_rom = false;
    EXPECT_EQ(decide_igd_assignment(f).legacy_refusal, "IGD device 0000:00:02.0 has no ROM, legacy mode disabled");

    f = at_00_02_0();
    f.hotplugged = true;
    EXPECT_EQ(decide_igd_assignment(f).legacy_refusal,
              "IGD device 0000:00:02.0 hotplugged, ROM disabled, legacy mode disabled");
}

TEST(IgdAssignment, OpRegionAloneWithoutLegacyMode) {
    IgdFacts f = at_00_02_0();
    f.on_root_bus = false;
    f.x_igd_opregion = true;
    const IgdAssignment a = decide_igd_assignment(f);
    EXPECT_FALSE(a.legacy);
    EXPECT_EQ(a.opregion_size, kIgdOpRegionDefaultSize);
    EXPECT_EQ(a.bdsm_size, std::nullopt);
}

TEST(IgdAssignment, UnknownRegistersLeaveTheStolenSizeUnknown) {
    IgdFacts f = at_00_02_0();
    f.host_registers.reset();
    const IgdAssignment a = decide_igd_assignment(f);
    EXPECT_TRUE(a.legacy);
    EXPECT_EQ(a.bdsm_size, std::nullopt);
}

}  // namespace
}  // namespace aperture
