// PCI expander bridges (pxb, pxb-pcie): the machine QEMU builds for them, the refusals QEMU 7.2 prints (each seen
// on the real binary), and the bus numbers SeaBIOS and OVMF give their root buses (tests/oracle/recorded/*.pxb.*).
#include <gtest/gtest.h>

#include <algorithm>

#include "../support/words.hpp"
#include "core/error.hpp"
#include "input/qemu_command_line.hpp"
#include "plan/plan.hpp"

namespace aperture {
namespace {

Plan plan_with(const std::string& args, FirmwareKind firmware = FirmwareKind::SeaBios) {
    const QemuRelease& release = *find_qemu_release("7.2");
    PlanOptions options;
    options.qemu = &release;
    options.firmware = firmware;
    return make_plan(read_qemu_command_line(test::words(args), release), options);
}

const FunctionResult* function_at(const Plan& plan, const std::string& bdf) {
    for (const auto& f : plan.firmware->functions) {
        if (f.bdf.to_string() == bdf) return &f;
    }
    return nullptr;
}

constexpr const char* kNuma2 =
    "-object memory-backend-ram,id=m0,size=512M -object memory-backend-ram,id=m1,size=512M "
    "-numa node,nodeid=0,memdev=m0 -numa node,nodeid=1,memdev=m1 ";

// --- QEMU's refusals -----------------------------------------------------------------------------------------
TEST(PciExpanderRefusal, PxbOnQ35) {
    const Plan plan = plan_with("-machine q35 -device pxb,id=p1,bus_nr=2");
    EXPECT_EQ(plan.outcome, Outcome::Refused);
    EXPECT_EQ(plan.refusal, "-device pxb,id=p1,bus_nr=2: pxb devices cannot reside on a PCIe bus");
}

TEST(PciExpanderRefusal, PxbPcieOnPc) {
    const Plan plan = plan_with("-machine pc -device pxb-pcie,id=p1,bus_nr=2");
    EXPECT_EQ(plan.refusal, "-device pxb-pcie,id=p1,bus_nr=2: pxb-pcie devices cannot reside on a PCI bus");
}

TEST(PciExpanderRefusal, BusNrCollision) {
    const Plan plan = plan_with("-machine pc -device pxb,id=p1,bus_nr=2 -device pxb,id=p2,bus_nr=2,bus=pci.0");
    EXPECT_EQ(plan.refusal, "-device pxb,id=p2,bus_nr=2,bus=pci.0: Bus 2 is already in use");
}

TEST(PciExpanderRefusal, NumaNodeTheMachineLacks) {
    EXPECT_EQ(plan_with("-machine pc -device pxb,id=p1,bus_nr=2,numa_node=0").refusal,
              "-device pxb,id=p1,bus_nr=2,numa_node=0: Illegal numa node 0");
    EXPECT_EQ(plan_with(std::string("-machine pc -m 1G ") + kNuma2 + "-device pxb,id=p1,bus_nr=2,numa_node=1").outcome, Outcome::Ok);
}

TEST(PciExpanderRefusal, BehindABridge) {
    EXPECT_EQ(plan_with("-machine pc -device pci-bridge,id=b,chassis_nr=1 -device pxb,id=p1,bus_nr=2,bus=b").refusal,
              "-device pxb,id=p1,bus_nr=2,bus=b: PXB devices can be attached only to root bus");
}

// Without bus=, a device lands on the newest expander's root bus, which takes bridges only.
TEST(PciExpanderRefusal, EndpointWithoutBusAfterAnExpander) {
    EXPECT_EQ(plan_with("-machine pc -device pxb,id=p1,bus_nr=2 -device e1000").refusal,
              "-device e1000: PCI: Only PCI/PCIe bridges can be plugged into pxb");
    EXPECT_EQ(plan_with("-machine q35 -device pxb-pcie,id=p1,bus_nr=2 -device e1000e,bus=p1").refusal,
              "-device e1000e,bus=p1: PCI: Only PCI/PCIe bridges can be plugged into pxb-pcie");
}

TEST(PciExpanderRefusal, PxbWithoutBusNrHasChassisZero) {
    EXPECT_EQ(plan_with("-machine pc -device pxb,id=p1").refusal,
              "-device pxb,id=p1: Bridge chassis not specified. Each bridge is required to be assigned a unique chassis id > 0.");
}

TEST(PciExpanderRefusal, BusNrAboveEightBits) {
    EXPECT_EQ(plan_with("-machine pc -device pxb,id=p1,bus_nr=256").refusal, "-device pxb,id=p1,bus_nr=256: Parameter 'bus_nr' expects uint8_t");
}

TEST(PciExpanderRefusal, PxbPcieOnBusZeroIsNotModelled) {
    EXPECT_THROW(plan_with("-machine q35 -device pxb-pcie,id=p1"), UnsupportedError);
}

// --- The machine and the bus numbers -------------------------------------------------------------------------
// Real QEMU 7.2 + SeaBIOS 1.16.2: 00:04.0 pxb, 20:00.0 its pci-bridge (secondary 0x21), the devices on bus 0x21.
TEST(PciExpanderBuses, SeabiosNumbersFromTheExpandersBusNr) {
    const Plan plan = plan_with("-machine pc -m 1G -device pxb,id=pxb1,bus_nr=0x20 -device pci-testdev,bus=pxb1,membar=64M "
                                "-device e1000,bus=pxb1");
    ASSERT_EQ(plan.outcome, Outcome::Ok);
    const FunctionResult* bridge = function_at(plan, "20:00.0");
    ASSERT_NE(bridge, nullptr);
    ASSERT_TRUE(bridge->bridge);
    EXPECT_EQ(bridge->bridge->secondary_bus, 0x21U);
    EXPECT_EQ(bridge->bridge->subordinate_bus, 0x21U);
    const FunctionResult* testdev = function_at(plan, "21:00.0");
    ASSERT_NE(testdev, nullptr);
    EXPECT_EQ(testdev->bars.back().address, 0xf8000000U);  // the 64 MiB prefetchable BAR, as the real boot put it
    ASSERT_NE(function_at(plan, "00:04.0"), nullptr);
    EXPECT_EQ(function_at(plan, "00:04.0")->node->function.device_id, 0x0009);
}

TEST(PciExpanderBuses, OvmfNumbersEachRootFromItsBusNr) {
    const Plan plan = plan_with("-machine q35 -m 2G -device pxb-pcie,id=pxb2,bus_nr=0x80 -device pxb-pcie,id=pxb1,bus_nr=0x40,bus=pcie.0 "
                                "-device pcie-root-port,id=rp1,bus=pxb1,chassis=11 -device pcie-root-port,id=rp2,bus=pxb2,chassis=12 "
                                "-device pci-testdev,bus=rp1,membar=8G -device pci-testdev,bus=rp2,membar=2G",
                                FirmwareKind::Ovmf);
    ASSERT_EQ(plan.outcome, Outcome::Ok);
    ASSERT_NE(function_at(plan, "40:00.0"), nullptr);
    EXPECT_EQ(function_at(plan, "40:00.0")->bridge->secondary_bus, 0x41U);
    EXPECT_EQ(function_at(plan, "80:00.0")->bridge->secondary_bus, 0x81U);
    ASSERT_EQ(plan.root_buses.size(), 2U);
    EXPECT_EQ(plan.root_buses[0].bus_nr, 0x40U);
    EXPECT_EQ(plan.root_buses[0].last_bus, 0x41U);
    EXPECT_EQ(plan.root_buses[0].expander_id, "pxb1");
    EXPECT_EQ(plan.root_buses[0].mem64.size(), 1U);  // the 8 GiB BAR's window, above 4 GiB
    EXPECT_EQ(plan.root_buses[1].bus_nr, 0x80U);
}

// Real QEMU 7.2 + OVMF 2022.11: bus 0's bridge needs bus 1, which is the expander's: PCI allocation fails.
TEST(PciExpanderBuses, OvmfRootBusRangeOverlapIsNotModelled) {
    EXPECT_THROW(plan_with("-machine pc -m 1G -nodefaults -device pci-bridge,id=br0,chassis_nr=1 -device pxb,id=pxb1,bus_nr=1 "
                           "-device e1000,bus=pxb1",
                           FirmwareKind::Ovmf),
                 UnsupportedError);
}

// Real QEMU 7.2 + SeaBIOS 1.16.2 lists the pxb's bridge twice and hides the e1000 behind br0: the plan says why.
TEST(PciExpanderBuses, SeabiosNotesABusNrInsideTheMainRootsBuses) {
    const Plan plan = plan_with("-machine pc -m 1G -nodefaults -device pci-bridge,id=br0,chassis_nr=1 -device pxb,id=pxb1,bus_nr=1 "
                                "-device e1000,bus=pxb1 -device e1000,bus=br0,addr=1");
    ASSERT_EQ(plan.outcome, Outcome::Ok);
    const auto& notes = plan.firmware->notes;
    EXPECT_TRUE(std::any_of(notes.begin(), notes.end(), [](const std::string& n) {
        return n.find("pxb 'pxb1' has bus_nr 0x1, but SeaBIOS numbered the buses behind 'br0' on the main root bus 0x1-0x2") != std::string::npos;
    }));
}

TEST(PciExpanderBuses, NoNoteWhenBusNrIsAboveTheMainRootsBuses) {
    const Plan plan = plan_with("-machine pc -m 1G -nodefaults -device pci-bridge,id=br0,chassis_nr=1 -device pxb,id=pxb1,bus_nr=8 "
                                "-device e1000,bus=pxb1");
    const auto& notes = plan.firmware->notes;
    EXPECT_TRUE(std::none_of(notes.begin(), notes.end(), [](const std::string& n) { return n.find("has bus_nr") != std::string::npos; }));
}

TEST(PciExpanderBuses, EmptyExpanderHasNoWindows) {
    const Plan plan = plan_with("-machine q35 -m 1G -device pxb-pcie,id=pxb1,bus_nr=0x20", FirmwareKind::Ovmf);
    ASSERT_EQ(plan.outcome, Outcome::Ok);
    ASSERT_EQ(plan.root_buses.size(), 1U);
    EXPECT_TRUE(plan.root_buses[0].io.empty());
    EXPECT_TRUE(plan.root_buses[0].mem32.empty());
    EXPECT_TRUE(plan.root_buses[0].mem64.empty());
}

}  // namespace
}  // namespace aperture
