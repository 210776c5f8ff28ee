// Moving a device to a pcie-root-port of its own: which device is moved, the words that do it, and where
// the remedy is not offered. The whole check's proof of it is in fix_holds_test.cpp.
#include "diagnostics/own_root_port.hpp"

#include <gtest/gtest.h>

#include "../support/words.hpp"
#include "input/qemu_command_line.hpp"

namespace aperture {
namespace {

struct Planned {
    VmSpec spec;
    PlanOptions options;
    Plan plan;
};

Planned plan_of(const std::string& args) {
    Planned p;
    p.spec = read_qemu_command_line(test::words(args));
    p.plan = make_plan(p.spec, p.options);
    return p;
}

std::optional<Fix> fix_for(const Planned& p) { return own_root_port_fix(p.spec, p.options, p.plan); }

// A VGA's 32-bit prefetchable framebuffer keeps the pcie-pci-bridge's prefetchable window below 4 GiB, where
// an 8 GiB BAR beside it cannot go.
constexpr const char* kSharedBridge =
    "-machine q35 -m 2G -nodefaults -device pcie-pci-bridge,id=br -device VGA,id=vga,bus=br,addr=1 "
    "-device pci-testdev,id=big,membar=8G,bus=br,addr=2";

TEST(OwnRootPort, SharedBridgeFailsWithoutTheMove) {
    const Planned p = plan_of(kSharedBridge);
    ASSERT_TRUE(p.plan.firmware);
    EXPECT_FALSE(assigns_everything(*p.plan.firmware));
}

TEST(OwnRootPort, MovesTheLargestBarAndPlansEveryBarAfterwards) {
    const Planned p = plan_of(kSharedBridge);
    const auto fix = fix_for(p);
    ASSERT_TRUE(fix);
    EXPECT_EQ(fix->qemu_replaces, (std::vector<std::string>{"-device", "pci-testdev,id=big,membar=8G,bus=br,addr=2"}));
    EXPECT_EQ(fix->qemu_args, (std::vector<std::string>{"-device", "pcie-root-port,id=aperture-rp,bus=pcie.0,chassis=1", "-device",
                                                         "pci-testdev,id=big,bus=aperture-rp,membar=8G"}));
    EXPECT_NE(fix->summary.find("shares the bridge's windows with 1 other function"), std::string::npos) << fix->summary;
    // The words, put in place of the device's, plan with every BAR assigned.
    const Planned after = plan_of(
        "-machine q35 -m 2G -nodefaults -device pcie-pci-bridge,id=br -device VGA,id=vga,bus=br,addr=1 "
        "-device pcie-root-port,id=aperture-rp,bus=pcie.0,chassis=1 -device pci-testdev,id=big,bus=aperture-rp,membar=8G");
    ASSERT_TRUE(after.plan.firmware);
    EXPECT_TRUE(assigns_everything(*after.plan.firmware));
}

TEST(OwnRootPort, TheNewPortTakesAFreeIdAndChassis) {
    const Planned p = plan_of(
        "-machine q35 -m 2G -nodefaults -device pcie-root-port,id=aperture-rp,chassis=7 -device pcie-pci-bridge,id=br "
        "-device VGA,id=vga,bus=br,addr=1 -device pci-testdev,id=big,membar=8G,bus=br,addr=2");
    const auto fix = fix_for(p);
    ASSERT_TRUE(fix);
    ASSERT_EQ(fix->qemu_args.size(), 4u);
    EXPECT_EQ(fix->qemu_args[1], "pcie-root-port,id=aperture-rp1,bus=pcie.0,chassis=8");
}

TEST(OwnRootPort, NotOfferedOnPc) {
    const Planned p = plan_of("-machine pc -m 2G -nodefaults -device pci-bridge,id=br,chassis_nr=1 -device VGA,id=vga,bus=br,addr=1 "
                              "-device pci-testdev,id=big,membar=8G,bus=br,addr=2");
    EXPECT_FALSE(fix_for(p));
}

TEST(OwnRootPort, NotOfferedWhenNoMoveHelps) {
    // Two 2 GiB 32-bit BARs cannot fit below 4 GiB wherever they sit.
    const Planned p = plan_of("-machine q35 -m 2G -nodefaults -device VGA,vgamem_mb=512 -device VGA,vgamem_mb=512 -device VGA,vgamem_mb=512");
    ASSERT_TRUE(p.plan.firmware);
    ASSERT_FALSE(assigns_everything(*p.plan.firmware));
    EXPECT_FALSE(fix_for(p));
}

}  // namespace
}  // namespace aperture
