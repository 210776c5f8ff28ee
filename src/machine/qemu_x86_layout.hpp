#pragma once
// Guest-physical facts of QEMU's x86 "pc" (i440fx) and "q35" machines that every modelled release shares
// (read in 7.2; machine/qemu_release.hpp holds what differs), in address order. Each names the QEMU
// source it comes from; sizes are derived from each other where QEMU does so.

#include "core/address.hpp"

namespace aperture::qemu_x86 {

// --- Below 4 GiB: q35's ECAM (start, length) ---------------------------------------------------------
// include/hw/pci-host/q35.h MCH_HOST_BRIDGE_PCIEXBAR_DEFAULT / _MAX: the ECAM both firmwares program
// (each keeps its own copy, pinned to this one in firmware/*/*_release.cpp).
inline constexpr u64 Q35_ECAM_START = 0xB000'0000;
inline constexpr u64 Q35_ECAM_SIZE = 256 * MiB;

// --- Low RAM split ----------------------------------------------------------------------------------
// hw/i386/pc_q35.c pc_q35_init: with ram_size >= 0xB0000000, low RAM stops at 2 GiB to keep 1 GiB
// alignment; below that, up to the start of MMCONFIG.
inline constexpr u64 Q35_LOWMEM_SPLIT = 0x8000'0000;
inline constexpr u64 Q35_LOWMEM_MAX = Q35_ECAM_START;
// hw/i386/pc_q35.c: max-ram-below-4g defaults to 4 GiB on q35 (it can only lower lowmem).
inline constexpr u64 Q35_MAX_RAM_BELOW_4G_DEFAULT = 4 * GiB;
// hw/i386/pc_piix.c pc_init1: max-ram-below-4g defaults to 3.5 GiB...
inline constexpr u64 I440FX_MAX_RAM_BELOW_4G_DEFAULT = 0xE000'0000;
// ...and machines with gigabyte_align clamp a split to 3 GiB.
inline constexpr u64 I440FX_GIGABYTE_ALIGN_LOWMEM = 0xC000'0000;
// hw/i386/pc.c IO_APIC_DEFAULT_ADDRESS: the 32-bit PCI hole ends here.
inline constexpr u64 IO_APIC_DEFAULT_ADDRESS = 0xFEC0'0000;

// --- Above 4 GiB ------------------------------------------------------------------------------------
// hw/i386/x86.c x86_machine_initfn: RAM above 4 GiB starts at 4 GiB unless relocated.
inline constexpr u64 ABOVE_4G_MEM_START = 4 * GiB;
// hw/i386/pc.c pc_get_device_memory_range: device memory starts 1 GiB aligned and reserves 1 GiB per slot.
inline constexpr u64 DEVICE_MEMORY_ALIGN = 1 * GiB;
inline constexpr u64 DEVICE_MEMORY_PER_SLOT = 1 * GiB;
// hw/i386/acpi-build.h ACPI_MAX_RAM_SLOTS
inline constexpr unsigned ACPI_MAX_RAM_SLOTS = 256;
// hw/i386/pc.c pc_pci_hole64_start and etc/reserved-memory-end: rounded up to 1 GiB.
inline constexpr u64 HOLE64_START_ALIGN = 1 * GiB;
// hw/i386/pc.c: AMD HyperTransport hole [AMD_HT_START, AMD_HT_END] (AMD IOMMU spec 2.1.2, table 3).
inline constexpr u64 AMD_HT_START = 0xFD'0000'0000;
inline constexpr u64 AMD_HT_END = 0xFF'FFFF'FFFF;
inline constexpr u64 AMD_ABOVE_1TB_START = AMD_HT_END + 1;
inline constexpr u64 AMD_HT_SIZE = AMD_ABOVE_1TB_START - AMD_HT_START;
// hw/i386/pc.c pc_memory_init: the HT reservation is advertised in e820 only with phys-bits >= 40.
inline constexpr unsigned AMD_HT_E820_MIN_PHYS_BITS = 40;

// --- 64-bit PCI hole sizes (ACPI and the phys-bits check only) --------------------------------------
// include/hw/pci-host/q35.h Q35_PCI_HOST_HOLE64_SIZE_DEFAULT
inline constexpr u64 Q35_PCI_HOLE64_SIZE_DEFAULT = u64{1} << 35;
// include/hw/pci-host/i440fx.h I440FX_PCI_HOST_HOLE64_SIZE_DEFAULT
inline constexpr u64 I440FX_PCI_HOLE64_SIZE_DEFAULT = u64{1} << 31;

// --- CPU ---------------------------------------------------------------------------------------------
// target/i386/tcg/helper-tcg.h TCG_PHYS_ADDR_BITS: the default phys-bits of long-mode CPUs, KVM too.
inline constexpr unsigned TCG_PHYS_ADDR_BITS = 40;
// target/i386/cpu-param.h TARGET_PHYS_ADDR_SPACE_BITS: the largest phys-bits QEMU accepts.
inline constexpr unsigned TARGET_PHYS_ADDR_SPACE_BITS = 52;
inline constexpr unsigned MIN_PHYS_BITS = 32;

// --- Memory sizes -------------------------------------------------------------------------------------
// hw/core/machine.c / softmmu/vl.c: the default -m.
inline constexpr u64 DEFAULT_RAM_SIZE = 128 * MiB;

}  // namespace aperture::qemu_x86
