// What the map shows, before any pixels: regions by column and nesting, the window an unassigned BAR
// needed, limits and who crosses them, overlaps, and what cannot be drawn.
#include "report/address_map.hpp"

#include <gtest/gtest.h>

#include "../host/host_test_support.hpp"
#include "map_test_support.hpp"

namespace aperture {
namespace {

const MapRegion* find_bar(const AddressMap& map, const std::string& owner, int bar) {
    for (const auto& r : map.regions) {
        if (r.kind == RegionKind::Bar && r.owner == owner && r.bar == bar) return &r;
    }
    return nullptr;
}

TEST(AddressMap, ExampleGpuBarSitsInItsRootPortsPrefetchableWindow) {
    const auto vm = test::plan_vm(test::args_file_words("examples/q35-gpu-passthrough.args"));
    const AddressMap map = build_address_map({view_of(vm.plan)});
    const MapRegion* bar = find_bar(map, "gpu0", 2);
    ASSERT_NE(bar, nullptr);
    EXPECT_EQ(bar->range, AddressRange::from_start_and_size(0x800000000, 32 * GiB));
    const MapRegion* window = map.region(bar->parent);
    ASSERT_NE(window, nullptr);
    EXPECT_EQ(window->kind, RegionKind::BridgeWindow);
    EXPECT_EQ(window->owner, "rp1");
    EXPECT_EQ(window->depth, 1u);
    EXPECT_EQ(map.region(window->parent)->key, "root-mem64");
}

TEST(AddressMap, IoBarsGoToTheIoSpace) {
    const auto vm = test::plan_vm(test::args_file_words("examples/q35-gpu-passthrough.args"));
    const AddressMap map = build_address_map({view_of(vm.plan)});
    const MapRegion* io = find_bar(map, "gpu0", 1);
    ASSERT_NE(io, nullptr);
    EXPECT_EQ(io->space, AddressSpace::Io);
    EXPECT_EQ(map.io_last, 0xffffu);
}

TEST(AddressMap, SwitchPortsNestTwoAndThreeDeep) {
    const auto vm = test::plan_vm(test::words("-machine q35 -m 2G -nodefaults -device pcie-root-port,id=rp,chassis=1 "
                                              "-device x3130-upstream,id=up,bus=rp -device xio3130-downstream,id=dp,bus=up,chassis=2 "
                                              "-device pci-testdev,id=gpu,membar=8G,bus=dp"));
    const AddressMap map = build_address_map({view_of(vm.plan)});
    EXPECT_EQ(map.deepest_bridge(AddressSpace::Memory), 3u);
    const MapRegion* bar = find_bar(map, "gpu", 2);
    ASSERT_NE(bar, nullptr);
    EXPECT_EQ(map.region(bar->parent)->owner, "dp");
    EXPECT_EQ(map.region(bar->parent)->depth, 3u);
}

TEST(AddressMap, DroppedGpuNeedsTheRoot64BitWindowNotItsPortsMemoryWindow) {
    const auto vm = test::plan_vm(test::words("-machine q35 -m 2G -nodefaults -cpu qemu64,vendor=GenuineIntel -bios OVMF.fd "
                                              "-device pcie-root-port,id=rp,chassis=1 -device pci-testdev,id=gpu,membar=32G,bus=rp "
                                              "-device pci-testdev,id=t1g,membar=1G"));
    const AddressMap map = build_address_map({view_of(vm.plan)});
    ASSERT_EQ(map.unassigned.size(), 3u);
    const auto gpu = std::find_if(map.unassigned.begin(), map.unassigned.end(), [](const UnassignedItem& u) { return u.owner == "gpu" && u.bar == 2; });
    ASSERT_NE(gpu, map.unassigned.end());
    EXPECT_EQ(gpu->size, 32 * GiB);
    EXPECT_EQ(gpu->window, "root-mem64");
    EXPECT_TRUE(map.failed);
}

TEST(AddressMap, OvmfRomsLeftUnassignedByDesignAreANoteNotAFailure) {
    const auto vm = test::plan_vm(test::args_file_words("examples/q35-gpu-passthrough.args"), FirmwareKind::Ovmf);
    const AddressMap map = build_address_map({view_of(vm.plan)});
    EXPECT_TRUE(map.unassigned.empty());
    EXPECT_TRUE(std::any_of(map.notes.begin(), map.notes.end(), [](const std::string& n) { return n.find("ROM BAR(s) stay unassigned by design") != std::string::npos; }));
}

TEST(AddressMap, TheAxisReachesPastTheGuestSpaceWhenABarDoes) {
    const auto vm = test::plan_vm(test::words("-machine q35 -m 2G -nodefaults -cpu qemu64,phys-bits=36 -device pcie-root-port,id=rp1,chassis=1 "
                                              "-device pci-testdev,bus=rp1,id=gpu0,membar=32G -device pci-testdev,id=t1g,membar=1G"));
    const AddressMap map = build_address_map({view_of(vm.plan)});
    EXPECT_GT(map.memory_last, (u64{1} << 36) - 1);
    ASSERT_FALSE(map.limits.empty());
    EXPECT_EQ(map.limits[0].kind, LimitKind::GuestPhysBits);
    EXPECT_EQ(map.limits[0].address, u64{1} << 36);
    // SeaBIOS puts t1g's 1 GiB BAR at 0x1000000000, just past the 36-bit space; nothing else reaches it.
    EXPECT_EQ(map.limits[0].crossed_by, std::vector<std::string>{find_bar(map, "t1g", 2)->key});
}

TEST(AddressMap, HostLimitsPastTheGuestSpaceBecomeNotes) {
    // A 48-bit AMD host and a 40-bit guest: the host's width constrains nothing here.
    const HostSnapshot host = test::probe_fixture("amd-epyc-a100");
    const auto vm = test::plan_vm(test::words("-machine q35 -m 2G -nodefaults"));
    const AddressMap map = build_address_map({view_of(vm.plan), &host});
    EXPECT_TRUE(std::none_of(map.limits.begin(), map.limits.end(), [](const MapLimit& l) { return l.kind == LimitKind::HostPhysBits; }));
    EXPECT_TRUE(std::any_of(map.notes.begin(), map.notes.end(), [](const std::string& n) { return n.starts_with("host phys-bits 48"); }));
}

TEST(AddressMap, RelaxableRmrrsUnderRamAreNoOverlap) {
    const HostSnapshot host = test::probe_fixture("intel-i7-12700-rtx4090");
    const auto vm = test::plan_vm(test::words("-machine q35 -m 4G -nodefaults -cpu qemu64,phys-bits=39"));
    const AddressMap map = build_address_map({view_of(vm.plan), &host});
    EXPECT_TRUE(std::any_of(map.regions.begin(), map.regions.end(), [](const MapRegion& r) { return r.label == "RMRR (relaxable)"; }));
    EXPECT_TRUE(map.overlaps.empty());
}

TEST(AddressMap, RefusedPlanStillShowsWhatQemuComputed) {
    const auto vm = test::plan_vm(test::words("-machine q35 -m 2G -nodefaults -cpu qemu64,phys-bits=35"));
    ASSERT_EQ(vm.plan.outcome, Outcome::Refused);
    const AddressMap map = build_address_map({view_of(vm.plan)});
    EXPECT_TRUE(map.failed);
    EXPECT_TRUE(map.outcome.starts_with("QEMU refuses to start"));
    // RAM as QEMU split it, and the 64-bit hole past 2^35 that makes QEMU refuse: the limit shows it crossed.
    const MapRegion* ram = map.region("ram-below-4g");
    ASSERT_NE(ram, nullptr);
    EXPECT_EQ(ram->range, AddressRange::from_start_and_size(0, 2 * GiB));
    const MapRegion* hole = map.region("pci-hole64");
    ASSERT_NE(hole, nullptr);
    EXPECT_EQ(hole->range.last(), 0x8ffffffffu);
    ASSERT_FALSE(map.limits.empty());
    EXPECT_EQ(map.limits[0].crossed_by, std::vector<std::string>{"pci-hole64"});
}

}  // namespace
}  // namespace aperture
