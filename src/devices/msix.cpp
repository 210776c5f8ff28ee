#include "devices/msix.hpp"

namespace aperture {

namespace {
// hw/pci/msix.c, msix_init_exclusive_bar: the BAR is at least 4 KiB, table in the lower half
constexpr u64 kMsixMinimumBarSize = 4 * KiB;
// include/hw/pci/msix.h: PCI_MSIX_ENTRY_SIZE
constexpr u64 kMsixEntrySize = 16;
}  // namespace

std::optional<u64> msix_exclusive_bar_size(std::uint16_t vectors) {
    if (vectors < 1 || vectors > kMsixMaxVectors) return std::nullopt;
    const u64 table_size = u64{vectors} * kMsixEntrySize;
    const u64 pba_offset = table_size > kMsixMinimumBarSize / 2 ? table_size : kMsixMinimumBarSize / 2;
    const u64 pba_size = *align_up(vectors, 64) / 8;  // one bit per vector, in 64-bit words
    const u64 needed = pba_offset + pba_size;
    return *power_of_two_ceil(needed > kMsixMinimumBarSize ? needed : kMsixMinimumBarSize);
}

}  // namespace aperture
