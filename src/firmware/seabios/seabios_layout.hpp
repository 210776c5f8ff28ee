#pragma once
// Facts of SeaBIOS rel-1.16.2 (Debian 1.16.2-1, bios-256k.bin) that fix addresses, each naming its source.

#include "core/address.hpp"

namespace aperture::seabios1162 {

// src/fw/pciinit.c
inline constexpr u64 PCI_DEVICE_MEM_MIN = 4 * KiB;  // memory BARs are padded to a page
inline constexpr u64 PCI_BRIDGE_MEM_MIN = 2 * MiB;  // bridge memory windows: hugepage granularity
inline constexpr u64 PCI_BRIDGE_IO_MIN = 0x1000;    // bridge IO windows: PCI bridge spec
inline constexpr u64 BUILD_PCIMEM_END = 0xFEC0'0000;  // src/config.h: the 32-bit window ends at the IOAPIC
inline constexpr u64 I440FX_PCIMEM_FLOOR_2G = 0x8000'0000;  // i440fx_mem_addr_setup
inline constexpr u64 I440FX_PCIMEM_FLOOR_3G = 0xC000'0000;
inline constexpr u64 Q35_HOST_BRIDGE_PCIEXBAR_ADDR = 0xB000'0000;  // src/fw/dev-q35.h
inline constexpr u64 Q35_HOST_BRIDGE_PCIEXBAR_SIZE = 256 * MiB;
inline constexpr u64 PCI_IO_TRADITIONAL_BASE = 0xC000;   // pci_bios_init_root_regions_io
inline constexpr u64 PCI_IO_TRADITIONAL_LIMIT = 0x4000;  // root IO sums below this go at 0xC000
inline constexpr u64 PCI_IO_LOW_BASE = 0x1000;
inline constexpr u64 PCI_IO_LOW_END_I440FX = 0xA000;  // pci_io_low_end default
inline constexpr u64 PCI_IO_LOW_END_Q35 = 0x10000;    // mch_mem_addr_setup with acpi_pm_base < 0x1000
inline constexpr u64 HUGEPAGE_ALIGN = 1 * GiB;        // the 64-bit window's alignment
inline constexpr u64 ACPI_PM_BASE = 0x600;            // "Moving pm_base to 0x600" (src/fw/paravirt.c)
inline constexpr u64 ICH9_SMBUS_IO_BASE = ACPI_PM_BASE + 0x100;  // ich9_smbus_enable writes it over BAR4
inline constexpr int ICH9_SMB_BAR = 4;                // ICH9_SMB_SMB_BASE (0x20) is BAR4
inline constexpr u64 ICH9_LPC_RCBA_ADDR = 0xFED1'C000;  // src/fw/dev-q35.h, e820-reserved 16 KiB
inline constexpr u64 ICH9_LPC_RCBA_SIZE = 16 * KiB;

// e820 (src/fw/paravirt.c qemu_preinit, src/malloc.c malloc_preinit/malloc_prepboot)
inline constexpr u64 BIOS_FLASH_START = 0xFFFC'0000;  // "reserve 256KB BIOS area at the end of 4 GB"
inline constexpr u64 BIOS_FLASH_SIZE = 256 * KiB;
inline constexpr u64 BUILD_LOWRAM_END = 0xA0000;
inline constexpr u64 BUILD_BIOS_ADDR = 0xF0000;
inline constexpr u64 BUILD_BIOS_SIZE = 64 * KiB;
inline constexpr u64 EBDA_START = 0x9FC00;  // BDA mem_size_kb = 639 KiB: the EBDA's 1 KiB is reserved
inline constexpr u64 BUILD_MAX_HIGHTABLE = 16 * MiB;  // ZoneHigh, at the top of RAM below 4 GiB
// What ZoneHigh keeps after malloc_prepboot gives the rest back (ACPI, SMBIOS, MP tables); measured with
// Debian's 1.16.2 on QEMU 7.2 ("Returned 16646144 bytes of ZoneHigh") for every machine we boot.
inline constexpr u64 HIGHTABLE_KEPT = 128 * KiB;

}  // namespace aperture::seabios1162
