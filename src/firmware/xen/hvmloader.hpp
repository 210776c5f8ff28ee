#pragma once
// hvmloader's PCI setup and e820 table (tools/firmware/hvmloader/pci.c pci_setup, e820.c
// build_e820_table, util.c mem_hole_alloc), one function per pass as the source runs them:
//   scan_bars        the bus-0 scan: size every BAR, keep them sorted largest first, add up mmio_total
//   size_low_hole    pci_mem_start: platform/mmio_hole_size, else doubling the hole while RAM allows
//   relocate_ram     RAM under the hole moves above 4 GiB (only when relocation was allowed)
//   assign_bars      each BAR, largest first, low or above RAM; "no space for resource!" when neither fits
//   build_e820       the table SeaBIOS hands the OS
// Results use aperture's FirmwareResult shapes; what is particular to hvmloader is in HvmloaderDetails.

#include <optional>
#include <string>
#include <vector>

#include "firmware/firmware_result.hpp"
#include "firmware/xen/hvmloader_release.hpp"
#include "machine/pci_topology.hpp"
#include "machine/xen/libxl_memory.hpp"

namespace aperture {

struct HvmloaderInput {
    HvmloaderRelease release = kDefaultHvmloaderRelease;
    const std::vector<PciNode>* functions = nullptr;  // bus 0, ascending devfn
    LibxlMemoryLayout memory;
    unsigned phys_bits = 36;             // CPUID 0x80000008 EAX[7:0] as the guest sees it
    bool xen_platform_pci_bar_uc = true;  // HVM_XS_XEN_PLATFORM_PCI_BAR_UC (4.21+)
};

// One BAR in the order hvmloader assigns them (descending size; equal sizes in scan order).
struct HvmloaderBar {
    std::size_t function = 0;  // index into HvmloaderInput::functions
    int index = 0;             // 0-5, 6 = ROM
    BarKind kind = BarKind::Memory;
    bool is64 = false;
    bool prefetchable = false;
    u64 size = 0;
    std::optional<u64> address;
    bool high = false;  // placed above 4 GiB (high_mem_resource)
    bool fixed_at_top = false;  // the Xen platform BAR placed at the top of the hole (4.21+)
};

struct HvmloaderDetails {
    u64 mmio_total = 0;             // before assignment: memory BARs and ROMs that count
    u64 pci_mem_start = 0;          // the low hole as sized
    u64 pci_mem_end = 0;            // RESERVED_MEMBASE, or lower with the platform BAR at the top
    bool hole_from_mmio_hole = false;
    bool bar64_relocate = false;
    bool memory_relocation_allowed = false;
    u64 low_mem_end = 0;            // after relocation
    u64 high_mem_end = 0;           // after relocation; 0 without RAM above 4 GiB
    u64 relocated_bytes = 0;
    u64 high_base = 0;              // where 64-bit BARs start: max(4 GiB, end of RAM above 4 GiB)
    u64 high_limit = 0;             // 1 << phys_bits
    u64 low_free_start = 0;         // mem_resource.base after assignment: the low hole is free from here
    u64 high_free_start = 0;        // high_mem_resource.base after assignment
    std::optional<u64> pci_hi_mem_start;
    std::optional<u64> pci_hi_mem_end;
    std::optional<u64> igd_opregion;  // guest address of the IGD OpRegion (3 pages), when reserved
    std::vector<HvmloaderBar> bars;
    std::vector<std::string> log;     // what hvmloader prints, in order
};

// The root-bus windows ACPI _CRS advertises (tools/libacpi/dsdt.asl PCI0._CRS, filled from
// util.c hvmloader_acpi_build_tables): [pci_mem_start, pci_mem_end) and, only when some BAR went
// above 4 GiB, [pci_hi_mem_start, pci_hi_mem_end).
struct CrsWindows {
    AddressRange low;
    std::optional<AddressRange> high;
};
CrsWindows crs_windows(const HvmloaderDetails& details);

struct HvmloaderResult {
    FirmwareResult firmware;
    HvmloaderDetails details;
};

// Throws ArithmeticError only for impossible input (sizes past 2^64).
HvmloaderResult run_hvmloader(const HvmloaderInput& input);

}  // namespace aperture
