// Which hotplug handler a bus gets decides whether QEMU refuses slot 0 behind an SHPC bridge: its
// standard hotplug controller drives slots 1-31 only. Both outcomes were seen on the real binaries.
#include <gtest/gtest.h>

#include "../support/words.hpp"
#include "input/qemu_command_line.hpp"
#include "plan/plan.hpp"

namespace aperture {
namespace {

Plan plan_on(const char* release_name, const std::string& args) {
    const QemuRelease& release = *find_qemu_release(release_name);
    PlanOptions options;
    options.qemu = &release;
    return make_plan(read_qemu_command_line(test::words(args), release), options);
}

constexpr const char* kBridgeBehindHotplugOffPort =
    "-machine q35 -nodefaults -m 1G -device pcie-root-port,id=rp1,chassis=1,slot=1,hotplug=off "
    "-device pcie-pci-bridge,id=ppb1,bus=rp1 -device e1000e,bus=ppb1";

TEST(HotplugHandler, Qemu72LeavesABridgeBehindAHotplugOffPortItsShpc) {
    const Plan plan = plan_on("7.2", kBridgeBehindHotplugOffPort);
    EXPECT_EQ(plan.outcome, Outcome::Refused);
    EXPECT_EQ(plan.refusal, "-device e1000e,bus=ppb1: Unsupported PCI slot 0 for standard hotplug controller. Valid slots are between 1 and 31.");
}

TEST(HotplugHandler, Qemu10HandsItToAcpi) { EXPECT_EQ(plan_on("10.0", kBridgeBehindHotplugOffPort).outcome, Outcome::Ok); }

TEST(HotplugHandler, BridgesUnderAcpiTakeSlotZero) {
    EXPECT_EQ(plan_on("7.2", "-machine q35 -nodefaults -device pci-bridge,id=br1,chassis_nr=1 -device e1000,bus=br1").outcome, Outcome::Ok);
    EXPECT_EQ(plan_on("7.2", "-machine q35 -nodefaults -device pcie-root-port,id=rp1,chassis=1,slot=1 "
                             "-device pcie-pci-bridge,id=ppb1,bus=rp1 -device e1000,bus=ppb1")
                  .outcome,
              Outcome::Ok);
}

TEST(HotplugHandler, ABridgeBelowAnShpcBusKeepsItsOwn) {
    const Plan plan = plan_on("7.2", "-machine q35 -nodefaults -device pcie-root-port,id=rp1,chassis=1,slot=1,hotplug=off "
                                     "-device pcie-pci-bridge,id=ppb1,bus=rp1 -device pci-bridge,id=br1,chassis_nr=2,bus=ppb1,addr=1 "
                                     "-device e1000,bus=br1");
    EXPECT_EQ(plan.outcome, Outcome::Refused);
    EXPECT_NE(plan.refusal.find("-device e1000,bus=br1: Unsupported PCI slot 0"), std::string::npos) << plan.refusal;
}

}  // namespace
}  // namespace aperture
