// SLOF 20220719 BAR assignment, worked from board-qemu/slof/pci-phb.fs (phb-parse-ranges) and
// slof/fs/pci-properties.fs (assign-bar, assign-var-min-align, assign-rom-bar).
#include "firmware/slof/slof_bar_assignment.hpp"

#include <gtest/gtest.h>

#include "machine/spapr/spapr_constants.hpp"

namespace aperture::slof {
namespace {

spapr::PhbWindows new_style_phb0() {
    const auto p = spapr::place_phb_new_style(0, false);
    return *spapr::realize_phb_windows(*p.placement, spapr::MEM32_WIN_SIZE, spapr::MEM64_WIN_SIZE).windows;
}

PciFunctionSpec device(std::vector<BarSpec> bars) {
    PciFunctionSpec f;
    f.driver = "test";
    f.bars = std::move(bars);
    return f;
}

// IO from 0x10 aligned to its size (0x20); memory BARs at least 64 KiB aligned but advancing by their size;
// the ROM after the BARs from the 32-bit window; the 64-bit prefetchable BAR at the 64-bit window's start.
TEST(SlofAssignment, OneDeviceWorkedByHand) {
    const auto w = new_style_phb0();
    const auto f = device({BarSpec::io(0, 32), BarSpec::memory32(1, 4 * KiB, Prefetchable::No),
                           BarSpec::memory32(2, 4 * KiB, Prefetchable::No), BarSpec::memory64(4, 16 * KiB, Prefetchable::Yes),
                           BarSpec::rom(256 * KiB)});
    const auto a = assign_phb_bars(w, {{8, &f}});
    ASSERT_EQ(a.functions.size(), 1u);
    const auto& bars = a.functions[0].bars;
    ASSERT_EQ(bars.size(), 5u);
    EXPECT_EQ(bars[0].bus_address, 0x20u);
    EXPECT_EQ(bars[0].cpu_address, 0x2000'0000'0020u);
    EXPECT_EQ(bars[1].bus_address, 0x8000'0000u);
    EXPECT_EQ(bars[1].cpu_address, 0x2000'8000'0000u);
    EXPECT_EQ(bars[2].bus_address, 0x8001'0000u);
    EXPECT_EQ(bars[3].pool, Pool::Mem64);
    EXPECT_EQ(bars[3].bus_address, 0x2100'0000'0000u);
    EXPECT_EQ(bars[4].pool, Pool::Mmio32);
    EXPECT_EQ(bars[4].bus_address, 0x8004'0000u);
    EXPECT_TRUE(a.all_fit());
}

// A 64-bit non-prefetchable BAR comes from the 32-bit window (assign-mmio64-bar uses pci-next-mmio).
TEST(SlofAssignment, NonPrefetchable64BitBarUsesThe32BitWindow) {
    const auto w = new_style_phb0();
    const auto f = device({BarSpec::memory64(0, 128 * KiB, Prefetchable::No)});
    const auto a = assign_phb_bars(w, {{0, &f}});
    EXPECT_EQ(a.functions[0].bars[0].pool, Pool::Mmio32);
    EXPECT_EQ(a.functions[0].bars[0].bus_address, 0x8000'0000u);
}

// Walk order is ascending slot, whatever order the functions come in; the result keeps the input's order.
TEST(SlofAssignment, LowerSlotIsAssignedFirst) {
    const auto w = new_style_phb0();
    const auto f = device({BarSpec::memory32(0, 16 * MiB, Prefetchable::No)});
    const auto a = assign_phb_bars(w, {{16, &f}, {8, &f}});
    EXPECT_EQ(a.functions[1].devfn, 8u);
    EXPECT_EQ(a.functions[1].bars[0].bus_address, 0x8000'0000u);
    EXPECT_EQ(a.functions[0].bars[0].bus_address, 0x8100'0000u);
}

PciFunctionSpec pci_bridge() {
    PciFunctionSpec b = device({BarSpec::memory64(0, 256, Prefetchable::No)});  // the SHPC BAR
    b.bridge = BridgeSpec{};
    return b;
}

// phb-pci-bridge-probe worked by hand: the windows open at the pointers aligned (1 MiB, 4 GiB, 4 KiB), the
// secondary bus takes its BARs from them, the windows close past 1 MiB / 2 GiB / 2 KiB of hot-plug room
// aligned again, and only then the bridge's own SHPC BAR and the next slot's BARs are assigned.
TEST(SlofAssignment, BridgeWindowsWorkedByHand) {
    const auto w = new_style_phb0();
    const auto before = device({BarSpec::io(0, 32), BarSpec::memory32(1, 4 * KiB, Prefetchable::No)});
    const auto bridge = pci_bridge();
    const auto behind = device({BarSpec::io(0, 64), BarSpec::memory32(1, 4 * KiB, Prefetchable::No),
                                BarSpec::memory64(4, 16 * KiB, Prefetchable::Yes)});
    const auto after = device({BarSpec::memory32(0, 4 * KiB, Prefetchable::No)});
    // slot 0 and 2 on the root bus, the bridge in slot 1 leading to bus 1, a device in slot 0 of bus 1
    const auto a = assign_phb_bars(w, {{0, &before}, {1 << 3, &bridge, 0, 1, 1}, {0, &behind, 1}, {2 << 3, &after}});
    ASSERT_EQ(a.functions.size(), 4u);
    EXPECT_EQ(a.functions[0].bars[0].bus_address, 0x20u);
    EXPECT_EQ(a.functions[0].bars[1].bus_address, 0x8000'0000u);
    const auto& b = a.functions[1];
    ASSERT_TRUE(b.bridge);
    EXPECT_EQ(b.bridge->secondary, 1u);
    EXPECT_EQ(b.bridge->io.base, 0x1000u);
    EXPECT_EQ(b.bridge->io.limit, 0x1fffu);
    EXPECT_EQ(b.bridge->mem.base, 0x8010'0000u);
    EXPECT_EQ(b.bridge->mem.limit, 0x802f'ffffu);
    EXPECT_TRUE(b.bridge->pref_is_64);
    EXPECT_EQ(b.bridge->pref.base, 0x2100'0000'0000u);
    EXPECT_EQ(b.bridge->pref.limit, 0x2100'ffff'ffffu);
    ASSERT_EQ(b.bars.size(), 1u);
    EXPECT_EQ(b.bars[0].bus_address, 0x8030'0000u);  // the SHPC BAR after the window
    const auto& c = a.functions[2];
    EXPECT_EQ(c.bus, 1u);
    EXPECT_EQ(c.bars[0].bus_address, 0x1000u);
    EXPECT_EQ(c.bars[1].bus_address, 0x8010'0000u);
    EXPECT_EQ(c.bars[2].bus_address, 0x2100'0000'0000u);
    EXPECT_EQ(a.functions[3].bars[0].bus_address, 0x8031'0000u);
}

// Without a 64-bit window (pseries-2.2 and older) the prefetchable window is the 32-bit prefetchable half.
TEST(SlofAssignment, BridgeWithoutA64BitWindowUsesThePrefetchableHalf) {
    const auto p = spapr::place_phb_new_style(0, false);
    const auto w = *spapr::realize_phb_windows(*p.placement, spapr::PSERIES_2_2_MEM_WIN_SIZE, 0).windows;
    const auto bridge = pci_bridge();
    const auto behind = device({BarSpec::memory64(0, 1 * MiB, Prefetchable::Yes)});
    const auto a = assign_phb_bars(w, {{0, &bridge, 0, 1, 1}, {0, &behind, 1}});
    ASSERT_TRUE(a.functions[0].bridge);
    EXPECT_FALSE(a.functions[0].bridge->pref_is_64);
    EXPECT_EQ(a.functions[0].bridge->pref.base, 0x8000'0000u);
    EXPECT_EQ(a.functions[0].bridge->pref.limit, 0x801f'ffffu);
    EXPECT_EQ(a.functions[0].bridge->mem.base, 0x9000'0000u);
    EXPECT_EQ(a.functions[1].bars[0].pool, Pool::Prefetch32);
    EXPECT_EQ(a.functions[1].bars[0].bus_address, 0x8000'0000u);
}

// Three 1 GiB 32-bit BARs in a 2 GiB window: the third is programmed at 4 GiB, kept as 0 by a 32-bit BAR.
TEST(SlofAssignment, OverflowIsProgrammedAnywayAndFlagged) {
    const auto w = new_style_phb0();
    const auto f = device({BarSpec::memory32(0, 1 * GiB, Prefetchable::No), BarSpec::memory32(1, 1 * GiB, Prefetchable::No),
                           BarSpec::memory32(2, 1 * GiB, Prefetchable::No)});
    const auto a = assign_phb_bars(w, {{0, &f}});
    const auto& third = a.functions[0].bars[2];
    EXPECT_EQ(third.bus_address, 0x1'0000'0000u);
    EXPECT_EQ(third.programmed, 0u);
    EXPECT_FALSE(third.fits);
    EXPECT_FALSE(third.cpu_address);
    EXPECT_FALSE(a.all_fit());
}

// pseries-2.2: a 512 MiB window and no 64-bit one; SLOF halves it, prefetchable BARs below the middle.
TEST(SlofAssignment, WithoutA64BitWindowPrefetchableBarsTakeTheLowerHalf) {
    const auto p = spapr::place_phb_legacy(0, 1 * GiB);
    const auto w = *spapr::realize_phb_windows(*p.placement, spapr::PSERIES_2_2_MEM_WIN_SIZE, 0).windows;
    const auto f = device({BarSpec::memory64(0, 64 * MiB, Prefetchable::Yes), BarSpec::memory32(2, 1 * MiB, Prefetchable::No)});
    const auto a = assign_phb_bars(w, {{0, &f}});
    EXPECT_EQ(a.functions[0].bars[0].pool, Pool::Prefetch32);
    EXPECT_EQ(a.functions[0].bars[0].bus_address, 0x8000'0000u);
    EXPECT_EQ(a.functions[0].bars[1].pool, Pool::Mmio32);
    EXPECT_EQ(a.functions[0].bars[1].bus_address, 0x9000'0000u);
}

// pseries-2.7 split window: the 64-bit part starts at PCI 0x100000000; a 16 GiB BAR aligns to PCI
// 0x400000000, which is CPU 1 TiB + 2.5 GiB + 2 GiB + (0x400000000 - 0x100000000).
TEST(SlofAssignment, LegacySplitWindowTranslatesPciToCpu) {
    const auto p = spapr::place_phb_legacy(0, 4 * GiB);
    const auto w = *spapr::realize_phb_windows(*p.placement, spapr::LEGACY_MEM_WIN_SIZE, 0).windows;
    const auto f = device({BarSpec::memory64(0, 16 * GiB, Prefetchable::Yes)});
    const auto a = assign_phb_bars(w, {{0, &f}});
    EXPECT_EQ(a.functions[0].bars[0].bus_address, 0x4'0000'0000u);
    EXPECT_EQ(a.functions[0].bars[0].cpu_address, 0x104'2000'0000u);
}

// The 32-bit prefetchable window's registers keep the low 32 bits: a 64 GiB BAR behind the bridge moves the
// pointer to 128 GiB, so the limit becomes 0x000fffff, below the base, and the window is closed (seed 20301
// case 49 on the real QEMU 7.2 + SLOF: pseries-2.2, pci-testdev membar=64G behind a pci-bridge).
TEST(SlofAssignment, A32BitPrefetchableWindowKeepsTheLow32Bits) {
    const auto p = spapr::place_phb_new_style(0, false);
    const auto w = *spapr::realize_phb_windows(*p.placement, spapr::PSERIES_2_2_MEM_WIN_SIZE, 0).windows;
    const auto bridge = pci_bridge();
    const auto behind = device({BarSpec::memory64(2, 64 * GiB, Prefetchable::Yes)});
    const auto a = assign_phb_bars(w, {{0, &bridge, 0, 1, 1}, {0, &behind, 1}});
    ASSERT_TRUE(a.functions[0].bridge);
    EXPECT_EQ(a.functions[0].bridge->pref.base, 0x8000'0000u);
    EXPECT_EQ(a.functions[0].bridge->pref.limit, 0x000f'ffffu);
    EXPECT_FALSE(a.functions[0].bridge->pref.open());
    EXPECT_TRUE(a.functions[0].bridge->mem.open());
    EXPECT_EQ(a.functions[1].bars[0].programmed, 0x10'0000'0000u);  // the 64-bit BAR keeps both halves
}

}  // namespace
}  // namespace aperture::slof
