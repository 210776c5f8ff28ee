#include "firmware/root_bus_windows.hpp"

#include <algorithm>
#include <map>

namespace aperture {

namespace {

// hw/acpi/aml-build.c build_crs: a range goes into the 32-bit list when it ends below 4 GiB and is shorter than 4 GiB.
constexpr u64 kLast32BitAddress = 0xffff'ffff;

// crs_range_merge: sorted, and ranges that overlap or touch become one.
std::vector<AddressRange> merged(std::vector<AddressRange> ranges) {
    std::sort(ranges.begin(), ranges.end(), [](const AddressRange& a, const AddressRange& b) { return a.first() < b.first(); });
    std::vector<AddressRange> out;
    for (const AddressRange& r : ranges) {
        if (!out.empty() && (out.back().last() == ~u64{0} || r.first() <= out.back().last() + 1)) {
            const u64 last = std::max(out.back().last(), r.last());
            out.back() = AddressRange::from_first_and_last(out.back().first(), last);
            continue;
        }
        out.push_back(r);
    }
    return out;
}

struct Collected {
    std::vector<AddressRange> io, mem32, mem64;
    unsigned last_bus = 0;

    void add_memory(u64 first, u64 last) {
        const AddressRange r = AddressRange::from_first_and_last(first, last);
        if (last <= kLast32BitAddress && r.size() <= kLast32BitAddress) mem32.push_back(r);
        else mem64.push_back(r);
    }
    // "Work-around for old bioses that do not support multiple pci roots": a range at 0 or an empty one is skipped.
    void add_window(const WindowView& w, bool io_space) {
        if (w.base == 0 || w.base > w.limit) return;
        if (io_space) io.push_back(AddressRange::from_first_and_last(w.base, w.limit));
        else add_memory(w.base, w.limit);
    }
};

}  // namespace

std::vector<RootBusWindows> expander_root_bus_windows(const PciTopology& topology, const FirmwareResult& firmware) {
    std::vector<RootBusWindows> out;
    const std::vector<int> roots = topology.extra_roots();
    if (roots.empty()) return out;
    std::map<const PciNode*, const FunctionResult*> result_of;
    for (const FunctionResult& f : firmware.functions) result_of[f.node] = &f;
    for (const int root : roots) {
        const PciBusNode& bus = topology.bus(root);
        RootBusWindows w;
        w.bus_nr = bus.extra_root->bus_nr;
        w.last_bus = w.bus_nr;
        w.numa_node = bus.extra_root->numa_node;
        w.expander_id = bus.extra_root->expander_id;
        w.expander_driver = bus.extra_root->expander_driver;
        Collected c;
        // build_crs looks at the functions on the root bus itself: their BARs and, for bridges, their windows.
        for (const PciNode& node : bus.devices) {
            const auto found = result_of.find(&node);
            if (found == result_of.end()) continue;
            const FunctionResult& f = *found->second;
            for (std::size_t i = 0; i < f.bars.size() && i < node.function.bars.size(); ++i) {
                const BarAssignment& a = f.bars[i];
                if (!a.decoding || !a.address || *a.address == 0) continue;
                const BarSpec& spec = node.function.bars[i];
                const auto end = checked_add(*a.address, spec.size - 1);
                if (!end) continue;
                if (spec.kind == BarKind::Io) c.io.push_back(AddressRange::from_first_and_last(*a.address, *end));
                else c.add_memory(*a.address, *end);
            }
            if (f.bridge) {
                w.last_bus = std::max(w.last_bus, f.bridge->subordinate_bus);
                c.add_window(f.bridge->io, true);
                c.add_window(f.bridge->memory, false);
                c.add_window(f.bridge->prefetchable, false);
            }
        }
        w.io = merged(std::move(c.io));
        w.mem32 = merged(std::move(c.mem32));
        w.mem64 = merged(std::move(c.mem64));
        out.push_back(std::move(w));
    }
    std::stable_sort(out.begin(), out.end(), [](const RootBusWindows& a, const RootBusWindows& b) { return a.bus_nr < b.bus_nr; });
    return out;
}

}  // namespace aperture
