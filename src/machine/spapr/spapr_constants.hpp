#pragma once
// Guest-physical facts of QEMU's ppc64 "pseries" (sPAPR) machine, in address order. Each names the QEMU
// source it comes from; read at QEMU 7.1.0, 8.1.2 and 8.2.0 (deepin-community/qemu release imports), where
// these values are identical (7.2 lies between them). Sizes are derived from each other as QEMU derives them.

#include "core/address.hpp"

namespace aperture::spapr {

// --- RAM ---------------------------------------------------------------------------------------------
// hw/ppc/spapr.c spapr_machine_class_init: mc->default_ram_size.
inline constexpr u64 DEFAULT_RAM_SIZE = 512 * MiB;
// include/hw/ppc/spapr.h SPAPR_MEMORY_BLOCK_SIZE: RAM and maxmem must be multiples of it
// (hw/ppc/spapr.c spapr_validate_node_memory).
inline constexpr u64 MEMORY_BLOCK_SIZE = 256 * MiB;
// include/hw/ppc/spapr.h SPAPR_DEVICE_MEM_ALIGN: hotplug memory starts at RAM rounded up to 1 GiB
// (hw/ppc/spapr.c spapr_machine_init, device_mem_base).
inline constexpr u64 DEVICE_MEM_ALIGN = 1 * GiB;

// include/hw/ppc/spapr.h SPAPR_MAX_RAM_SLOTS: hotplug memory slots under TCG (and the floor under KVM).
inline constexpr unsigned MAX_RAM_SLOTS = 32;

// --- New-style PHB placement (pseries-2.8 and later), hw/ppc/spapr.c spapr_phb_placement -------------
// include/hw/pci-host/spapr.h SPAPR_PCI_BASE: every PHB window lies in [32 TiB, 64 TiB).
inline constexpr u64 PCI_BASE = u64{1} << 45;
// include/hw/pci-host/spapr.h SPAPR_PCI_LIMIT ("some guest kernels can't work with MMIO above 1<<46").
inline constexpr u64 PCI_LIMIT = u64{1} << 46;
// include/hw/pci-host/spapr.h SPAPR_PCI_MEM_WIN_BUS_OFFSET: the PCI bus address of the 32-bit window.
inline constexpr u64 MEM_WIN_BUS_OFFSET = 0x8000'0000;
// include/hw/pci-host/spapr.h SPAPR_PCI_MEM32_WIN_SIZE: 4 GiB minus the bus offset.
inline constexpr u64 MEM32_WIN_SIZE = (u64{1} << 32) - MEM_WIN_BUS_OFFSET;
// include/hw/pci-host/spapr.h SPAPR_PCI_MEM64_WIN_SIZE: one naturally aligned 1 TiB window per PHB.
inline constexpr u64 MEM64_WIN_SIZE = 1 * TiB;
// include/hw/pci-host/spapr.h SPAPR_PCI_IO_WIN_SIZE
inline constexpr u64 IO_WIN_SIZE = 64 * KiB;
// include/hw/pci-host/spapr.h SPAPR_MAX_PHBS: (LIMIT - BASE) / 1 TiB - 1 = 31, indexes 0..30 (the first
// terabyte holds the IO and 32-bit windows).
inline constexpr u64 MAX_PHBS = (PCI_LIMIT - PCI_BASE) / MEM64_WIN_SIZE - 1;
// hw/ppc/spapr.c spapr_phb_placement / phb_placement_2_7: base_buid.
inline constexpr u64 BASE_BUID = 0x800000020000000;
// include/hw/pci-host/spapr.h SPAPR_PCI_MSI_WINDOW: the MSI catcher in each PHB's DMA address space.
inline constexpr u64 MSI_WINDOW = 0x400'0000'0000;

// --- Legacy PHB placement (pseries-2.7 and earlier), hw/ppc/spapr.c phb_placement_2_7 -----------------
inline constexpr u64 LEGACY_PHB0_ALIGNMENT = 1 * TiB;    // phb0_base = ALIGN_UP(ram_top, 1 TiB)
inline constexpr u64 LEGACY_PHB_SPACING = 64 * GiB;      // phb_spacing
inline constexpr u64 LEGACY_PIO_OFFSET = 0x8000'0000;    // pio_offset: 2 GiB
inline constexpr u64 LEGACY_MMIO_OFFSET = 0xA000'0000;   // mmio_offset: 2 GiB + 512 MiB
inline constexpr u64 LEGACY_MAX_INDEX = 255;             // max_index
// hw/ppc/spapr.c spapr_machine_2_7_class_options: mem_win_size 0xf80000000, mem64_win_size 0, so
// spapr_phb_realize splits it into 2 GiB (32-bit) + 60 GiB (64-bit).
inline constexpr u64 LEGACY_MEM_WIN_SIZE = 0xF'8000'0000;
// hw/ppc/spapr.c spapr_machine_2_2_class_options: mem_win_size 0x20000000 (512 MiB, no 64-bit window).
inline constexpr u64 PSERIES_2_2_MEM_WIN_SIZE = 0x2000'0000;

// --- DMA (hw/ppc/spapr_pci.c spapr_phb_properties, hw/ppc/spapr_rtas_ddw.c) --------------------------
// dma_win_addr / dma_win_size defaults: "Default DMA window is 0..1GB".
inline constexpr u64 DEFAULT_DMA_WIN_ADDR = 0;
inline constexpr u64 DEFAULT_DMA_WIN_SIZE = 1 * GiB;
// dma64_win_addr default: where a second (DDW) window goes.
inline constexpr u64 DEFAULT_DMA64_WIN_ADDR = 0x800000000000000;
// include/hw/pci-host/spapr.h SPAPR_PCI_DMA_MAX_WINDOWS
inline constexpr unsigned DMA_MAX_WINDOWS = 2;
// include/hw/ppc/spapr.h SPAPR_TCE_PAGE_SHIFT: the default window's IOMMU page is 4 KiB.
inline constexpr unsigned TCE_PAGE_SHIFT = 12;
// hw/ppc/spapr_iommu.c spapr_tce_alloc_table: one 64-bit TCE per IOMMU page.
inline constexpr u64 TCE_ENTRY_SIZE = 8;
// pgsz default (4K|64K|2M|16M), and pseries-4.1's compat value 0x11000 (4K|64K).
inline constexpr u64 DEFAULT_PAGE_SIZE_MASK = (u64{1} << 12) | (u64{1} << 16) | (u64{1} << 21) | (u64{1} << 24);
inline constexpr u64 PSERIES_4_1_PAGE_SIZE_MASK = 0x11000;
// hw/ppc/spapr_rtas_ddw.c rtas_ibm_query_pe_dma_window: the largest block, with 5 and with 6 return values.
inline constexpr u64 DDW_QUERY_MAX_TCES_5 = 0x8000'0000;
inline constexpr u64 DDW_QUERY_MAX_TCES_6 = u64{1} << (58 - 21);

// --- NVLink2 (QEMU 4.1 to 8.1 only; include/hw/pci-host/spapr.h, include/hw/ppc/spapr.h) -------------
// SPAPR_PCI_NV2RAM64_WIN_BASE = SPAPR_PCI_LIMIT: GPU RAM goes above every PHB window.
inline constexpr u64 NV2RAM64_WIN_BASE = PCI_LIMIT;
// SPAPR_PCI_NV2RAM64_WIN_SIZE: "for up to 6 GPUs 256GB each", per PHB index.
inline constexpr u64 NV2RAM64_WIN_SIZE = 2 * TiB;
// NVGPU_MAX_NUM / NVGPU_MAX_LINKS
inline constexpr unsigned NVGPU_MAX_NUM = 6;
inline constexpr unsigned NVGPU_MAX_LINKS = 3;
// SPAPR_PCI_NV2ATSD_WIN_BASE: "we do not need DMA for ATSD so we put them at 128TiB".
inline constexpr u64 NV2ATSD_WIN_BASE = 128 * TiB;
// SPAPR_PCI_NV2ATSD_WIN_SIZE: one 64 KiB ATSD register block per link.
inline constexpr u64 NV2ATSD_REGION_SIZE = 64 * KiB;
inline constexpr u64 NV2ATSD_WIN_SIZE = NVGPU_MAX_NUM * NVGPU_MAX_LINKS * NV2ATSD_REGION_SIZE;
// hw/ppc/spapr_pci_nvlink2.c spapr_phb_nvgpu_populate_dt: atsd[8], "The existing limitation of known guests".
inline constexpr unsigned NV2ATSD_MAX_IN_DT = 8;

// --- SLOF (board-qemu/slof/pci-phb.fs, slof/fs/pci-properties.fs) ------------------------------------
// pci-phb.fs phb-setup-children: pci-mem-bar-min-align when the PHB has no "qemu,mem-bar-min-align"
// (QEMU's spapr_dt_phb never writes one).
inline constexpr u64 SLOF_MEM_BAR_MIN_ALIGN = 0x10000;
// pci-phb.fs phb-parse-ranges: "BARs must not be set to zero": an IO window starting at 0 starts at 0x10.
inline constexpr u64 SLOF_IO_START_BUMP = 0x10;
// slof/fs/pci-scan.fs pci-bridge-set-*-base / -limit: a bridge's windows start aligned to these and end,
// after what is behind it plus the hot-plug room, aligned to the same.
inline constexpr u64 SLOF_BRIDGE_MMIO_ALIGN = 0x100000;    // non-prefetchable and 32-bit prefetchable: 1 MiB
inline constexpr u64 SLOF_BRIDGE_MEM64_ALIGN = 0x100000000;  // 64-bit prefetchable: 4 GiB
inline constexpr u64 SLOF_BRIDGE_IO_ALIGN = 0x1000;        // IO: 4 KiB
inline constexpr u64 SLOF_BRIDGE_MMIO_HOTPLUG = 0x100000;  // "add space for hot-plugging"
inline constexpr u64 SLOF_BRIDGE_MEM64_HOTPLUG = 0x80000000;
inline constexpr u64 SLOF_BRIDGE_IO_HOTPLUG = 0x800;

}  // namespace aperture::spapr
