#include "report/address_map.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>

#include "host/iommu.hpp"
#include "machine/qemu_x86_layout.hpp"
#include "report/labels.hpp"

namespace aperture {

namespace {

// Guests older than Linux 4.x and Windows 10 1803 mishandle BARs past 2^44 (diagnostics/checks.cpp,
// guest.bar-height): drawn only when a BAR reaches it.
constexpr unsigned OLD_GUEST_BAR_BITS = 44;
constexpr unsigned ADDRESS_BITS = 64;
constexpr u64 IO_SPACE_LAST = 0xffff;  // x86 port I/O: 64 KiB

u64 power_of_two(unsigned bits) { return bits >= ADDRESS_BITS ? 0 : u64{1} << bits; }

// Where each PCI node sits, so bridge nesting and a function's parent bridge come from QEMU's tree rather
// than from bus numbers the firmware may have left inconsistent.
class TopologyIndex {
public:
    TopologyIndex(const PciTopology& topology, const FirmwareResult& fw) {
        const auto& buses = topology.buses();
        for (std::size_t b = 0; b < buses.size(); ++b) {
            for (const auto& node : buses[b].devices) {
                bus_of_[&node] = static_cast<int>(b);
                if (node.child_bus >= 0) bridge_of_[node.child_bus] = &node;
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

// Short names for the kernel's reserved-region types (drivers/iommu/iommu.c iommu_resv_type_names).
std::string reserved_label(const std::string& type) {
    if (type == "direct") return "RMRR (direct)";
    if (type == "direct-relaxable") return "RMRR (relaxable)";
    if (type == "msi") return "MSI window";
    return "IOMMU " + type;
}

std::string owner_of(const FunctionResult& f) { return f.node->id.empty() ? f.node->function.driver : f.node->id; }

AddressRange window_range(const WindowView& w) { return AddressRange::from_first_and_last(w.base, w.limit); }

// The function's window of the kind a BAR needs: prefetchable for a prefetchable memory BAR when the bridge
// opened one, memory otherwise.
enum class WindowKind { Io, Memory, Prefetchable };
const char* window_name(WindowKind kind) {
    switch (kind) {
        case WindowKind::Io: return "io";
        case WindowKind::Memory: return "mem";
        case WindowKind::Prefetchable: return "pref";
    }
    return "mem";
}

std::string window_key(std::size_t function, WindowKind kind) { return fmt::format("win-{}-{}", function, window_name(kind)); }
std::string bar_key(std::size_t function, int bar) { return fmt::format("bar-{}-{}", function, bar); }

class MapBuilder {
public:
    explicit MapBuilder(const AddressMapInput& input) : in_(input), plan_(input.plan) {}

    AddressMap build() {
        const Machine& m = plan_.machine;
        map_.title = stack_title(plan_);
        map_.outcome = outcome_summary(plan_);
        map_.failed = plan_.outcome != Outcome::Ok || (plan_.firmware && !plan_.firmware->unassigned.empty()) || bar_beyond_phys_bits(plan_);
        map_.guest_phys_bits = m.cpu.phys_bits;
        map_.io_last = IO_SPACE_LAST;
        if (in_.findings) map_.findings = *in_.findings;

        memory_regions();
        if (plan_.firmware) {
            const TopologyIndex index(m.pci, *plan_.firmware);
            root_windows();
            pci_regions(index);
            unassigned_items(index);
        }
        host_regions();
        axis_extent();
        assign_parents();
        limits();
        overlaps();
        std::stable_sort(map_.regions.begin(), map_.regions.end(), [](const MapRegion& a, const MapRegion& b) {
            if (a.space != b.space) return a.space < b.space;
            if (a.column != b.column) return a.column < b.column;
            if (a.depth != b.depth) return a.depth < b.depth;
            return a.range.first() < b.range.first();
        });
        return std::move(map_);
    }

private:
    MapRegion& add(std::string key, RegionKind kind, AddressSpace space, Column column, AddressRange range, std::string label,
                   std::string kind_text) {
        MapRegion r;
        r.key = std::move(key);
        r.kind = kind;
        r.space = space;
        r.column = column;
        r.range = range;
        r.label = std::move(label);
        r.kind_text = std::move(kind_text);
        map_.regions.push_back(std::move(r));
        return map_.regions.back();
    }

    // RAM and reserved ranges as the OS sees them (the firmware's e820), or as QEMU hands them to the
    // firmware when the firmware's table is not predicted (OVMF) or never built (QEMU refused).
    void memory_regions() {
        const MemoryLayout& mem = plan_.machine.memory;
        const bool firmware_table = plan_.firmware && plan_.firmware->e820_modelled && !plan_.firmware->e820.empty();
        const auto& table = firmware_table ? plan_.firmware->e820 : mem.qemu_e820;
        if (!firmware_table && !table.empty()) {
            map_.notes.push_back("RAM and reserved ranges are QEMU's (fw_cfg etc/e820): the firmware's own memory map is not predicted here");
        }
        for (std::size_t i = 0; i < table.size(); ++i) {
            const E820Entry& e = table[i];
            if (e.size == 0) continue;
            const bool ram = e.type == E820Type::Ram;
            add(fmt::format("e820-{}", i), ram ? RegionKind::Ram : RegionKind::Reserved, AddressSpace::Memory, Column::Memory,
                AddressRange::from_start_and_size(e.start, e.size), ram ? fmt::format("RAM {}", human_size(e.size)) : "reserved",
                ram ? "RAM" : "reserved");
        }
        if (table.empty() && mem.ram_size > 0) {
            // QEMU refused before building its table: RAM as its layout split it.
            if (mem.below_4g > 0) {
                add("ram-below-4g", RegionKind::Ram, AddressSpace::Memory, Column::Memory, AddressRange::from_start_and_size(0, mem.below_4g),
                    fmt::format("RAM {}", human_size(mem.below_4g)), "RAM");
            }
            if (mem.above_4g > 0) {
                add("ram-above-4g", RegionKind::Ram, AddressSpace::Memory, Column::Memory, AddressRange::from_start_and_size(mem.above_4g_start, mem.above_4g),
                    fmt::format("RAM {}", human_size(mem.above_4g)), "RAM");
            }
        }
        // Without a firmware result the 64-bit PCI hole QEMU checks against phys-bits is the window to show:
        // it is what a "phys-bits too low" refusal is about.
        if (!plan_.firmware && mem.pci_hole64_size > 0) {
            if (const auto last = checked_add(mem.pci_hole64_start, mem.pci_hole64_size - 1)) {
                add("pci-hole64", RegionKind::RootWindow, AddressSpace::Memory, Column::RootWindow,
                    AddressRange::from_first_and_last(mem.pci_hole64_start, *last), fmt::format("pci-hole64 {}", human_size(mem.pci_hole64_size)),
                    "QEMU's 64-bit PCI hole (checked against phys-bits)");
            }
        }
        if (mem.device_memory && mem.device_memory->size > 0) {
            add("device-memory", RegionKind::DeviceMemory, AddressSpace::Memory, Column::Memory,
                AddressRange::from_start_and_size(mem.device_memory->base, mem.device_memory->size),
                fmt::format("hotplug memory {}", human_size(mem.device_memory->size)), "device memory (-m slots/maxmem)");
        }
    }

    void root_windows() {
        const RootWindows& w = plan_.firmware->windows;
        if (w.io) add("root-io", RegionKind::RootWindow, AddressSpace::Io, Column::RootWindow, *w.io, "I/O window", "root bus I/O window");
        if (w.mem32) {
            add("root-mem32", RegionKind::RootWindow, AddressSpace::Memory, Column::RootWindow, *w.mem32,
                fmt::format("32-bit window {}", human_size(w.mem32->size())), "root bus 32-bit window");
        }
        if (w.mem64) {
            add("root-mem64", RegionKind::RootWindow, AddressSpace::Memory, Column::RootWindow, *w.mem64,
                fmt::format("64-bit window {}", human_size(w.mem64->size())), "root bus 64-bit window");
        }
    }

    void pci_regions(const TopologyIndex& index) {
        const FirmwareResult& fw = *plan_.firmware;
        for (std::size_t fi = 0; fi < fw.functions.size(); ++fi) {
            const FunctionResult& f = fw.functions[fi];
            const PciFunctionSpec& spec = f.node->function;
            const std::string bdf = f.bdf.to_string();
            const std::string owner = owner_of(f);
            auto fill = [&](MapRegion& r) {
                r.bdf = bdf;
                r.owner = owner;
                r.driver = spec.driver;
                r.unreachable = !f.reachable;
            };
            if (f.bridge) {
                const unsigned depth = index.bridges_above(f.node) + 1;
                const std::string bus = fmt::format("bus {}", f.bridge->secondary_bus);
                auto window = [&](const WindowView& w, WindowKind kind, AddressSpace space, const char* text) {
                    if (!w.open()) return;
                    MapRegion& r = add(window_key(fi, kind), RegionKind::BridgeWindow, space, Column::Bridge, window_range(w),
                                       fmt::format("{} {} ({})", owner, window_name(kind), bus), text);
                    r.depth = depth;
                    fill(r);
                };
                window(f.bridge->io, WindowKind::Io, AddressSpace::Io, "bridge I/O window");
                window(f.bridge->memory, WindowKind::Memory, AddressSpace::Memory, "bridge memory window");
                window(f.bridge->prefetchable, WindowKind::Prefetchable, AddressSpace::Memory, "bridge prefetchable window");
            }
            for (std::size_t i = 0; i < spec.bars.size() && i < f.bars.size(); ++i) {
                const BarSpec& bar = spec.bars[i];
                const BarAssignment& a = f.bars[i];
                if (!a.address || bar.size == 0) continue;
                const auto range = checked_add(*a.address, bar.size - 1);
                if (!range) continue;  // a BAR past 2^64 cannot be drawn; the text report still lists it
                const bool rom = bar.kind == BarKind::Rom;
                const std::string name = rom ? "ROM" : fmt::format("BAR{}", bar.index);
                MapRegion& r = add(bar_key(fi, bar.index), RegionKind::Bar, bar.kind == BarKind::Io ? AddressSpace::Io : AddressSpace::Memory,
                                   Column::Bar, AddressRange::from_first_and_last(*a.address, *range),
                                   fmt::format("{} {} {} {}", bdf, owner, name, human_size(bar.size)), bar_kind_label(bar));
                r.bar = bar.index;
                r.rom_disabled = rom && !a.decoding;
                fill(r);
            }
        }
    }

    const UnassignedResource* listed_unassigned(const Bdf& bdf, int bar) const {
        for (const auto& u : plan_.firmware->unassigned) {
            if (u.bdf == bdf && u.bar == bar) return &u;
        }
        return nullptr;
    }

    // The window an unassigned BAR needed: its bridge's window of the right kind when that bridge has one
    // open, otherwise the root window the firmware says ran short, otherwise the root window of its type.
    std::string needed_window(const TopologyIndex& index, const FunctionResult& f, const BarSpec& bar, RootWindowKind short_window) const {
        const RootWindows& root = plan_.firmware->windows;
        const WindowKind kind = bar.kind == BarKind::Io ? WindowKind::Io : bar.prefetchable ? WindowKind::Prefetchable : WindowKind::Memory;
        if (const PciNode* bridge = index.parent_bridge(f.node)) {
            if (const auto bi = index.function_index(bridge)) {
                const auto& b = plan_.firmware->functions[*bi].bridge;
                // Only a window of the BAR's own kind: a prefetchable BAR whose bridge never opened a prefetchable
                // window needed room in the root window, not in the bridge's non-prefetchable one.
                const WindowView* own = !b ? nullptr
                                        : kind == WindowKind::Io ? &b->io
                                        : kind == WindowKind::Prefetchable ? &b->prefetchable
                                                                           : &b->memory;
                if (own && own->open()) return window_key(*bi, kind);
            }
        }
        // By the BAR's own type first: a 32-bit BAR of a device dropped for lack of 64-bit room still needed
        // room below 4 GiB. A 64-bit BAR needed the 64-bit window unless the firmware says the 32-bit one ran short.
        if (kind == WindowKind::Io) return root.io ? "root-io" : "";
        if (bar.is64 && !is_below_4g(short_window) && root.mem64) return "root-mem64";
        return root.mem32 ? "root-mem32" : "";
    }

    void unassigned_items(const TopologyIndex& index) {
        const FirmwareResult& fw = *plan_.firmware;
        unsigned roms_by_design = 0;
        for (std::size_t fi = 0; fi < fw.functions.size(); ++fi) {
            const FunctionResult& f = fw.functions[fi];
            const PciFunctionSpec& spec = f.node->function;
            for (std::size_t i = 0; i < spec.bars.size() && i < f.bars.size(); ++i) {
                const BarSpec& bar = spec.bars[i];
                if (f.bars[i].address || bar.size == 0) continue;
                const UnassignedResource* listed = listed_unassigned(f.bdf, bar.index);
                // OVMF leaves every ROM BAR unassigned on purpose (it shadows ROMs through one slot): not a failure.
                if (bar.kind == BarKind::Rom && !listed && !fw.failed) {
                    ++roms_by_design;
                    continue;
                }
                UnassignedItem u;
                u.key = fmt::format("unassigned-{}-{}", fi, bar.index);
                u.space = bar.kind == BarKind::Io ? AddressSpace::Io : AddressSpace::Memory;
                u.bdf = f.bdf.to_string();
                u.owner = owner_of(f);
                u.driver = spec.driver;
                u.bar = bar.index;
                u.what = fmt::format("{} {}", bar.kind == BarKind::Rom ? std::string("ROM") : fmt::format("BAR{}", bar.index), bar_kind_label(bar));
                u.size = bar.size;
                u.reason = listed ? listed->reason : fw.failed ? fw.failure_message : "the firmware did not assign it";
                u.window = needed_window(index, f, bar, listed ? listed->short_window : RootWindowKind::None);
                map_.unassigned.push_back(std::move(u));
            }
        }
        // Bridge windows the firmware could not open.
        for (std::size_t i = 0; i < fw.unassigned.size(); ++i) {
            const UnassignedResource& r = fw.unassigned[i];
            if (r.bar >= 0) continue;
            UnassignedItem u;
            u.key = fmt::format("unassigned-window-{}", i);
            u.space = r.what.find("io") != std::string::npos ? AddressSpace::Io : AddressSpace::Memory;
            u.bdf = r.bdf.to_string();
            u.owner = u.bdf;
            u.what = r.what;
            u.size = r.size;
            u.reason = r.reason;
            u.window = is_below_4g(r.short_window) ? "root-mem32" : fw.windows.mem64 ? "root-mem64" : "";
            map_.unassigned.push_back(std::move(u));
        }
        if (roms_by_design > 0) {
            map_.notes.push_back(fmt::format("{} expansion ROM BAR(s) stay unassigned by design: OVMF shadows option ROMs through one slot", roms_by_design));
        }
    }

    void host_regions() {
        if (!in_.host) return;
        const auto reserved = merged_reserved_regions(in_.host->iommu.groups);
        for (std::size_t i = 0; i < reserved.size(); ++i) {
            const ReservedRegion& r = reserved[i];
            const bool ht_hole = r.range.first() == qemu_x86::AMD_HT_START && r.range.last() == qemu_x86::AMD_HT_END;
            add(fmt::format("host-{}", i), RegionKind::HostReserved, AddressSpace::Memory, Column::Host, r.range,
                ht_hole ? "AMD HT hole" : reserved_label(r.type), fmt::format("host IOMMU reserved ({})", r.type));
        }
    }

    // The memory axis spans the guest's phys-bits, and further when anything the guest uses lies past them.
    void axis_extent() {
        const u64 space = power_of_two(map_.guest_phys_bits);
        u64 last = space == 0 ? ~u64{0} : space - 1;
        for (const auto& r : map_.regions) {
            if (r.space == AddressSpace::Memory && r.kind != RegionKind::HostReserved) last = std::max(last, r.range.last());
        }
        last = std::max(last, plan_.machine.memory.max_used_gpa);
        map_.memory_last = last;
        for (const auto& r : map_.regions) {
            if (r.kind == RegionKind::HostReserved && r.range.first() > last) {
                map_.notes.push_back(fmt::format("host {} {} lies past this guest's address space", r.label, r.range.to_string()));
            }
        }
    }

    // Each region's parent: the smallest region of an earlier column in the same space that holds it.
    void assign_parents() {
        for (auto& r : map_.regions) {
            if (r.column == Column::Host || r.column == Column::Memory) continue;
            const MapRegion* best = nullptr;
            for (const auto& p : map_.regions) {
                if (p.space != r.space || p.column == Column::Host || p.column == Column::Memory) continue;
                const bool earlier = p.column < r.column || (p.column == r.column && p.depth < r.depth && r.column == Column::Bridge);
                if (!earlier || !p.range.contains(r.range)) continue;
                // Of windows that are the same size (a switch's ports often are), the innermost: the deepest.
                const bool smaller = best && byte_count_less(p.range, best->range);
                const bool same_but_deeper = best && !byte_count_less(best->range, p.range) && !smaller &&
                                             (p.column > best->column || (p.column == best->column && p.depth > best->depth));
                if (!best || smaller || same_but_deeper) best = &p;
            }
            if (best) r.parent = best->key;
        }
    }

    // Smaller in bytes (compared as last - first, which cannot overflow where size() could).
    static bool byte_count_less(const AddressRange& a, const AddressRange& b) { return a.last() - a.first() < b.last() - b.first(); }

    void add_limit(LimitKind kind, unsigned bits, std::string label, bool (*crosses)(const MapRegion&)) {
        const u64 address = power_of_two(bits);
        if (address == 0) return;  // 2^64: nothing can cross it
        if (address - 1 > map_.memory_last) {
            map_.notes.push_back(fmt::format("{} ({:#x}) lies past this guest's address space", label, address));
            return;
        }
        MapLimit limit{kind, bits, address, std::move(label), {}};
        for (const auto& r : map_.regions) {
            if (r.space == AddressSpace::Memory && crosses(r) && r.range.last() >= address) limit.crossed_by.push_back(r.key);
        }
        map_.limits.push_back(std::move(limit));
    }

    static bool guest_uses(const MapRegion& r) {
        return r.kind == RegionKind::Ram || r.kind == RegionKind::DeviceMemory || r.kind == RegionKind::Bar || r.key == "pci-hole64";
    }
    static bool ram(const MapRegion& r) { return r.kind == RegionKind::Ram || r.kind == RegionKind::DeviceMemory; }
    static bool bar(const MapRegion& r) { return r.kind == RegionKind::Bar; }

    void limits() {
        add_limit(LimitKind::GuestPhysBits, map_.guest_phys_bits, fmt::format("guest phys-bits {}", map_.guest_phys_bits), guest_uses);
        if (in_.host && in_.host->cpu && in_.host->cpu->phys_bits) {
            const unsigned bits = *in_.host->cpu->phys_bits;
            add_limit(LimitKind::HostPhysBits, bits, fmt::format("host phys-bits {}", bits), guest_uses);
        }
        if (in_.host) {
            // The narrowest DMA domain any VT-d unit gives (the same width the iommu.width check uses).
            std::optional<unsigned> width;
            for (const auto& unit : in_.host->iommu.units) {
                if (!unit.cap) continue;
                if (const auto w = intel_domain_width(*unit.cap)) width = width ? std::min(*width, *w) : *w;
            }
            if (width) add_limit(LimitKind::IommuWidth, *width, fmt::format("IOMMU DMA width {} bits", *width), ram);
        }
        const auto highest = plan_.firmware ? highest_assigned_bar(*plan_.firmware) : std::nullopt;
        if (highest && address_bits(highest->last) > OLD_GUEST_BAR_BITS) {
            add_limit(LimitKind::OldGuestBarHeight, OLD_GUEST_BAR_BITS, fmt::format("2^{}: older guests' BAR limit", OLD_GUEST_BAR_BITS), bar);
        }
    }

    static bool conflicting_pair(const MapRegion& a, const MapRegion& b) {
        if (a.space != b.space) return false;
        const bool a_ram = ram(a);
        const bool b_ram = ram(b);
        // The host's reserved ranges matter under guest RAM: VFIO maps RAM at its guest-physical address.
        if (a.kind == RegionKind::HostReserved || b.kind == RegionKind::HostReserved) {
            const MapRegion& host = a.kind == RegionKind::HostReserved ? a : b;
            return (a_ram || b_ram) && host.kind_text.find("direct-relaxable") == std::string::npos;
        }
        // PCI addresses under RAM, or two BARs / two windows of one column sharing addresses.
        if (a_ram != b_ram) return a.column != Column::Memory || b.column != Column::Memory;
        if (a.column != b.column || a.column == Column::Memory) return false;
        return a.column != Column::Bridge || a.depth == b.depth;
    }

    void overlaps() {
        const auto& regions = map_.regions;
        for (std::size_t i = 0; i < regions.size(); ++i) {
            for (std::size_t j = i + 1; j < regions.size(); ++j) {
                const MapRegion& a = regions[i];
                const MapRegion& b = regions[j];
                if (!a.range.overlaps(b.range) || !conflicting_pair(a, b)) continue;
                const auto range = AddressRange::from_first_and_last(std::max(a.range.first(), b.range.first()), std::min(a.range.last(), b.range.last()));
                map_.overlaps.push_back({range, a.key, b.key, fmt::format("{} overlaps {} at {}", a.label, b.label, range.to_string())});
            }
        }
    }

    const AddressMapInput& in_;
    const Plan& plan_;
    AddressMap map_;
};

}  // namespace

const char* to_string(RegionKind kind) {
    switch (kind) {
        case RegionKind::HostReserved: return "host-reserved";
        case RegionKind::Ram: return "ram";
        case RegionKind::Reserved: return "reserved";
        case RegionKind::DeviceMemory: return "device-memory";
        case RegionKind::RootWindow: return "root-window";
        case RegionKind::BridgeWindow: return "bridge-window";
        case RegionKind::Bar: return "bar";
    }
    return "bar";
}

const char* to_string(LimitKind kind) {
    switch (kind) {
        case LimitKind::GuestPhysBits: return "guest-phys-bits";
        case LimitKind::HostPhysBits: return "host-phys-bits";
        case LimitKind::IommuWidth: return "iommu-width";
        case LimitKind::OldGuestBarHeight: return "old-guest-bar-height";
    }
    return "guest-phys-bits";
}

const MapRegion* AddressMap::region(const std::string& key) const {
    for (const auto& r : regions) {
        if (r.key == key) return &r;
    }
    return nullptr;
}

unsigned AddressMap::deepest_bridge(AddressSpace space) const {
    unsigned deepest = 0;
    for (const auto& r : regions) {
        if (r.space == space && r.column == Column::Bridge) deepest = std::max(deepest, r.depth);
    }
    return deepest;
}

AddressMap build_address_map(const AddressMapInput& input) { return MapBuilder(input).build(); }

}  // namespace aperture
