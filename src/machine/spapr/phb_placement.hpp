#pragma once
// Where QEMU puts one PHB's windows in guest-physical space (hw/ppc/spapr.c spapr_phb_placement for
// pseries-2.8+, phb_placement_2_7 for older types), and how spapr_phb_realize turns the window sizes into
// the 32-bit and 64-bit windows (hw/ppc/spapr_pci.c). A refusal carries QEMU's own message.

#include <array>
#include <optional>
#include <string>

#include "core/address.hpp"
#include "core/range.hpp"
#include "machine/spapr/machine_type.hpp"

namespace aperture::spapr {

// What pre-plug computes for an index (the "placement" hook's outputs).
struct PhbPlacement {
    u32 index = 0;
    u64 buid = 0;
    u64 io_win_addr = 0;     // CPU address of the 64 KiB IO window
    u64 mem_win_addr = 0;    // CPU address of the 32-bit MMIO window
    u64 mem64_win_addr = 0;  // CPU address of the 64-bit MMIO window; 0 in legacy placement
    std::array<u32, 2> liobns{};  // DMA window LIOBNs (SPAPR_PCI_LIOBN(index, n))
    u64 nv2_gpa = 0;   // start of this PHB's NVLink2 GPU RAM window; 0 when the machine has none
    u64 nv2_atsd = 0;  // start of its ATSD window; 0 when none
};

struct PlacementResult {
    std::optional<PhbPlacement> placement;
    std::string error;  // QEMU's message when refused
};

// hw/ppc/spapr.c spapr_phb_placement (new-style): 64 KiB IO windows from 32 TiB, 2 GiB 32-bit windows
// from 32 TiB + 2 GiB, a 1 TiB 64-bit window per index from 33 TiB; index <= 30.
PlacementResult place_phb_new_style(u32 index, bool nvlink2_windows);

// hw/ppc/spapr.c phb_placement_2_7 (legacy): PHB 0 at RAM's top rounded up to 1 TiB, then 64 GiB apart;
// index <= 255. `ram_top` is the end of hotplug memory when there is any, else the RAM size.
PlacementResult place_phb_legacy(u32 index, u64 ram_top);

PlacementResult place_phb(PhbPlacementStyle style, u32 index, u64 ram_top, bool nvlink2_windows);

// hw/ppc/spapr.h SPAPR_PCI_LIOBN
constexpr u32 spapr_pci_liobn(u32 index, u32 window) { return 0x80000000u | (index << 8) | window; }

// A window as both sides see it: the CPU (guest-physical) range and the PCI bus address it maps to.
struct PhbWindow {
    AddressRange cpu;
    u64 pci_address = 0;
    u64 pci_last() const { return pci_address + (cpu.size() - 1); }
};

// The windows after spapr_phb_realize.
struct PhbWindows {
    PhbWindow io;
    PhbWindow mem32;
    std::optional<PhbWindow> mem64;
};

struct RealizeResult {
    std::optional<PhbWindows> windows;
    std::string error;
};

// hw/ppc/spapr_pci.c spapr_phb_realize: with a 64-bit window size the 32-bit one may be at most 2 GiB
// ("32-bit memory window of size 0x... (max 2 GiB)"); without one, a 32-bit size above 2 GiB is split
// into 2 GiB + the rest, the rest becoming a 64-bit window at PCI address 0x100000000. The IO window is
// always SPAPR_PCI_IO_WIN_SIZE (io_win_size is not used for it). Throws ArithmeticError for a window
// that would pass 2^64.
RealizeResult realize_phb_windows(const PhbPlacement& placement, u64 mem_win_size, u64 mem64_win_size);

}  // namespace aperture::spapr
