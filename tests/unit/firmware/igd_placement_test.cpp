// An Intel IGD passed through, from the host snapshot to where the firmware puts its stolen memory and
// OpRegion: QEMU 7.2's legacy mode, SeaBIOS 1.16.2's intel_igd_setup, OVMF 2022.11's lack of it. The
// host is the i7-12700 fixture, whose iGPU's GMCH asks for 4 MiB of GTT (tests/fixtures/host/).
#include <gtest/gtest.h>

#include "../host/host_test_support.hpp"
#include "../support/words.hpp"
#include "host/host_context.hpp"
#include "input/qemu_command_line.hpp"
#include "plan/plan.hpp"

namespace aperture {
namespace {

Plan plan_on_intel_host(const std::string& args) {
    static const HostSnapshot host = test::probe_fixture("intel-i7-12700-rtx4090");
    PlanOptions options;
    options.host = host_context(host);
    return make_plan(read_qemu_command_line(test::words(args)), options);
}

const FunctionResult* function_at(const Plan& plan, unsigned device) {
    for (const auto& f : plan.firmware->functions) {
        if (f.bdf.bus == 0 && f.bdf.devfn == DevFn{static_cast<std::uint8_t>(device), 0}) return &f;
    }
    return nullptr;
}

bool e820_has(const Plan& plan, u64 start, u64 size, E820Type type) {
    for (const auto& e : plan.firmware->e820) {
        if (e.start == start && e.size == size && e.type == type) return true;
    }
    return false;
}

TEST(IgdPlacement, SeaBiosPutsStolenMemoryOneMiBBelowZoneHighAndTheOpRegionAtItsTop) {
    const Plan plan = plan_on_intel_host("-machine pc -m 4G -nodefaults -device vfio-pci,host=00:02.0,addr=02.0");
    ASSERT_TRUE(plan.machine.igd);
    EXPECT_TRUE(plan.machine.igd->legacy);
    ASSERT_TRUE(plan.firmware->igd);
    const IgdPlacement& igd = *plan.firmware->igd;
    // pc with 4 GiB: RAM below 4 GiB ends at 0xc0000000, ZoneHigh is its top 16 MiB from 0xbf000000.
    EXPECT_EQ(igd.opregion, 0xbf000000u + 16 * MiB - 8 * KiB);
    EXPECT_EQ(igd.bdsm, 0xbf000000u - 1 * MiB - 4 * MiB);
    EXPECT_TRUE(igd.problems.empty());
    EXPECT_TRUE(e820_has(plan, 0xbeb00000, 4 * MiB, E820Type::Reserved));
    // The OpRegion comes first in ZoneHigh, so 8 KiB more of it stays reserved than without an IGD.
    EXPECT_TRUE(e820_has(plan, 0xbfffe000 - 128 * KiB, 136 * KiB, E820Type::Reserved));
    // QEMU's ISA bridge for the video BIOS answers at 00:1f.0.
    const FunctionResult* lpc = function_at(plan, 0x1f);
    ASSERT_NE(lpc, nullptr);
    EXPECT_EQ(lpc->node->function.driver, "vfio-pci-igd-lpc-bridge");
}

TEST(IgdPlacement, XIgdGmsGrowsTheBlockDownward) {
    const Plan plan = plan_on_intel_host("-machine pc -m 2G -nodefaults -device vfio-pci,host=00:02.0,addr=02.0,x-igd-gms=2");
    // 2 GiB: ZoneHigh from 0x7f000000; 4 MiB GTT + 64 MiB GMS end 1 MiB below it.
    EXPECT_EQ(plan.firmware->igd->bdsm, 0x7f000000u - 1 * MiB - 68 * MiB);
}

TEST(IgdPlacement, TooLittleRamBelowFourGiBLeavesBdsmZero) {
    // 64 MiB of RAM: ZoneHigh from 48 MiB, and 4 MiB + 512 MiB of stolen memory cannot fit under it.
    const Plan plan = plan_on_intel_host("-machine pc -m 64M -nodefaults -device vfio-pci,host=00:02.0,addr=02.0,x-igd-gms=0x10");
    const IgdPlacement& igd = *plan.firmware->igd;
    EXPECT_EQ(igd.bdsm, std::nullopt);
    ASSERT_EQ(igd.problems.size(), 1u);
    EXPECT_NE(igd.problems[0].find("516 MiB"), std::string::npos);
    EXPECT_TRUE(igd.opregion.has_value());
}

TEST(IgdPlacement, Q35HasNoLegacyModeAndNoBlock) {
    const Plan plan = plan_on_intel_host("-machine q35 -m 4G -nodefaults -device vfio-pci,host=00:02.0,addr=02.0");
    ASSERT_TRUE(plan.machine.igd);
    EXPECT_FALSE(plan.machine.igd->legacy);
    EXPECT_EQ(plan.machine.igd->legacy_refusal,
              "IGD device 0000:00:02.0 cannot support legacy mode due to existing devices at address 1f.0");
    EXPECT_FALSE(plan.firmware->igd);  // nothing asked for, nothing placed
    EXPECT_EQ(function_at(plan, 0x1f)->node->function.driver, "ICH9-LPC");
}

TEST(IgdPlacement, OpRegionOnlyOutsideLegacyMode) {
    const Plan plan = plan_on_intel_host("-machine q35 -m 4G -nodefaults -device vfio-pci,host=00:02.0,x-igd-opregion=on");
    ASSERT_TRUE(plan.firmware->igd);
    EXPECT_TRUE(plan.firmware->igd->opregion.has_value());
    EXPECT_EQ(plan.firmware->igd->bdsm, std::nullopt);
    EXPECT_EQ(plan.firmware->igd->bdsm_size, 0u);
}

TEST(IgdPlacement, OvmfPlacesNeither) {
    const Plan plan = plan_on_intel_host("-machine pc -m 4G -nodefaults -bios OVMF.fd -device vfio-pci,host=00:02.0,addr=02.0");
    ASSERT_TRUE(plan.firmware->igd);
    const IgdPlacement& igd = *plan.firmware->igd;
    EXPECT_EQ(igd.opregion, std::nullopt);
    EXPECT_EQ(igd.bdsm, std::nullopt);
    EXPECT_EQ(igd.bdsm_size, 4 * MiB);
    ASSERT_EQ(igd.problems.size(), 1u);
    EXPECT_NE(igd.problems[0].find("no IGD support"), std::string::npos);
}

TEST(IgdPlacement, ADiscreteGpuIsNoIgd) {
    const Plan plan = plan_on_intel_host("-machine q35 -m 4G -nodefaults -device vfio-pci,host=01:00.0");
    EXPECT_FALSE(plan.machine.igd);
}

}  // namespace
}  // namespace aperture
