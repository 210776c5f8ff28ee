// DMA windows and TCE tables, worked from QEMU 8.1.2 hw/ppc/spapr_pci.c (dma_win_size default 1 GiB,
// spapr_phb_dma_reset), hw/ppc/spapr_rtas_ddw.c (rtas_ibm_create_pe_dma_window) and hw/ppc/spapr_iommu.c.
#include "machine/spapr/dma_windows.hpp"

#include <gtest/gtest.h>

#include "machine/spapr/spapr_constants.hpp"

namespace aperture::spapr {
namespace {

// 1 GiB / 4 KiB = 262144 TCEs of 8 bytes = 2 MiB (libvirt budgets 4 MiB per PHB, a 2 GiB window).
TEST(DefaultDmaWindow, OneGiBTakesTwoMiBOfTces) {
    const TceTable t = default_dma_window_table(DEFAULT_DMA_WIN_SIZE);
    EXPECT_EQ(t.entries, 262144u);
    EXPECT_EQ(t.table_bytes(), 2 * MiB);
    EXPECT_FALSE(t.truncated);
}

// 128 TiB in 64 KiB pages: 2^31 TCEs, 16 GiB of table.
TEST(Ddw, HugeWindowIn64KPages) {
    const auto t = ddw_table(DEFAULT_PAGE_SIZE_MASK, 16, 47);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->entries, 0x8000'0000u);
    EXPECT_EQ(t->table_bytes(), 16 * GiB);
}

// 128 TiB in 4 KiB pages wants 2^35 TCEs; QEMU's uint32_t nb_table keeps 0.
TEST(Ddw, EntryCountWrapsAt2To32AsInQemu) {
    const auto t = ddw_table(DEFAULT_PAGE_SIZE_MASK, 12, 47);
    ASSERT_TRUE(t);
    EXPECT_TRUE(t->truncated);
    EXPECT_EQ(t->entries, 0u);
}

TEST(Ddw, PageSizeNotInPgszIsRefused) {
    EXPECT_FALSE(ddw_table(PSERIES_4_1_PAGE_SIZE_MASK, 24, 40));
}

TEST(Ddw, WindowSmallerThanAPageIsRefused) {
    EXPECT_FALSE(ddw_table(DEFAULT_PAGE_SIZE_MASK, 16, 12));
}

TEST(Ddw, Pseries41OffersOnly4KAnd64K) {
    EXPECT_EQ(ddw_page_shifts(PSERIES_4_1_PAGE_SIZE_MASK), (std::vector<unsigned>{12, 16}));
}

TEST(Ddw, CoveringWindowRoundsUpToAPowerOfTwo) {
    EXPECT_EQ(window_shift_covering(16 * GiB), 34u);
    EXPECT_EQ(window_shift_covering(16 * GiB + 1), 35u);
    EXPECT_FALSE(window_shift_covering(~u64{0}));
}

// 16 GiB of RAM in 4 KiB pages: 2^22 TCEs, 32 MiB = RAM / 512, libvirt's per-PHB DDW term.
TEST(Ddw, AllOfRamIn4KPagesIsRamOver512) {
    const auto d = dma_windows_of_phb(0, DEFAULT_DMA_WIN_SIZE, true, DEFAULT_DMA64_WIN_ADDR, DEFAULT_PAGE_SIZE_MASK, 16 * GiB);
    ASSERT_FALSE(d.ddw_for_all_memory.empty());
    EXPECT_EQ(d.ddw_for_all_memory.front().page_shift, 12u);
    EXPECT_EQ(d.ddw_for_all_memory.front().table_bytes(), 16 * GiB / 512);
}

TEST(Ddw, OffMeansNoSecondWindow) {
    const auto d = dma_windows_of_phb(0, DEFAULT_DMA_WIN_SIZE, false, DEFAULT_DMA64_WIN_ADDR, DEFAULT_PAGE_SIZE_MASK, 16 * GiB);
    EXPECT_TRUE(d.ddw_for_all_memory.empty());
    EXPECT_TRUE(d.ddw_page_shifts.empty());
}

}  // namespace
}  // namespace aperture::spapr
