#include "plan/plan_view.hpp"

#include <fmt/format.h>
#include <map>

#include "plan/firmware_result_view.hpp"
#include "report/labels.hpp"

namespace aperture {

const char* to_string(RootWindowRole kind) {
    switch (kind) {
        case RootWindowRole::Io: return "io";
        case RootWindowRole::Mem32: return "mem32";
        case RootWindowRole::Mem64: return "mem64";
        case RootWindowRole::QemuPciHole64: return "pci-hole64";
    }
    return "mem32";
}

const char* to_string(BridgeWindowKind kind) {
    switch (kind) {
        case BridgeWindowKind::Io: return "io";
        case BridgeWindowKind::Memory: return "mem";
        case BridgeWindowKind::Prefetchable: return "pref";
    }
    return "mem";
}

std::optional<u64> PlanView::highest_bar_last() const {
    std::optional<u64> highest;
    for (const auto& r : regions) {
        if (!std::holds_alternative<PciBarOwner>(r.owner) || r.space != AddressSpace::Memory) continue;
        if (!highest || r.range.last() > *highest) highest = r.range.last();
    }
    return highest;
}

bool bar_beyond_phys_bits(const PlanView& view) {
    const auto highest = view.highest_bar_last();
    if (!highest || !view.phys_bits || *view.phys_bits >= 64) return false;
    return *highest >= (u64{1} << *view.phys_bits);
}

namespace plan_view_detail {

void add_region(PlanView& view, RegionOwner owner, AddressSpace space, AddressRange range, std::string description) {
    PlanRegion r;
    r.owner = owner;
    r.space = space;
    r.range = range;
    r.description = std::move(description);
    view.regions.push_back(std::move(r));
}

namespace {

// Where each PCI node sits, so bridge nesting and a function's parent bridge come from QEMU's tree rather
// than from bus numbers the firmware may have left inconsistent.
class TopologyIndex {
public:
    TopologyIndex(const PciTopology* topology, const FirmwareResult& fw) {
        if (topology) {
            const auto& buses = topology->buses();
            for (std::size_t b = 0; b < buses.size(); ++b) {
                for (const auto& node : buses[b].devices) {
                    bus_of_[&node] = static_cast<int>(b);
                    if (node.child_bus >= 0) bridge_of_[node.child_bus] = &node;
                }
            }
        }
        for (std::size_t i = 0; i < fw.functions.size(); ++i) function_of_[fw.functions[i].node] = i;
    }

    // Bridges between the root bus and this node.
    unsigned bridges_above(const PciNode* node) const {
        unsigned depth = 0;
        for (const PciNode* bridge = parent_bridge(node); bridge; bridge = parent_bridge(bridge)) ++depth;
        return depth;
    }

    const PciNode* parent_bridge(const PciNode* node) const {
        const auto bus = bus_of_.find(node);
        if (bus == bus_of_.end()) return nullptr;
        const auto bridge = bridge_of_.find(bus->second);
        return bridge == bridge_of_.end() ? nullptr : bridge->second;
    }

