#include "machine/spapr/phb_placement.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "machine/spapr/spapr_constants.hpp"

namespace aperture::spapr {

namespace {

void set_ids(PhbPlacement& p, u32 index) {
    p.index = index;
    p.buid = BASE_BUID + index;
    for (u32 w = 0; w < p.liobns.size(); ++w) p.liobns[w] = spapr_pci_liobn(index, w);
}

}  // namespace

PlacementResult place_phb_new_style(u32 index, bool nvlink2_windows) {
    if (index >= MAX_PHBS) {
        return {std::nullopt, fmt::format("\"index\" for PAPR PHB is too large (max {})", MAX_PHBS - 1)};
    }
    PhbPlacement p;
    set_ids(p, index);
    // index <= 30: every product below stays under 2^47, no overflow possible.
    p.io_win_addr = PCI_BASE + u64{index} * IO_WIN_SIZE;
    p.mem_win_addr = PCI_BASE + (u64{index} + 1) * MEM32_WIN_SIZE;
    p.mem64_win_addr = PCI_BASE + (u64{index} + 1) * MEM64_WIN_SIZE;
    if (nvlink2_windows) {
        p.nv2_gpa = NV2RAM64_WIN_BASE + u64{index} * NV2RAM64_WIN_SIZE;
        p.nv2_atsd = NV2ATSD_WIN_BASE + u64{index} * NV2ATSD_WIN_SIZE;
    }
    return {p, {}};
}

PlacementResult place_phb_legacy(u32 index, u64 ram_top) {
    // QEMU computes phb0_base before checking the index; the order changes nothing observable.
    const u64 phb0_base = align_up_or_throw(ram_top, LEGACY_PHB0_ALIGNMENT, "legacy PHB 0 base (RAM top rounded up to 1 TiB)");
    if (index > LEGACY_MAX_INDEX) {
        return {std::nullopt, fmt::format("\"index\" for PAPR PHB is too large (max {})", LEGACY_MAX_INDEX)};
    }
    PhbPlacement p;
    set_ids(p, index);
    const u64 phb_base = add_or_throw(phb0_base, u64{index} * LEGACY_PHB_SPACING, "legacy PHB base");
    p.io_win_addr = add_or_throw(phb_base, LEGACY_PIO_OFFSET, "legacy PHB IO window");
    p.mem_win_addr = add_or_throw(phb_base, LEGACY_MMIO_OFFSET, "legacy PHB 32-bit window");
    p.mem64_win_addr = 0;  // "We don't set the 64-bit MMIO window": realize splits the 32-bit one
    return {p, {}};
}

PlacementResult place_phb(PhbPlacementStyle style, u32 index, u64 ram_top, bool nvlink2_windows) {
    return style == PhbPlacementStyle::Legacy ? place_phb_legacy(index, ram_top) : place_phb_new_style(index, nvlink2_windows);
}

RealizeResult realize_phb_windows(const PhbPlacement& p, u64 mem_win_size, u64 mem64_win_size) {
    u64 mem64_addr = p.mem64_win_addr;
    u64 mem64_pci = 0;
    if (mem64_win_size != 0) {
        if (mem_win_size > MEM32_WIN_SIZE) {
            return {std::nullopt, fmt::format("32-bit memory window of size 0x{:x} (max 2 GiB)", mem_win_size)};
        }
        mem64_pci = mem64_addr;  // "64-bit window defaults to identity mapping"
    } else if (mem_win_size > MEM32_WIN_SIZE) {
        mem64_win_size = mem_win_size - MEM32_WIN_SIZE;
        mem64_addr = add_or_throw(p.mem_win_addr, MEM32_WIN_SIZE, "split 64-bit window");
        mem64_pci = MEM_WIN_BUS_OFFSET + MEM32_WIN_SIZE;
        mem_win_size = MEM32_WIN_SIZE;
    }
    if (mem_win_size == 0) {
        // QEMU maps a zero-sized alias; nothing can be placed in it. aperture cannot represent an empty range.
        throw UnsupportedError("spapr-pci-host-bridge mem_win_size=0 (no 32-bit window) is not modelled");
    }
    PhbWindows w{
        PhbWindow{AddressRange::from_start_and_size(p.io_win_addr, IO_WIN_SIZE), 0},
        PhbWindow{AddressRange::from_start_and_size(p.mem_win_addr, mem_win_size), MEM_WIN_BUS_OFFSET},
        std::nullopt,
    };
    if (mem64_win_size != 0) {
        // The PCI side of the window must fit in 64 bits too.
        (void)AddressRange::from_start_and_size(mem64_pci, mem64_win_size);
        w.mem64 = PhbWindow{AddressRange::from_start_and_size(mem64_addr, mem64_win_size), mem64_pci};
    }
    return {w, {}};
}

}  // namespace aperture::spapr
