#pragma once
// Guest-physical facts of a Xen HVM guest as libxl, hvmloader and qemu-xen build it, in address order.
// Each names the Xen source it comes from (identical at RELEASE-4.17.0, 4.17.7 and 4.22.0 unless said).

#include "core/address.hpp"

namespace aperture::xen {

// --- Below 1 MiB -----------------------------------------------------------------------------------
// tools/libs/light/libxl_x86.c GUEST_LOW_MEM_START_DEFAULT: with a device model the toolstack's low
// RAM entry starts at 1 MiB; hvmloader describes what lies below it itself.
inline constexpr u64 GUEST_LOW_MEM_START = 0x10'0000;
// tools/firmware/hvmloader/e820.c build_e820_table: conventional RAM up to the VGA hole...
inline constexpr u64 LOWMEM_RESERVED_BASE = 0xA'0000;
// ...and the BIOS image up to 1 MiB is reserved; SeaBIOS, hvmloader's usual BIOS, is loaded below it.
inline constexpr u64 BIOS_REGION_END = 0x10'0000;

// --- The low MMIO hole -------------------------------------------------------------------------------
// xen/include/public/hvm/e820.h HVM_BELOW_4G_RAM_END / HVM_BELOW_4G_MMIO_START: low RAM ends and the
// default MMIO hole starts here.
inline constexpr u64 HVM_BELOW_4G_MMIO_START = 0xF000'0000;
// xen/include/public/hvm/e820.h HVM_BELOW_4G_MMIO_LENGTH: the default hole, up to 4 GiB.
inline constexpr u64 HVM_BELOW_4G_MMIO_LENGTH = 4 * GiB - HVM_BELOW_4G_MMIO_START;
// tools/firmware/hvmloader/config.h RESERVED_MEMBASE: hvmloader's own tables start here, so PCI BARs
// (pci_mem_end) stop here; ACPI_INFO_PHYSICAL_ADDRESS is the same page.
inline constexpr u64 RESERVED_MEMBASE = 0xFC00'0000;
// tools/firmware/hvmloader/config.h ACPI_MEMORY_DYNAMIC_START: ACPI tables are built from here up.
inline constexpr u64 ACPI_MEMORY_DYNAMIC_START = 0xFC00'1000;
// tools/firmware/hvmloader/config.h RESERVED_MEMORY_DYNAMIC_START/END: mem_hole_alloc hands out pages
// downward from the end (util.c).
inline constexpr u64 RESERVED_MEMORY_DYNAMIC_START = 0xFC10'0000;
inline constexpr u64 RESERVED_MEMORY_DYNAMIC_END = 0xFE00'0000;
// tools/firmware/hvmloader/config.h IGD_OPREGION_PAGES: pages reserved for an Intel IGD's OpRegion.
inline constexpr u64 IGD_OPREGION_PAGES = 3;
// tools/firmware/hvmloader/util.c get_shared_info: one page taken from the dynamic area before
// pci_setup runs (main() asks for the CPU speed first).
inline constexpr u64 SHARED_INFO_PAGES = 1;

// --- Sizes -----------------------------------------------------------------------------------------
// tools/firmware/hvmloader/config.h PAGE_SHIFT
inline constexpr u64 PAGE_SIZE = 4 * KiB;
// tools/firmware/hvmloader/pci.c pci_setup: RAM moves above 4 GiB in chunks of at most this many pages
// (XENMEM_add_to_physmap with XENMAPSPACE_gmfn_range).
inline constexpr u64 RELOCATION_CHUNK_PAGES = (u64{1} << 16) - 1;

// --- I/O ports -------------------------------------------------------------------------------------
// tools/firmware/hvmloader/pci.c pci_setup: io_resource
inline constexpr u64 PCI_IO_START = 0xC000;
inline constexpr u64 PCI_IO_END = 0x1'0000;

// --- Address width ---------------------------------------------------------------------------------
// tools/firmware/hvmloader/cacheattr.c cpu_phys_addr: the width when CPUID leaf 0x80000008 is absent.
inline constexpr unsigned HVMLOADER_DEFAULT_PHYS_BITS = 36;

// --- xl.cfg limits -----------------------------------------------------------------------------------
// tools/xl/xl_parse.c parse_config_data: mmio_hole (MiB) below HVM_BELOW_4G_MMIO_LENGTH or above
// HVM_BELOW_4G_MMIO_START is "ERROR: invalid value %ld for \"mmio_hole\"".
inline constexpr u64 MMIO_HOLE_MIN_MIB = HVM_BELOW_4G_MMIO_LENGTH / MiB;  // 256
inline constexpr u64 MMIO_HOLE_MAX_MIB = HVM_BELOW_4G_MMIO_START / MiB;   // 3840

}  // namespace aperture::xen