    std::optional<std::size_t> function_index(const PciNode* node) const {
        const auto it = function_of_.find(node);
        if (it == function_of_.end()) return std::nullopt;
        return it->second;
    }

private:
    std::map<const PciNode*, int> bus_of_;
    std::map<int, const PciNode*> bridge_of_;
    std::map<const PciNode*, std::size_t> function_of_;
};

AddressRange window_range(const WindowView& w) { return AddressRange::from_first_and_last(w.base, w.limit); }

void add_root_windows(PlanView& view, const RootWindows& w) {
    if (w.io) add_region(view, RootWindowOwner{0, RootWindowRole::Io}, AddressSpace::Io, *w.io, "root bus I/O window");
    if (w.mem32) add_region(view, RootWindowOwner{0, RootWindowRole::Mem32}, AddressSpace::Memory, *w.mem32, "root bus 32-bit window");
    if (w.mem64) add_region(view, RootWindowOwner{0, RootWindowRole::Mem64}, AddressSpace::Memory, *w.mem64, "root bus 64-bit window");
}

void add_functions(PlanView& view, const FirmwareResult& fw, const TopologyIndex& index) {
    for (std::size_t fi = 0; fi < fw.functions.size(); ++fi) {
        const FunctionResult& f = fw.functions[fi];
        const PciFunctionSpec& spec = f.node->function;
        PlanFunction function;
        function.bdf = f.bdf;
        function.id = f.node->id;
        function.driver = spec.driver;
        function.reachable = f.reachable;
        function.vendor_id = spec.vendor_id;
        function.device_id = spec.device_id;
        if (f.bridge) function.secondary_bus = f.bridge->secondary_bus;
        view.functions.push_back(std::move(function));
        if (f.bridge) {
            const unsigned depth = index.bridges_above(f.node) + 1;
            auto window = [&](const WindowView& w, BridgeWindowKind kind, AddressSpace space, const char* text) {
                if (!w.open()) return;
                add_region(view, PciBridgeWindowOwner{fi, kind}, space, window_range(w), text);
                view.regions.back().depth = depth;
            };
            window(f.bridge->io, BridgeWindowKind::Io, AddressSpace::Io, "bridge I/O window");
            window(f.bridge->memory, BridgeWindowKind::Memory, AddressSpace::Memory, "bridge memory window");
            window(f.bridge->prefetchable, BridgeWindowKind::Prefetchable, AddressSpace::Memory, "bridge prefetchable window");
        }
        for (std::size_t i = 0; i < spec.bars.size() && i < f.bars.size(); ++i) {
            const BarSpec& bar = spec.bars[i];
            const BarAssignment& a = f.bars[i];
            if (!a.address || bar.size == 0) continue;
            const auto last = checked_add(*a.address, bar.size - 1);
            if (!last) continue;  // a BAR past 2^64 has no range; the text report still lists it
            add_region(view, PciBarOwner{fi, bar.index}, bar.kind == BarKind::Io ? AddressSpace::Io : AddressSpace::Memory,
                       AddressRange::from_first_and_last(*a.address, *last), bar_kind_label(bar));
            view.regions.back().bar = bar;
            view.regions.back().decoding = bar.kind != BarKind::Rom || a.decoding;
        }
    }
}

const UnassignedResource* listed_unassigned(const FirmwareResult& fw, const Bdf& bdf, int bar) {
    for (const auto& u : fw.unassigned) {
        if (u.bdf == bdf && u.bar == bar) return &u;
    }
    return nullptr;
}

// The window an unassigned BAR needed: its bridge's window of the right kind when that bridge has one
// open, otherwise the root window the firmware says ran short, otherwise the root window of its type.
NeededWindow needed_window(const FirmwareResult& fw, const TopologyIndex& index, const FunctionResult& f, const BarSpec& bar,
                           RootWindowKind short_window) {
    const RootWindows& root = fw.windows;
    const BridgeWindowKind kind = bar.kind == BarKind::Io ? BridgeWindowKind::Io
                                  : bar.prefetchable      ? BridgeWindowKind::Prefetchable
                                                          : BridgeWindowKind::Memory;
    if (const PciNode* bridge = index.parent_bridge(f.node)) {
        if (const auto bi = index.function_index(bridge)) {
            const auto& b = fw.functions[*bi].bridge;
            // Only a window of the BAR's own kind: a prefetchable BAR whose bridge never opened a prefetchable
            // window needed room in the root window, not in the bridge's non-prefetchable one.
            const WindowView* own = !b ? nullptr
                                    : kind == BridgeWindowKind::Io ? &b->io
                                    : kind == BridgeWindowKind::Prefetchable ? &b->prefetchable
                                                                             : &b->memory;
            if (own && own->open()) return PciBridgeWindowOwner{*bi, kind};
        }
    }
    // By the BAR's own type first: a 32-bit BAR of a device dropped for lack of 64-bit room still needed
    // room below 4 GiB. A 64-bit BAR needed the 64-bit window unless the firmware says the 32-bit one ran short.
    if (kind == BridgeWindowKind::Io) return root.io ? NeededWindow{RootWindowOwner{0, RootWindowRole::Io}} : NeededWindow{};
    if (bar.is64 && !is_below_4g(short_window) && root.mem64) return RootWindowOwner{0, RootWindowRole::Mem64};
    return root.mem32 ? NeededWindow{RootWindowOwner{0, RootWindowRole::Mem32}} : NeededWindow{};
}

void add_dropped(PlanView& view, const FirmwareResult& fw, const TopologyIndex& index) {
    unsigned roms_by_design = 0;
    for (std::size_t fi = 0; fi < fw.functions.size(); ++fi) {
        const FunctionResult& f = fw.functions[fi];
        const PciFunctionSpec& spec = f.node->function;
        for (std::size_t i = 0; i < spec.bars.size() && i < f.bars.size(); ++i) {
            const BarSpec& bar = spec.bars[i];
            if (f.bars[i].address || bar.size == 0) continue;
            const UnassignedResource* listed = listed_unassigned(fw, f.bdf, bar.index);
            // OVMF leaves every ROM BAR unassigned on purpose (it shadows ROMs through one slot): not a failure.
            if (bar.kind == BarKind::Rom && !listed && !fw.failed) {
                ++roms_by_design;
                continue;
            }
            DroppedResource d;
            d.bar = PciBarOwner{fi, bar.index};
            d.bdf = f.bdf;
            d.space = bar.kind == BarKind::Io ? AddressSpace::Io : AddressSpace::Memory;
            d.what = fmt::format("{} {}", bar.kind == BarKind::Rom ? std::string("ROM") : fmt::format("BAR{}", bar.index), bar_kind_label(bar));
            d.size = bar.size;
            d.reason = listed ? listed->reason : fw.failed ? fw.failure_message : "the firmware did not assign it";
            d.needed = needed_window(fw, index, f, bar, listed ? listed->short_window : RootWindowKind::None);
            view.dropped.push_back(std::move(d));
        }
    }
    // Bridge windows the firmware could not open.
    for (std::size_t i = 0; i < fw.unassigned.size(); ++i) {
        const UnassignedResource& r = fw.unassigned[i];
        if (r.bar >= 0) continue;
        DroppedResource d;
        d.bdf = r.bdf;
        d.entry = i;
        d.space = r.what.find("io") != std::string::npos ? AddressSpace::Io : AddressSpace::Memory;
        d.what = r.what;
        d.size = r.size;
        d.reason = r.reason;
        if (is_below_4g(r.short_window)) {
            d.needed = RootWindowOwner{0, RootWindowRole::Mem32};
        } else if (fw.windows.mem64) {
            d.needed = RootWindowOwner{0, RootWindowRole::Mem64};
        }
        view.dropped.push_back(std::move(d));
    }
    if (roms_by_design > 0) {
        view.notes.push_back(fmt::format("{} expansion ROM BAR(s) stay unassigned by design: OVMF shadows option ROMs through one slot", roms_by_design));
    }
}

}  // namespace

void add_firmware_result(PlanView& view, const FirmwareResult& firmware, const PciTopology* topology) {
    const TopologyIndex index(topology, firmware);
    add_root_windows(view, firmware.windows);
    add_functions(view, firmware, index);
    add_dropped(view, firmware, index);
}

}  // namespace plan_view_detail

const char* to_string(PredictedOutcome outcome) {
    switch (outcome) {
        case PredictedOutcome::Works: return "works";
        case PredictedOutcome::Refused: return "refused";
        case PredictedOutcome::FirmwareFailed: return "firmware-failed";
        case PredictedOutcome::BarsUnassigned: return "bars-unassigned";
        case PredictedOutcome::BarsUnreachable: return "bars-unreachable";
    }
    return "works";
}

namespace plan_view_detail {

std::string qemu_display_name(const std::string& model) {
    if (model.starts_with("qemu-")) return "QEMU " + model.substr(5);
    return model;
}

PredictedOutcome predicted_outcome(bool refused, bool firmware_failed, bool unassigned, bool beyond_phys_bits) {
    if (refused) return PredictedOutcome::Refused;
    if (firmware_failed) return PredictedOutcome::FirmwareFailed;
    if (unassigned) return PredictedOutcome::BarsUnassigned;
    if (beyond_phys_bits) return PredictedOutcome::BarsUnreachable;
    return PredictedOutcome::Works;
}

}  // namespace plan_view_detail

}  // namespace aperture
