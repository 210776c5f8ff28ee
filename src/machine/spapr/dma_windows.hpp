#pragma once
// A PHB's DMA side: the default 32-bit DMA window every PHB has from reset (hw/ppc/spapr_pci.c
// spapr_phb_dma_reset), the dynamic DMA windows (DDW) a guest may create through RTAS
// (hw/ppc/spapr_rtas_ddw.c), and what their TCE tables cost (hw/ppc/spapr_iommu.c: one 8-byte TCE per
// IOMMU page, in KVM or in QEMU's heap; with VFIO those pages are pinned and count against memlock).

#include <optional>
#include <vector>

#include "core/address.hpp"
#include "core/range.hpp"

namespace aperture::spapr {

// The TCE table QEMU allocates for a window of 2^window_shift bytes in 2^page_shift pages. QEMU stores
// the entry count in a uint32_t (spapr_tce_table_enable's nb_table), so counts of 2^32 or more wrap:
// that is reproduced, not corrected.
struct TceTable {
    unsigned page_shift = 0;
    u64 window_size = 0;   // what was asked for
    u32 entries = 0;       // after QEMU's uint32_t truncation
    bool truncated = false;
    u64 table_bytes() const { return u64{entries} * 8; }
    u64 mapped_bytes() const { return u64{entries} << page_shift; }  // the IOMMU region's real size
};

// The default window: dma_win_size >> 12 entries of 4 KiB (spapr_phb_dma_reset).
TceTable default_dma_window_table(u64 dma_win_size);

// ibm,create-pe-dma-window (rtas_ibm_create_pe_dma_window): nb_table = 1 << (window_shift - page_shift).
// nullopt when QEMU refuses the call (page size not in pgsz, or window_shift < page_shift, or a shift
// of 64 or more, which QEMU never checks and C leaves undefined).
std::optional<TceTable> ddw_table(u64 page_size_mask, unsigned page_shift, unsigned window_shift);

// The IOMMU page sizes a PHB offers (its pgsz), as page shifts in ascending order, limited to those
// ibm,query-pe-dma-window can report (spapr_page_mask_to_query_mask: 4K 64K 2M 16M 32M 64M 128M 256M 16G).
std::vector<unsigned> ddw_page_shifts(u64 page_size_mask);

// The smallest power-of-two window that maps [0, top): what a guest asks for to map all of its memory.
// 0 for top 0; nullopt past 2^63.
std::optional<unsigned> window_shift_covering(u64 top);

struct DmaWindowsOfPhb {
    AddressRange default_window;   // bus addresses [dma_win_addr, +dma_win_size)
    TceTable default_table;
    bool ddw = false;              // ibm,ddw-applicable advertised
    u64 dma64_win_addr = 0;        // where the second window goes
    std::vector<unsigned> ddw_page_shifts;
    // A DDW that maps all of guest memory up to `memory_top` at each offered page size.
    std::vector<TceTable> ddw_for_all_memory;
};

DmaWindowsOfPhb dma_windows_of_phb(u64 dma_win_addr, u64 dma_win_size, bool ddw, u64 dma64_win_addr, u64 page_size_mask,
                                   u64 memory_top);

}  // namespace aperture::spapr
