// Each platform's plan as a PlanView: the stack, the outcome, and every BAR and window with its typed owner.
#include "plan/plan_view.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "../report/map_test_support.hpp"
#include "platform_plans.hpp"

namespace aperture {
namespace {

const PlanRegion* bar_region(const PlanView& view, const std::string& name, int bar) {
    for (const auto& r : view.regions) {
        const auto* owner = std::get_if<PciBarOwner>(&r.owner);
        if (owner && owner->bar == bar && view.function(*owner).name() == name) return &r;
    }
    return nullptr;
}

const PlanRegion* root_window(const PlanView& view, unsigned root, RootWindowRole kind) {
    for (const auto& r : view.regions) {
        if (const auto* owner = std::get_if<RootWindowOwner>(&r.owner); owner && *owner == RootWindowOwner{root, kind}) return &r;
    }
    return nullptr;
}

std::size_t assigned_bars(const FirmwareResult& fw) {
    std::size_t n = 0;
    for (const auto& f : fw.functions) {
        for (std::size_t i = 0; i < f.bars.size(); ++i) n += f.bars[i].address && f.node->function.bars[i].size > 0 ? 1 : 0;
    }
    return n;
}

std::size_t bar_regions(const PlanView& view) {
    return static_cast<std::size_t>(std::count_if(view.regions.begin(), view.regions.end(), [](const PlanRegion& r) { return std::holds_alternative<PciBarOwner>(r.owner); }));
}

TEST(QemuX86PlanView, ExampleHasEveryAssignedBarAndTheStack) {
    const test::PlannedVm vm = test::plan_vm(test::args_file_words("examples/q35-gpu-passthrough.args"));

    const PlanView view = view_of(vm.plan);

    EXPECT_EQ(view.platform, PlanPlatform::QemuX86);
    EXPECT_EQ(view.stack.hypervisor, "QEMU 7.2");
    EXPECT_EQ(view.stack.firmware, "SeaBIOS 1.16.2");
    EXPECT_EQ(view.phys_bits, vm.plan.machine.cpu.phys_bits);
    EXPECT_EQ(bar_regions(view), assigned_bars(*vm.plan.firmware));
    EXPECT_EQ(view.functions.size(), vm.plan.firmware->functions.size());
}

TEST(QemuX86PlanView, BridgeWindowsCarryTheirDepth) {
    const test::PlannedVm vm = test::plan_vm(test::args_file_words("examples/q35-gpu-passthrough.args"));

    const PlanView view = view_of(vm.plan);

    const auto window = std::find_if(view.regions.begin(), view.regions.end(), [](const PlanRegion& r) { return std::holds_alternative<PciBridgeWindowOwner>(r.owner); });
    ASSERT_NE(window, view.regions.end());
    EXPECT_EQ(window->depth, 1u);
}

TEST(QemuX86PlanView, OvmfDroppingAGpuBarNamesTheRootWindowItNeeded) {
    const test::PlannedVm vm = test::plan_vm(test::words("-machine q35 -m 2G -nodefaults -cpu qemu64,phys-bits=36 -bios OVMF.fd "
                                                         "-device pcie-root-port,id=rp,chassis=1 -device pci-testdev,id=gpu,membar=64G,bus=rp"));

    const PlanView view = view_of(vm.plan);

    ASSERT_FALSE(view.dropped.empty());
    EXPECT_TRUE(view.failed());
    EXPECT_FALSE(std::holds_alternative<std::monostate>(view.dropped.front().needed));
}

TEST(XenPlanView, EveryHvmloaderBarIsARegionWithItsAddress) {
    const XenPlan plan = test::xen_gpu_plan(256 * MiB);

    const PlanView view = view_of(plan);

    EXPECT_EQ(view.platform, PlanPlatform::XenHvm);
    EXPECT_EQ(view.stack.machine, "xenfv");
    EXPECT_EQ(view.stack.firmware_model, "hvmloader-4.17.7");
    EXPECT_EQ(view.phys_bits, 46u);
    EXPECT_EQ(view.outcome, PredictedOutcome::Works);
    EXPECT_EQ(bar_regions(view), assigned_bars(plan.hvmloader->firmware));
    for (const auto& b : plan.hvmloader->details.bars) {
        if (!b.address || b.size == 0) continue;
        const PlanRegion* r = bar_region(view, plan.bus.functions[b.function].id.empty() ? plan.bus.functions[b.function].function.driver
                                                                                         : plan.bus.functions[b.function].id, b.index);
        ASSERT_NE(r, nullptr) << b.index;
        EXPECT_EQ(r->range.first(), *b.address);
    }
    EXPECT_NE(root_window(view, 0, RootWindowRole::Mem32), nullptr);
}

TEST(XenPlanView, BarTooLargeForPhysBitsIsDropped) {
    const XenPlan plan = test::xen_gpu_plan(64 * GiB, 36);

    const PlanView view = view_of(plan);

    EXPECT_EQ(view.outcome, PredictedOutcome::BarsUnassigned);
    ASSERT_FALSE(view.dropped.empty());
    EXPECT_EQ(view.dropped.front().size, 64 * GiB);
}

TEST(SpaprPlanView, EveryPhbIsARootBusWithItsWindows) {
    const SpaprPlan plan = test::pseries_two_phb_plan(64 * KiB);
    ASSERT_EQ(plan.outcome, Outcome::Ok) << plan.refusal;

    const PlanView view = view_of(plan);

    EXPECT_EQ(view.platform, PlanPlatform::QemuPseries);
    EXPECT_EQ(view.stack.firmware_model, "slof-20220719");
    EXPECT_FALSE(view.phys_bits.has_value());
    for (unsigned phb = 0; phb < 2; ++phb) {
        const PlanRegion* mem32 = root_window(view, phb, RootWindowRole::Mem32);
        ASSERT_NE(mem32, nullptr) << phb;
        EXPECT_EQ(mem32->range, plan.machine.phbs[phb].windows.mem32.cpu);
    }
}

TEST(SpaprPlanView, SlofBarsAreRegionsAtTheirGuestPhysicalAddress) {
    const SpaprPlan plan = test::pseries_two_phb_plan(64 * KiB);

    const PlanView view = view_of(plan);

    const PlanRegion* nic = bar_region(view, "nic0", 0);
    ASSERT_NE(nic, nullptr);
    EXPECT_EQ(view.functions.at(std::get<PciBarOwner>(nic->owner).function).root, 1u);
    EXPECT_EQ(nic->range.first(), *plan.slof[1].functions[0].bars[0].cpu_address);
    EXPECT_EQ(nic->range.size(), 64 * KiB);
    EXPECT_NE(bar_region(view, "gpu0", 0), nullptr);
    EXPECT_EQ(view.outcome, PredictedOutcome::Works);
}

}  // namespace
}  // namespace aperture
