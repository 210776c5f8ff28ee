#include "firmware/xen/hvmloader.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "machine/xen/xenfv_bus.hpp"
#include "machine/xen/xen_layout.hpp"

namespace aperture {

namespace {

// tools/firmware/hvmloader/pci.c BAR_RELOC_THRESH (4.17.4+ / 4.19.0+): bigger 64-bit BARs always go high.
constexpr u64 kBarRelocThresh = 1 * GiB;
// tools/firmware/hvmloader/pci.c: the PCI class of a display controller, VGA, and of Intel (IGD).
constexpr std::uint16_t kClassVga = 0x0300;
constexpr std::uint16_t kVendorIntel = 0x8086;
// pci.c pci_setup: the emulated VGAs it keeps as primary (stdvga 1234:1111, cirrus 1013:00b8).
constexpr std::uint16_t kStdVgaVendor = 0x1234, kStdVgaDevice = 0x1111;
constexpr std::uint16_t kCirrusVendor = 0x1013, kCirrusDevice = 0x00b8;
// pci.c (4.21+): the platform device IDs whose BAR may go to the top of the hole.
constexpr std::uint16_t kXenPlatformDevice1 = 0x0001, kXenPlatformDevice2 = 0x0002;
// The SeaBIOS image hvmloader loads below 1 MiB (seabios.c seabios_load: bios_address = 1 MiB -
// image size). Debian 12's libxenlight (libxenmisc4.17 4.17.7+13) names /usr/share/seabios/bios-256k.bin.
constexpr u64 kSeabiosImageSize = 256 * KiB;

std::string bar_register(int index) {
    // pci.c prints the config-space register: 0x10 + 4 * BAR, 0x30 for the ROM.
    return fmt::format("{:02x}", index == kRomBarIndex ? 0x30 : 0x10 + 4 * index);
}

// util.h PRIllx: hvmloader prints 64-bit values as two 32-bit halves, "%x%08x", without 0x.
std::string prillx(u64 value) { return fmt::format("{:x}{:08x}", static_cast<u32>(value >> 32), static_cast<u32>(value)); }

// The low bits hvmloader keeps when it writes a BAR (pci.c: bar_data &= ~PCI_BASE_ADDRESS_MEM_MASK /
// ~PCI_BASE_ADDRESS_IO_MASK): the space bit, a memory BAR's type and prefetch bits (pci_regs.h).
u64 bar_flags(const HvmloaderBar& bar) {
    if (bar.kind == BarKind::Io) return 0x1;
    if (bar.kind == BarKind::Rom) return 0x0;
    return (bar.is64 ? 0x4u : 0x0u) | (bar.prefetchable ? 0x8u : 0x0u);
}

struct Scan {
    std::vector<HvmloaderBar> bars;
    u64 mmio_total = 0;
    bool bar64_relocate = false;
    u64 pci_mem_end = xen::RESERVED_MEMBASE;
    std::optional<u64> igd_opregion;
};

// pci.c pci_setup, the devfn loop: every BAR (and ROM) sized and inserted before the first smaller one.
Scan scan_bars(const HvmloaderInput& in, HvmloaderDetails& d) {
    Scan s;
    bool have_vga = false;
    // util.c mem_hole_alloc hands pages down from RESERVED_MEMORY_DYNAMIC_END; get_shared_info took one.
    u64 alloc_down = xen::RESERVED_MEMORY_DYNAMIC_END - xen::SHARED_INFO_PAGES * xen::PAGE_SIZE;
    const auto& functions = *in.functions;
    for (std::size_t f = 0; f < functions.size(); ++f) {
        const PciFunctionSpec& fn = functions[f].function;
        if (fn.class_code == kClassVga) {
            const bool emulated = (fn.vendor_id == kStdVgaVendor && fn.device_id == kStdVgaDevice) ||
                                  (fn.vendor_id == kCirrusVendor && fn.device_id == kCirrusDevice);
            if (emulated) {
                have_vga = true;
            } else if (!have_vga) {
                have_vga = true;  // VGA_pt: the first passed-through VGA becomes primary
                if (fn.vendor_id == kVendorIntel) {
                    alloc_down -= xen::IGD_OPREGION_PAGES * xen::PAGE_SIZE;
                    s.igd_opregion = alloc_down;
                    d.log.push_back(fmt::format("IGD OpRegion at {} ({} pages), written to the IGD's config 0xfc", hex(alloc_down), xen::IGD_OPREGION_PAGES));
                }
            }
        }
        std::vector<BarSpec> bars = fn.bars;
        std::sort(bars.begin(), bars.end(), [](const BarSpec& a, const BarSpec& b) { return a.index < b.index; });
        for (const BarSpec& bar : bars) {
            if (bar.size == 0) continue;
            const bool memory = bar.kind != BarKind::Io;
            const bool is64 = bar.kind == BarKind::Memory && bar.is64;
            // 4.21+: with xen_platform_pci_bar_uc=0 the platform device's memory BAR goes to the top of the hole.
            if (places_platform_bar_at_top(in.release) && !in.xen_platform_pci_bar_uc && memory && bar.kind == BarKind::Memory &&
                fn.vendor_id == kXenVendorId && (fn.device_id == kXenPlatformDevice1 || fn.device_id == kXenPlatformDevice2)) {
                if (is64) {
                    d.log.push_back(fmt::format("xen platform pci dev {:02x}:{:x} unexpected MMIO 64bit BAR{}", functions[f].devfn.device, functions[f].devfn.function, bar.index));
                } else if (bar.size > s.pci_mem_end || ((s.pci_mem_end - bar.size) & ~(bar.size - 1)) < xen::HVM_BELOW_4G_MMIO_START) {
                    d.log.push_back(fmt::format("xen platform pci dev {:02x}:{:x} BAR{} size {:x} overflows low PCI hole", functions[f].devfn.device, functions[f].devfn.function, bar.index, bar.size));
                } else {
                    s.pci_mem_end = (s.pci_mem_end - bar.size) & ~(bar.size - 1);
                    s.bars.push_back({f, bar.index, bar.kind, false, bar.prefetchable, bar.size, s.pci_mem_end, false, true});
                    d.log.push_back(fmt::format("pci dev {:02x}:{:x} bar {} size {}: 0{:08x}", functions[f].devfn.device, functions[f].devfn.function,
                                                bar_register(bar.index), prillx(bar.size), s.pci_mem_end | bar_flags(s.bars.back())));
                    continue;
                }
            }
            // Insert before the first strictly smaller BAR: equal sizes keep scan order.
            auto at = std::find_if(s.bars.begin(), s.bars.end(), [&](const HvmloaderBar& b) { return !b.fixed_at_top && b.size < bar.size; });
            s.bars.insert(at, HvmloaderBar{f, bar.index, bar.kind, is64, bar.prefetchable, bar.size, std::nullopt, false, false});
            if (relocates_huge_bars(in.release) && is64 && bar.size > kBarRelocThresh) {
                s.bar64_relocate = true;
            } else if (memory) {
                s.mmio_total = add_or_throw(s.mmio_total, bar.size, "hvmloader mmio_total");
            }
        }
    }
    // Keep the platform BAR placed at the top at the front so the order printed matches pci.c's output.
    std::stable_partition(s.bars.begin(), s.bars.end(), [](const HvmloaderBar& b) { return b.fixed_at_top; });
    return s;
}

// pci.c pci_setup: pci_mem_start from platform/mmio_hole_size, else grown by doubling in 32 bits.
u64 size_low_hole(const HvmloaderInput& in, const Scan& s, HvmloaderDetails& d) {
    u64 start = xen::HVM_BELOW_4G_MMIO_START;
    if (in.memory.mmio_hole_size) {
        const u64 max_ram_below_4g = 4 * GiB - *in.memory.mmio_hole_size;
        if (max_ram_below_4g > xen::HVM_BELOW_4G_MMIO_START) {
            d.log.push_back(fmt::format("max_ram_below_4g=0x{} too big for mmio_hole_size=0x{} has been ignored.", prillx(max_ram_below_4g), prillx(*in.memory.mmio_hole_size)));
        } else {
            start = max_ram_below_4g;
            d.hole_from_mmio_hole = true;
            d.log.push_back(fmt::format("pci_mem_start={:#x} (was {:#x}) for mmio_hole_size={:#x}", start, xen::HVM_BELOW_4G_MMIO_START, *in.memory.mmio_hole_size));
        }
        return start;
    }
    // The loop: double while BARs do not fit, the doubled start is not 0 in 32 bits, and either RAM may
    // move or the doubled hole stays above low RAM. 0xF0000000 -> 0xE0000000 -> 0xC0000000 -> 0x80000000.
    const u64 low_mem_end = in.memory.lowmem_end;
    while (s.mmio_total > s.pci_mem_end - start) {
        const u64 doubled = (start << 1) & 0xffff'ffffu;
        if (doubled == 0) break;
        if (!in.memory.allow_memory_relocate && doubled < low_mem_end) break;
        start = doubled;
    }
    // The RMRR step ("pci_mem_start = low_mem_pgend" when the hole overlaps reserved e820 entries) needs
    // reserved device memory, which aperture does not model (rdm= is reported as unmodelled).
    return start;
}

// pci.c pci_setup: move RAM that the hole overlaps above 4 GiB; e820.c adjust_memory_map follows.
void relocate_ram(const HvmloaderInput& in, HvmloaderDetails& d) {
    u64 low_pages = in.memory.lowmem_end / xen::PAGE_SIZE;
    u64 high_pages = in.memory.highmem_end / xen::PAGE_SIZE;
    const u64 start_page = d.pci_mem_start / xen::PAGE_SIZE;
    while (start_page < low_pages) {
        const u64 pages = std::min(low_pages - start_page, xen::RELOCATION_CHUNK_PAGES);
        if (high_pages == 0) high_pages = 4 * GiB / xen::PAGE_SIZE;
        low_pages -= pages;
        d.log.push_back(fmt::format("Relocating {:#x} pages from {} to {} for lowmem MMIO hole", pages, prillx(low_pages * xen::PAGE_SIZE), prillx(high_pages * xen::PAGE_SIZE)));
        high_pages += pages;
        d.relocated_bytes += pages * xen::PAGE_SIZE;
    }
    d.low_mem_end = low_pages * xen::PAGE_SIZE;
    d.high_mem_end = high_pages * xen::PAGE_SIZE;
}

struct Resource {
    u64 base = 0;
    u64 max = 0;  // exclusive
};

// pci.c pci_setup, the assignment loop.
void assign_bars(const HvmloaderInput& in, Scan& s, HvmloaderDetails& d) {
    Resource mem{d.pci_mem_start, d.pci_mem_end};
    Resource high{std::max(d.high_mem_end, 4 * GiB), d.high_limit};
    Resource io{xen::PCI_IO_START, xen::PCI_IO_END};
    d.high_base = high.base;
    const bool huge_rule = relocates_huge_bars(in.release);
    u64 mmio_total = s.mmio_total;
    for (HvmloaderBar& bar : s.bars) {
        if (bar.fixed_at_top) continue;
        const PciNode& node = (*in.functions)[bar.function];
        const bool using_64bar = bar.is64 && d.bar64_relocate &&
                                 (mmio_total > mem.max - mem.base || (huge_rule && bar.size > kBarRelocThresh));
        Resource* resource = &io;
        if (bar.kind != BarKind::Io) {
            if (using_64bar) {
                const auto aligned = align_up(high.base, bar.size);
                if (!aligned) {
                    // Past 2^64 (hvmloader's arithmetic would wrap): nothing can be placed there.
                    d.log.push_back(fmt::format("pci dev {:02x}:{:x} bar {} size {}: no space for resource!", node.devfn.device, node.devfn.function, bar_register(bar.index), prillx(bar.size)));
                    continue;
                }
                high.base = *aligned;
                if (!d.pci_hi_mem_start) d.pci_hi_mem_start = high.base;
                resource = &high;
            } else {
                resource = &mem;
            }
            if (!huge_rule || bar.size <= kBarRelocThresh) mmio_total -= bar.size;
        }
        const auto base = align_up(resource->base, bar.size);
        const auto end = base ? checked_add(*base, bar.size) : std::nullopt;
        if (!end || *end < resource->base || *end > resource->max) {
            d.log.push_back(fmt::format("pci dev {:02x}:{:x} bar {} size {}: no space for resource!", node.devfn.device, node.devfn.function, bar_register(bar.index), prillx(bar.size)));
            continue;
        }
        resource->base = *end;
        bar.address = *base;
        bar.high = resource == &high;
        // pci.c prints bar_data_upper:bar_data, the base with the BAR's flag bits.
        const u64 written = *base | bar_flags(bar);
        d.log.push_back(fmt::format("pci dev {:02x}:{:x} bar {} size {}: {}", node.devfn.device, node.devfn.function, bar_register(bar.index), prillx(bar.size), prillx(written)));
    }
    d.low_free_start = mem.base;
    d.high_free_start = high.base;
    if (d.pci_hi_mem_start) {
        // Align the end like the start so fewer variable MTRRs cover it.
        const u64 start = *d.pci_hi_mem_start;
        const u64 lowbit = start & (~start + 1);
        d.pci_hi_mem_end = ((high.base - 1) | (lowbit - 1)) + 1;
    }
}

// e820.c build_e820_table, as seabios.c seabios_setup_e820 calls it (no low reservation).
std::vector<E820Entry> build_e820(const HvmloaderDetails& d) {
    std::vector<E820Entry> e820;
    e820.push_back({0, xen::LOWMEM_RESERVED_BASE, E820Type::Ram});
    const u64 bios_base = xen::BIOS_REGION_END - kSeabiosImageSize;
    e820.push_back({bios_base, xen::BIOS_REGION_END - bios_base, E820Type::Reserved});
    // [RESERVED_MEMBASE, 4 GiB): ACPI tables (NVS) from RESERVED_MEMBASE, then reserved; with an IGD
    // its OpRegion pages are NVS inside the reserved part. The NVS/reserved boundary depends on the
    // size of the ACPI tables, so the ACPI part is shown as reserved (see the notes).
    if (d.igd_opregion) {
        const u64 op_end = *d.igd_opregion + xen::IGD_OPREGION_PAGES * xen::PAGE_SIZE;
        e820.push_back({xen::RESERVED_MEMBASE, *d.igd_opregion - xen::RESERVED_MEMBASE, E820Type::Reserved});
        e820.push_back({*d.igd_opregion, xen::IGD_OPREGION_PAGES * xen::PAGE_SIZE, E820Type::Nvs});
        e820.push_back({op_end, 4 * GiB - op_end, E820Type::Reserved});
    } else {
        e820.push_back({xen::RESERVED_MEMBASE, 4 * GiB - xen::RESERVED_MEMBASE, E820Type::Reserved});
    }
    // The toolstack's map after adjust_memory_map: RAM from 1 MiB, RAM above 4 GiB.
    e820.push_back({xen::GUEST_LOW_MEM_START, d.low_mem_end - xen::GUEST_LOW_MEM_START, E820Type::Ram});
    if (d.high_mem_end > 4 * GiB) e820.push_back({4 * GiB, d.high_mem_end - 4 * GiB, E820Type::Ram});
    std::stable_sort(e820.begin(), e820.end(), [](const E820Entry& a, const E820Entry& b) { return a.start < b.start; });
    return e820;
}

FirmwareResult to_firmware_result(const HvmloaderInput& in, const HvmloaderDetails& d) {
    FirmwareResult r;
    r.firmware = model_name(in.release);
    r.e820 = build_e820(d);
    const CrsWindows crs = crs_windows(d);
    r.windows.io = AddressRange::from_first_and_last(xen::PCI_IO_START, xen::PCI_IO_END - 1);
    r.windows.mem32 = crs.low;
    r.windows.mem64 = crs.high;
    r.mapped_address_width = std::nullopt;
    const auto& functions = *in.functions;
    for (std::size_t f = 0; f < functions.size(); ++f) {
        FunctionResult fr;
        fr.bdf = Bdf{0, functions[f].devfn};
        fr.node = &functions[f];
        for (const BarSpec& spec : functions[f].function.bars) {
            BarAssignment a;
            a.index = spec.index;
            for (const auto& bar : d.bars) {
                if (bar.function == f && bar.index == spec.index) {
                    a.address = bar.address;
                    // hvmloader enables memory/IO decode; a ROM keeps its enable bit clear.
                    a.decoding = bar.address.has_value() && bar.kind != BarKind::Rom;
                }
            }
            fr.bars.push_back(a);
        }
        r.functions.push_back(std::move(fr));
    }
    for (const auto& bar : d.bars) {
        if (bar.address) continue;
        UnassignedResource u;
        u.bdf = Bdf{0, functions[bar.function].devfn};
        u.bar = bar.index;
        u.what = bar.kind == BarKind::Rom ? "ROM" : fmt::format("BAR {}", bar.index);
        u.size = bar.size;
        u.reason = "no space for resource!";
        u.short_window = bar.kind == BarKind::Io ? RootWindowKind::Io : (bar.is64 && d.bar64_relocate) ? RootWindowKind::Mem64 : RootWindowKind::Mem32;
        u.cause = UnassignedCause::NoSpace;
        r.unassigned.push_back(u);
    }
    r.notes.push_back("the ACPI tables' NVS range at the start of [0xfc000000, 4 GiB) is shown as reserved: its end depends on the ACPI tables' size");
    return r;
}

}  // namespace

CrsWindows crs_windows(const HvmloaderDetails& d) {
    CrsWindows w{AddressRange::from_start_and_size(d.pci_mem_start, d.pci_mem_end - d.pci_mem_start), std::nullopt};
    if (d.pci_hi_mem_start && d.pci_hi_mem_end && *d.pci_hi_mem_end > *d.pci_hi_mem_start) {
        w.high = AddressRange::from_start_and_size(*d.pci_hi_mem_start, *d.pci_hi_mem_end - *d.pci_hi_mem_start);
    }
    return w;
}

HvmloaderResult run_hvmloader(const HvmloaderInput& in) {
    HvmloaderDetails d;
    d.memory_relocation_allowed = in.memory.allow_memory_relocate;
    d.log.push_back(fmt::format("Relocating guest memory for lowmem MMIO space {}", in.memory.allow_memory_relocate ? "enabled" : "disabled"));
    if (places_platform_bar_at_top(in.release)) {
        d.log.push_back(fmt::format("Xen platform PCI device BAR MTRR cache attribute set to {}", in.xen_platform_pci_bar_uc ? "UC" : "WB"));
    }
    d.high_limit = in.phys_bits >= 64 ? ~u64{0} : u64{1} << in.phys_bits;
    Scan scan = scan_bars(in, d);
    d.mmio_total = scan.mmio_total;
    d.pci_mem_end = scan.pci_mem_end;
    d.igd_opregion = scan.igd_opregion;
    d.pci_mem_start = size_low_hole(in, scan, d);
    d.bar64_relocate = scan.bar64_relocate;
    if (scan.mmio_total > d.pci_mem_end - d.pci_mem_start || scan.bar64_relocate) {
        d.log.push_back("Low MMIO hole not large enough for all devices, relocating some BARs to 64-bit");
        d.bar64_relocate = true;
    }
    relocate_ram(in, d);
    d.log.push_back(fmt::format("{}RAM in high memory; setting high_mem resource base to {}", d.high_mem_end ? "" : "No ", prillx(std::max(d.high_mem_end, 4 * GiB))));
    assign_bars(in, scan, d);
    d.bars = std::move(scan.bars);
    HvmloaderResult result;
    result.firmware = to_firmware_result(in, d);
    result.details = std::move(d);
    return result;
}

}  // namespace aperture
