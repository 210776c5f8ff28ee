#include "report/address_map.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <variant>

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

// Short names for the kernel's reserved-region types (drivers/iommu/iommu.c iommu_resv_type_names).
std::string reserved_label(const std::string& type) {
    if (type == "direct") return "RMRR (direct)";
    if (type == "direct-relaxable") return "RMRR (relaxable)";
    if (type == "msi") return "MSI window";
    return "IOMMU " + type;
}

std::string window_key(const PciBridgeWindowOwner& w) { return fmt::format("win-{}-{}", w.function, to_string(w.kind)); }
std::string bar_key(const PciBarOwner& b) { return fmt::format("bar-{}-{}", b.function, b.bar); }

// "root-mem32" for the first root bus (x86 and Xen have one), "root2-mem32" for PHB 2.
std::string root_window_key(const RootWindowOwner& w) {
    if (w.kind == RootWindowRole::QemuPciHole64) return "pci-hole64";
    if (w.root == 0) return fmt::format("root-{}", to_string(w.kind));
    return fmt::format("root{}-{}", w.root, to_string(w.kind));
}

std::string needed_window_key(const NeededWindow& needed) {
    if (const auto* root = std::get_if<RootWindowOwner>(&needed)) return root_window_key(*root);
    if (const auto* bridge = std::get_if<PciBridgeWindowOwner>(&needed)) return window_key(*bridge);
    return "";
}

class MapBuilder {
public:
    explicit MapBuilder(const AddressMapInput& input) : in_(input), view_(input.plan) {}

    AddressMap build() {
        map_.title = fmt::format("{} {} with {}", view_.stack.hypervisor, view_.stack.machine, view_.stack.firmware);
        map_.caption = view_.stack.caption;
        map_.outcome = view_.outcome_text;
        map_.failed = view_.failed();
        map_.guest_phys_bits = view_.phys_bits.value_or(0);
        map_.io_last = IO_SPACE_LAST;
        if (in_.findings) map_.findings = *in_.findings;

        for (const auto& r : view_.regions) add_region(r);
        unassigned_items();
        map_.notes = view_.notes;
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

    // A function's address as the guest names it: "01:00.0"; on pseries with its PHB's domain, "0001:00:01.0".
    std::string bdf_text(const PlanFunction& f) const {
        if (view_.platform == PlanPlatform::QemuPseries) return fmt::format("{:04x}:{}", f.root, f.bdf.to_string());
        return f.bdf.to_string();
    }

    // What pci.ids calls the function, as lspci would: the IDs the guest reads.
    std::string device_name(const PlanFunction& f) const {
        if (!in_.pci_ids || f.vendor_id == 0) return "";
        return in_.pci_ids->describe(f.vendor_id, f.device_id).value_or("");
    }

    void fill(MapRegion& r, const PlanFunction& f) const {
        r.bdf = bdf_text(f);
        r.owner = f.name();
        r.driver = f.driver;
        r.device_name = device_name(f);
        r.unreachable = !f.reachable;
    }

    void add_region(const PlanRegion& region) {
        std::visit([&](const auto& owner) { add_owned(region, owner); }, region.owner);
    }

    void add_owned(const PlanRegion& r, const MemoryOwner& owner) {
        const std::string size = human_size(r.range.size());
        switch (owner.use) {
            case MemoryUse::Ram: {
                const std::string key = owner.source == MemorySource::E820        ? fmt::format("e820-{}", owner.entry)
                                        : owner.source == MemorySource::RamBelow4G ? std::string("ram-below-4g")
                                        : owner.source == MemorySource::RamAbove4G ? std::string("ram-above-4g")
                                                                                   : std::string("ram");
                add(key, RegionKind::Ram, r.space, Column::Memory, r.range, fmt::format("RAM {}", size), r.description);
                return;
            }
            case MemoryUse::Reserved:
                add(fmt::format("e820-{}", owner.entry), RegionKind::Reserved, r.space, Column::Memory, r.range, "reserved", r.description);
                return;
            case MemoryUse::HotplugMemory:
                add("device-memory", RegionKind::DeviceMemory, r.space, Column::Memory, r.range, fmt::format("hotplug memory {}", size), r.description);
                return;
        }
    }

    void add_owned(const PlanRegion& r, const RootWindowOwner& owner) {
        const std::string phb = view_.platform == PlanPlatform::QemuPseries ? fmt::format("PHB {} ", owner.root) : "";
        const std::string size = human_size(r.range.size());
        std::string label;
        switch (owner.kind) {
            case RootWindowRole::Io: label = phb + "I/O window"; break;
            case RootWindowRole::Mem32: label = fmt::format("{}32-bit window {}", phb, size); break;
            case RootWindowRole::Mem64: label = fmt::format("{}64-bit window {}", phb, size); break;
            case RootWindowRole::QemuPciHole64: label = fmt::format("pci-hole64 {}", size); break;
        }
        add(root_window_key(owner), RegionKind::RootWindow, r.space, Column::RootWindow, r.range, std::move(label), r.description);
    }

    void add_owned(const PlanRegion& r, const PciBridgeWindowOwner& owner) {
        const PlanFunction& f = view_.functions.at(owner.function);
        const std::string bus = f.secondary_bus ? fmt::format("bus {}", *f.secondary_bus) : std::string("bus ?");
        MapRegion& m = add(window_key(owner), RegionKind::BridgeWindow, r.space, Column::Bridge, r.range,
                           fmt::format("{} {} ({})", f.name(), to_string(owner.kind), bus), r.description);
        m.depth = r.depth;
        fill(m, f);
    }

    void add_owned(const PlanRegion& r, const PciBarOwner& owner) {
        const PlanFunction& f = view_.function(owner);
        const bool rom = r.bar && r.bar->kind == BarKind::Rom;
        const std::string name = rom ? "ROM" : fmt::format("BAR{}", owner.bar);
        MapRegion& m = add(bar_key(owner), RegionKind::Bar, r.space, Column::Bar, r.range,
                           fmt::format("{} {} {} {}", bdf_text(f), f.name(), name, human_size(r.range.size())), r.description);
        m.bar = owner.bar;
        m.rom_disabled = rom && !r.decoding;
        fill(m, f);
    }

    void unassigned_items() {
        for (const DroppedResource& d : view_.dropped) {
            UnassignedItem u;
            u.space = d.space;
            if (d.bar) {
                const PlanFunction& f = view_.function(*d.bar);
                u.key = fmt::format("unassigned-{}-{}", d.bar->function, d.bar->bar);
                u.bdf = bdf_text(f);
                u.owner = f.name();
                u.driver = f.driver;
                u.device_name = device_name(f);
                u.bar = d.bar->bar;
            } else {
                u.key = fmt::format("unassigned-window-{}", d.entry);
                u.bdf = d.bdf.to_string();
                u.owner = u.bdf;
            }
            u.what = d.what;
            u.size = d.size;
            u.reason = d.reason;
            u.window = needed_window_key(d.needed);
            map_.unassigned.push_back(std::move(u));
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
        last = std::max(last, view_.highest_used_address);
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
        if (view_.phys_bits) add_limit(LimitKind::GuestPhysBits, *view_.phys_bits, fmt::format("guest phys-bits {}", *view_.phys_bits), guest_uses);
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
        // An x86 guest's limit (Xen HVM guests are x86 too); ppc64 guests have no such history.
        const auto highest = view_.platform == PlanPlatform::QemuPseries ? std::nullopt : view_.highest_bar_last();
        if (highest && address_bits(*highest) > OLD_GUEST_BAR_BITS) {
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
    const PlanView& view_;
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
