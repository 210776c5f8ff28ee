// The HTML map's overview strip: every region of the memory axis is on it, in address order, on the map's
// own scale; what fails is marked where it happens; a click can only target a region the map has.
#include "report/overview_strip.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "map_test_support.hpp"
#include "report/html_map.hpp"
#include "report/text_report.hpp"

namespace aperture {
namespace {

struct Drawn {
    test::PlannedVm vm;
    PlanView view;
    AddressMap map;
    MapLayout layout;
    OverviewStrip strip;
};

std::unique_ptr<Drawn> draw(const std::vector<std::string>& args, std::optional<FirmwareKind> firmware = std::nullopt, const HostContext& host = {}) {
    auto d = std::make_unique<Drawn>();
    d->vm = test::plan_vm(args, firmware, host);
    d->view = view_of(d->vm.plan);
    d->map = build_address_map({d->view});
    d->layout = lay_out_map(d->map);
    d->strip = lay_out_overview(d->layout);
    return d;
}

const OverviewItem* item_for(const OverviewStrip& strip, const std::string& key) {
    for (const auto& item : strip.items) {
        if (item.target == key && item.mark != OverviewMark::Unassigned && item.mark != OverviewMark::CrossedLimit) return &item;
    }
    return nullptr;
}

// OVMF 2022.11 leaves a 32 GiB BAR unassigned when its 64-bit window is the classic 32 GiB.
std::vector<std::string> ovmf_drops_gpu() {
    return test::words("-machine q35 -m 2G -nodefaults -cpu qemu64,vendor=GenuineIntel -bios OVMF.fd "
                       "-device pcie-root-port,id=rp,chassis=1 -device pci-testdev,id=gpu,membar=32G,bus=rp -device pci-testdev,id=t1g,membar=1G");
}

TEST(OverviewStrip, EveryMemoryRegionIsOnItInAddressOrder) {
    const auto d = draw(test::big_vm_args(), std::nullopt, test::big_vm_host());
    ASSERT_FALSE(d->layout.memory.regions.empty());
    for (const auto& laid : d->layout.memory.regions) {
        const OverviewItem* item = item_for(d->strip, laid.region->key);
        ASSERT_NE(item, nullptr) << laid.region->key;
        EXPECT_GE(item->from, 0.0);
        EXPECT_LE(item->from, item->to);
        EXPECT_LE(item->to, 1.0);
    }
    // The axis only grows with the address, so the strip keeps the order of the BARs.
    std::vector<std::pair<u64, double>> bars;
    for (const auto& laid : d->layout.memory.regions) {
        if (laid.region->kind == RegionKind::Bar) bars.emplace_back(laid.region->range.first(), item_for(d->strip, laid.region->key)->from);
    }
    std::sort(bars.begin(), bars.end());
    for (std::size_t i = 1; i < bars.size(); ++i) EXPECT_LE(bars[i - 1].second, bars[i].second) << std::hex << bars[i].first;
}

TEST(OverviewStrip, PassedThroughBarsAreDrawnApart) {
    const auto d = draw(test::big_vm_args(), std::nullopt, test::big_vm_host());
    std::size_t passthrough = 0;
    for (const auto& laid : d->layout.memory.regions) {
        if (laid.region->kind != RegionKind::Bar) continue;
        const OverviewItem* item = item_for(d->strip, laid.region->key);
        ASSERT_NE(item, nullptr);
        EXPECT_EQ(item->mark == OverviewMark::PassthroughBar, laid.region->driver == "vfio-pci") << laid.region->key;
        passthrough += item->mark == OverviewMark::PassthroughBar;
    }
    EXPECT_GE(passthrough, static_cast<std::size_t>(test::kBigVmGpus));  // each H100 has at least one memory BAR
}

TEST(OverviewStrip, AnUnassignedBarIsMarkedAtTheEndOfTheWindowItNeeded) {
    const auto d = draw(ovmf_drops_gpu(), FirmwareKind::Ovmf);
    const auto unassigned = std::find_if(d->strip.items.begin(), d->strip.items.end(), [](const OverviewItem& i) {
        return i.mark == OverviewMark::Unassigned && i.title.find("gpu BAR2") != std::string::npos;
    });
    ASSERT_NE(unassigned, d->strip.items.end());
    EXPECT_EQ(unassigned->lane, OverviewLane::All);
    EXPECT_NE(unassigned->title.find("32 GiB: not assigned"), std::string::npos) << unassigned->title;
    // Its target is the unassigned BAR the map draws, and it sits where that BAR's window ends.
    const UnassignedItem* item = nullptr;
    for (const auto& u : d->map.unassigned) {
        if (u.key == unassigned->target) item = &u;
    }
    ASSERT_NE(item, nullptr);
    const OverviewItem* window = item_for(d->strip, item->window);
    ASSERT_NE(window, nullptr) << item->window;
    EXPECT_DOUBLE_EQ(unassigned->from, window->to);
}

TEST(OverviewStrip, ACrossedLimitIsMarked) {
    const auto d = draw(test::words("-machine q35 -m 4G -nodefaults -cpu qemu64,phys-bits=36 -device pcie-root-port,id=rp,chassis=1 "
                                    "-device pci-testdev,membar=64G,bus=rp"));
    bool crossed = false;
    for (const auto& l : d->map.limits) crossed = crossed || !l.crossed_by.empty();
    const bool marked = std::any_of(d->strip.items.begin(), d->strip.items.end(), [](const OverviewItem& i) { return i.mark == OverviewMark::CrossedLimit; });
    ASSERT_TRUE(crossed);  // SeaBIOS puts the 64 GiB BAR at 64 GiB, past 2^36
    EXPECT_TRUE(marked);
}

TEST(OverviewStrip, TicksAreInOrderAndApart) {
    const auto d = draw(test::big_vm_args(), std::nullopt, test::big_vm_host());
    ASSERT_GE(d->strip.ticks.size(), 2u);
    for (std::size_t i = 1; i < d->strip.ticks.size(); ++i) EXPECT_GE(d->strip.ticks[i].at - d->strip.ticks[i - 1].at, 0.09 - 1e-9);
    EXPECT_EQ(d->strip.ticks.front().text, "0x0");
}

TEST(OverviewStrip, ThePageTargetsOnlyRegionsItsMapHas) {
    const auto vm = test::plan_vm(ovmf_drops_gpu(), FirmwareKind::Ovmf);
    const std::string page = render_html({view_of(vm.plan)}, render_text(vm.plan));
    ASSERT_NE(page.find("<nav id=\"overview\""), std::string::npos);
    std::set<std::string> keys;
    for (std::size_t at = page.find("data-key=\""); at != std::string::npos; at = page.find("data-key=\"", at + 1)) {
        const std::size_t start = at + 10;
        keys.insert(page.substr(start, page.find('"', start) - start));
    }
    std::size_t targets = 0;
    for (std::size_t at = page.find("data-target=\""); at != std::string::npos; at = page.find("data-target=\"", at + 1), ++targets) {
        const std::size_t start = at + 13;
        const std::string key = page.substr(start, page.find('"', start) - start);
        EXPECT_TRUE(keys.count(key)) << key;
    }
    EXPECT_GT(targets, 5u);
}

// The maps name functions as lspci does when pci.ids is given: here a pci.ids naming the test device.
TEST(OverviewStrip, TheMapNamesFunctionsFromPciIds) {
    const auto vm = test::plan_vm(ovmf_drops_gpu(), FirmwareKind::Ovmf);
    const PlanView view = view_of(vm.plan);
    const auto gpu = std::find_if(view.functions.begin(), view.functions.end(), [](const PlanFunction& f) { return f.id == "gpu"; });
    ASSERT_NE(gpu, view.functions.end());
    ASSERT_NE(gpu->vendor_id, 0);
    const PciIds ids = PciIds::parse(fmt::format("{:04x}  Example Vendor\n\t{:04x}  Example Device\n", gpu->vendor_id, gpu->device_id));
    const AddressMap named = build_address_map({view, nullptr, nullptr, &ids});
    std::size_t with_name = 0;
    for (const auto& r : named.regions) {
        if (r.owner == "gpu") {
            EXPECT_EQ(r.device_name, "Example Vendor Example Device") << r.key;
            ++with_name;
        }
    }
    for (const auto& u : named.unassigned) {
        if (u.owner == "gpu") {
            EXPECT_EQ(u.device_name, "Example Vendor Example Device") << u.key;
        }
    }
    EXPECT_GT(with_name + named.unassigned.size(), 0u);
    // Without pci.ids there are no names.
    for (const auto& r : build_address_map({view}).regions) EXPECT_TRUE(r.device_name.empty()) << r.key;
}

}  // namespace
}  // namespace aperture
