#pragma once
// SLOF's BAR assignment under one sPAPR PHB (SLOF 20220719, the qemu-slof bundled with QEMU 7.1 through
// 8.2; board-qemu/slof/pci-phb.fs and slof/fs/pci-properties.fs). QEMU has already enumerated the bus
// ("qemu,phb-enumerated"), so SLOF walks the device-tree nodes QEMU made, in ascending slot/function
// order (hw/ppc/spapr_pci.c spapr_dt_pci_bus adds them in reverse, each at the front), and for each
// function assigns BAR0..BAR5 then the ROM, bottom-up, from per-window "next" pointers:
//   - phb-parse-ranges: a pointer per window from the PHB's "ranges" (PCI bus addresses); an IO window
//     at 0 starts at 0x10; without a 64-bit window the 32-bit one is halved, the lower half for
//     prefetchable BARs;
//   - assign-bar: IO -> IO window (aligned to its size); 32-bit and 64-bit non-prefetchable and the ROM
//     -> the 32-bit window; 32-bit prefetchable -> the prefetchable half if there is one, else the
//     32-bit window; 64-bit prefetchable -> the 64-bit window, else the prefetchable half;
//   - assign-var-min-align: memory BARs aligned to max(size, 64 KiB); the pointer then moves by the
//     BAR's size only.
// SLOF never compares a pointer with the window's end: a BAR past it is programmed anyway and decodes
// nothing the CPU can reach. A 32-bit BAR keeps only the low 32 bits of what SLOF writes.
// A PCI bridge (phb-pci-bridge-probe, then pci-bridge-generic-setup's assign-all-bridge-bars): the three
// pointers are aligned up (non-prefetchable and 32-bit prefetchable 1 MiB, 64-bit prefetchable 4 GiB, IO
// 4 KiB) and become the windows' bases; the secondary bus is walked the same way with the same pointers;
// each pointer then moves past some hot-plug room (1 MiB, 2 GiB, 2 KiB), aligned up again, and is the
// window's end; the bridge's own BARs come last. The prefetchable window is 64-bit when the PHB has a
// 64-bit window (QEMU's bridges all support it), else it is the 32-bit prefetchable half.

#include <optional>
#include <string>
#include <vector>

#include "core/address.hpp"
#include "devices/pci_function.hpp"
#include "machine/spapr/phb_placement.hpp"

namespace aperture::slof {

enum class Pool { Io, Mmio32, Prefetch32, Mem64 };
const char* to_string(Pool pool);  // "io", "mmio32", "prefetch32", "mem64"

struct PoolState {
    Pool pool = Pool::Mmio32;
    u64 start = 0;  // PCI bus address where assignment began
    u64 next = 0;   // the pointer after the walk
    u64 max = 0;    // the window's end (exclusive), as SLOF records it and never checks
    u64 pci_to_cpu_offset = 0;  // cpu = pci + offset (wrapping: the 32-bit window maps 2 GiB to 32 TiB+)
};

struct AssignedBar {
    int index = 0;
    BarKind kind = BarKind::Memory;
    u64 size = 0;
    Pool pool = Pool::Mmio32;
    u64 bus_address = 0;   // what SLOF computed
    u64 programmed = 0;    // what the BAR holds (low 32 bits for 32-bit BARs and the ROM)
    bool fits = true;      // [bus_address, +size) lies inside the pool's window
    std::optional<u64> cpu_address;  // guest-physical, when it fits
};

struct FunctionInput {
    unsigned devfn = 0;
    const PciFunctionSpec* function = nullptr;
    unsigned bus = 0;        // the bus it sits on (0: the PHB's root bus)
    unsigned secondary = 0;  // a bridge's secondary bus, as QEMU numbered it (spapr_phb_pci_enumerate)
    unsigned subordinate = 0;
};

// A bridge window as SLOF programs it: [base, limit], PCI bus addresses as the registers hold them; a limit
// below the base (a 32-bit register that kept only the low bits of a pointer past 4 GiB) closes the window.
struct BridgeWindow {
    u64 base = 0;
    u64 limit = 0;
    bool open() const { return limit >= base; }
};

struct BridgeWindows {
    unsigned secondary = 0;
    unsigned subordinate = 0;
    BridgeWindow io;
    BridgeWindow mem;       // non-prefetchable
    BridgeWindow pref;      // prefetchable (64-bit when the PHB has a 64-bit window)
    bool pref_is_64 = false;
};

struct AssignedFunction {
    unsigned devfn = 0;
    unsigned bus = 0;
    std::vector<AssignedBar> bars;
    std::optional<BridgeWindows> bridge;
};

struct PhbAssignment {
    std::vector<PoolState> pools;  // the windows the PHB's "ranges" gave SLOF, in phb-parse-ranges order
    std::vector<AssignedFunction> functions;  // in the order of assign_phb_bars' input
    bool all_fit() const;
};

// Throws ArithmeticError if a pointer would pass 2^64 (SLOF's 64-bit cells would wrap). `functions` holds
// every function under the PHB, those behind bridges with their bus numbers; a function on a bus no
// bridge leads to is not reached (SLOF walks from the root bus) and gets no BARs.
PhbAssignment assign_phb_bars(const spapr::PhbWindows& windows, std::vector<FunctionInput> functions);

// SLOF 20220719 as bundled with QEMU 7.1-8.2 (roms/SLOF/VERSION).
inline constexpr const char* SLOF_MODEL = "slof-20220719";

}  // namespace aperture::slof
