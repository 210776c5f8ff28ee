// PHB window placement, worked by hand from QEMU 8.1.2 hw/ppc/spapr.c (spapr_phb_placement,
// phb_placement_2_7) and hw/ppc/spapr_pci.c (spapr_phb_realize); identical in 7.1.0 and 8.2.0.
#include "machine/spapr/phb_placement.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "machine/spapr/spapr_constants.hpp"

namespace aperture::spapr {
namespace {

// spapr_phb_placement, index 0: pio = 32 TiB, mmio32 = 32 TiB + 2 GiB, mmio64 = 32 TiB + 1 TiB.
TEST(PhbPlacementNewStyle, Index0SitsAt32TiB) {
    const auto r = place_phb_new_style(0, true);
    ASSERT_TRUE(r.placement);
    EXPECT_EQ(r.placement->io_win_addr, 0x2000'0000'0000u);
    EXPECT_EQ(r.placement->mem_win_addr, 0x2000'8000'0000u);
    EXPECT_EQ(r.placement->mem64_win_addr, 0x2100'0000'0000u);
    EXPECT_EQ(r.placement->buid, 0x800000020000000u);
    EXPECT_EQ(r.placement->liobns[1], 0x80000001u);
}

// index 30, the last: io 32 TiB + 30 * 64 KiB, mmio32 32 TiB + 31 * 2 GiB, mmio64 32 TiB + 31 TiB ending at 64 TiB - 1.
TEST(PhbPlacementNewStyle, Index30EndsJustBelow64TiB) {
    const auto r = place_phb_new_style(30, false);
    ASSERT_TRUE(r.placement);
    EXPECT_EQ(r.placement->io_win_addr, 0x2000'001e'0000u);
    EXPECT_EQ(r.placement->mem_win_addr, 0x200f'8000'0000u);
    EXPECT_EQ(r.placement->mem64_win_addr, 0x3f00'0000'0000u);
    EXPECT_EQ(r.placement->mem64_win_addr + MEM64_WIN_SIZE, PCI_LIMIT);
}

TEST(PhbPlacementNewStyle, Index31IsRefusedWithQemusMessage) {
    const auto r = place_phb_new_style(31, true);
    EXPECT_FALSE(r.placement);
    EXPECT_EQ(r.error, "\"index\" for PAPR PHB is too large (max 30)");
}

// QEMU 4.1-8.1: nv2gpa = 64 TiB + index * 2 TiB, nv2atsd = 128 TiB + index * 6 * 3 * 64 KiB.
TEST(PhbPlacementNewStyle, Nvlink2WindowsPerIndex) {
    const auto r = place_phb_new_style(1, true);
    ASSERT_TRUE(r.placement);
    EXPECT_EQ(r.placement->nv2_gpa, 0x4200'0000'0000u);
    EXPECT_EQ(r.placement->nv2_atsd, 0x8000'0012'0000u);
}

TEST(PhbPlacementNewStyle, NoNvlink2WindowsWhenTheMachineHasNone) {
    const auto r = place_phb_new_style(1, false);
    ASSERT_TRUE(r.placement);
    EXPECT_EQ(r.placement->nv2_gpa, 0u);
    EXPECT_EQ(r.placement->nv2_atsd, 0u);
}

// phb_placement_2_7 with 4 GiB RAM: phb0_base = ALIGN_UP(4 GiB, 1 TiB) = 1 TiB; index 2 is 128 GiB above it;
// pio at +2 GiB, mmio32 at +2.5 GiB.
TEST(PhbPlacementLegacy, AboveRamAndSixtyFourGiBApart) {
    const auto r0 = place_phb_legacy(0, 4 * GiB);
    ASSERT_TRUE(r0.placement);
    EXPECT_EQ(r0.placement->io_win_addr, 0x100'8000'0000u);
    EXPECT_EQ(r0.placement->mem_win_addr, 0x100'a000'0000u);
    EXPECT_EQ(r0.placement->mem64_win_addr, 0u);
    const auto r2 = place_phb_legacy(2, 4 * GiB);
    ASSERT_TRUE(r2.placement);
    EXPECT_EQ(r2.placement->mem_win_addr, 0x120'a000'0000u);
}

// 2 TiB + 256 MiB of RAM pushes PHB 0 to 3 TiB.
TEST(PhbPlacementLegacy, RamPastATerabyteMovesPhb0Up) {
    const auto r = place_phb_legacy(0, 2 * TiB + 256 * MiB);
    ASSERT_TRUE(r.placement);
    EXPECT_EQ(r.placement->mem_win_addr, 3 * TiB + 0xa000'0000u);
}

TEST(PhbPlacementLegacy, Index256IsRefused) {
    const auto r = place_phb_legacy(256, 1 * GiB);
    EXPECT_FALSE(r.placement);
    EXPECT_EQ(r.error, "\"index\" for PAPR PHB is too large (max 255)");
}

TEST(PhbPlacementLegacy, RamTopNear2To64IsRejectedNotWrapped) {
    EXPECT_THROW(place_phb_legacy(0, ~u64{0} - 5), ArithmeticError);
}

// spapr_phb_realize: legacy mem_win_size 0xf80000000 with no 64-bit size splits into 2 GiB + 60 GiB; the
// 64-bit part follows the 32-bit one in CPU space and sits at PCI 0x100000000.
TEST(PhbRealize, LegacyWindowIsSplit) {
    const auto placed = place_phb_legacy(0, 4 * GiB);
    const auto r = realize_phb_windows(*placed.placement, LEGACY_MEM_WIN_SIZE, 0);
    ASSERT_TRUE(r.windows);
    EXPECT_EQ(r.windows->mem32.cpu.size(), 2 * GiB);
    ASSERT_TRUE(r.windows->mem64);
    EXPECT_EQ(r.windows->mem64->cpu.first(), 0x101'2000'0000u);
    EXPECT_EQ(r.windows->mem64->cpu.size(), 60 * GiB);
    EXPECT_EQ(r.windows->mem64->pci_address, 0x1'0000'0000u);
}

TEST(PhbRealize, NewStyleSixtyFourBitWindowIsIdentityMapped) {
    const auto placed = place_phb_new_style(3, false);
    const auto r = realize_phb_windows(*placed.placement, MEM32_WIN_SIZE, MEM64_WIN_SIZE);
    ASSERT_TRUE(r.windows);
    EXPECT_EQ(r.windows->mem64->pci_address, r.windows->mem64->cpu.first());
    EXPECT_EQ(r.windows->mem32.pci_address, MEM_WIN_BUS_OFFSET);
}

TEST(PhbRealize, ThirtyTwoBitWindowAbove2GiBWithA64BitOneIsRefused) {
    const auto placed = place_phb_new_style(0, false);
    const auto r = realize_phb_windows(*placed.placement, 4 * GiB, MEM64_WIN_SIZE);
    EXPECT_FALSE(r.windows);
    EXPECT_EQ(r.error, "32-bit memory window of size 0x100000000 (max 2 GiB)");
}

TEST(PhbRealize, SixtyFourBitSizeNear2To64IsRejected) {
    const auto placed = place_phb_new_style(0, false);
    EXPECT_THROW(realize_phb_windows(*placed.placement, MEM32_WIN_SIZE, ~u64{0}), ArithmeticError);
}

}  // namespace
}  // namespace aperture::spapr
