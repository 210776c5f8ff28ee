#include "machine/spapr/dma_windows.hpp"

#include <array>
#include <bit>

#include "core/error.hpp"
#include "machine/spapr/spapr_constants.hpp"

namespace aperture::spapr {

namespace {

TceTable make_table(unsigned page_shift, u64 window_size, u64 wanted_entries) {
    TceTable t;
    t.page_shift = page_shift;
    t.window_size = window_size;
    t.entries = static_cast<u32>(wanted_entries);  // QEMU's uint32_t nb_table
    t.truncated = wanted_entries > 0xFFFF'FFFFu;
    return t;
}

// hw/ppc/spapr_rtas_ddw.c spapr_page_mask_to_query_mask: the page sizes the RTAS query can express.
constexpr std::array<unsigned, 9> kQueryablePageShifts{12, 16, 21, 24, 25, 26, 27, 28, 34};

}  // namespace

TceTable default_dma_window_table(u64 dma_win_size) {
    return make_table(TCE_PAGE_SHIFT, dma_win_size, dma_win_size >> TCE_PAGE_SHIFT);
}

std::optional<TceTable> ddw_table(u64 page_size_mask, unsigned page_shift, unsigned window_shift) {
    if (page_shift >= 64 || window_shift >= 64) return std::nullopt;
    if ((page_size_mask & (u64{1} << page_shift)) == 0 || window_shift < page_shift) return std::nullopt;
    return make_table(page_shift, u64{1} << window_shift, u64{1} << (window_shift - page_shift));
}

std::vector<unsigned> ddw_page_shifts(u64 page_size_mask) {
    std::vector<unsigned> shifts;
    for (unsigned s : kQueryablePageShifts) {
        if (page_size_mask & (u64{1} << s)) shifts.push_back(s);
    }
    return shifts;
}

std::optional<unsigned> window_shift_covering(u64 top) {
    if (top == 0) return 0u;
    const auto pow2 = power_of_two_ceil(top);
    if (!pow2) return std::nullopt;
    return static_cast<unsigned>(std::countr_zero(*pow2));
}

DmaWindowsOfPhb dma_windows_of_phb(u64 dma_win_addr, u64 dma_win_size, bool ddw, u64 dma64_win_addr, u64 page_size_mask,
                                   u64 memory_top) {
    if (dma_win_size == 0) throw InputError("spapr-pci-host-bridge dma_win_size=0: QEMU would create no default DMA window");
    DmaWindowsOfPhb d{AddressRange::from_start_and_size(dma_win_addr, dma_win_size), default_dma_window_table(dma_win_size),
                      ddw, dma64_win_addr, {}, {}};
    if (!ddw) return d;
    d.ddw_page_shifts = ddw_page_shifts(page_size_mask);
    const auto shift = window_shift_covering(memory_top);
    if (!shift) return d;
    for (unsigned page_shift : d.ddw_page_shifts) {
        // A window smaller than one page is refused by QEMU; a guest would ask for one page then.
        const unsigned window_shift = std::max(*shift, page_shift);
        if (auto t = ddw_table(page_size_mask, page_shift, window_shift)) d.ddw_for_all_memory.push_back(*t);
    }
    return d;
}

}  // namespace aperture::spapr
