#pragma once
// Facts of SeaBIOS that fix addresses and that every modelled release shares (read in rel-1.16.2, Debian
// 1.16.2-1, bios-256k.bin; firmware/seabios/seabios_release.hpp holds what differs), each naming its source.

#include "core/address.hpp"

namespace aperture::seabios {

// src/fw/pciinit.c
inline constexpr u64 PCI_DEVICE_MEM_MIN = 4 * KiB;  // memory BARs are padded to a page
inline constexpr u64 PCI_BRIDGE_MEM_MIN = 2 * MiB;  // bridge memory windows: hugepage granularity
inline constexpr u64 PCI_BRIDGE_IO_MIN = 0x1000;    // bridge IO windows: PCI bridge spec
inline constexpr u64 BUILD_PCIMEM_END = 0xFEC0'0000;  // src/config.h: the 32-bit window ends at the IOAPIC
inline constexpr u64 I440FX_PCIMEM_FLOOR_2G = 0x8000'0000;  // i440fx_mem_addr_setup
inline constexpr u64 I440FX_PCIMEM_FLOOR_3G = 0xC000'0000;
inline constexpr u64 Q35_HOST_BRIDGE_PCIEXBAR_SIZE = 256 * MiB;  // src/fw/dev-q35.h (the address: SeabiosRelease)
inline constexpr u64 PCI_IO_TRADITIONAL_BASE = 0xC000;   // pci_bios_init_root_regions_io
inline constexpr u64 PCI_IO_TRADITIONAL_LIMIT = 0x4000;  // root IO sums below this go at 0xC000
inline constexpr u64 PCI_IO_LOW_BASE = 0x1000;
inline constexpr u64 PCI_IO_LOW_END_I440FX = 0xA000;  // pci_io_low_end default
inline constexpr u64 PCI_IO_LOW_END_Q35 = 0x10000;    // mch_mem_addr_setup with acpi_pm_base < 0x1000, else acpi_pm_base
inline constexpr u64 HUGEPAGE_ALIGN = 1 * GiB;        // the 64-bit window's alignment
// pci_setup (1.16.3+): the padded 64-bit window is 1/8 of the space below the top (top >> 3), and a
// hotplug bridge's 64-bit prefetchable window 1/2048 of it (top >> 11).
inline constexpr unsigned MEM64_PAD_SHIFT = 3;
inline constexpr unsigned HOTPLUG_PREF64_SHIFT = 11;
// paravirt.c physbits(): QEMU's CPUID 0x80000008 is trusted from 41 bits, and for the widths real CPUs of
// each vendor have below that (Intel 36 and 39, AMD 40); without long mode the width is PAE's 36.
inline constexpr unsigned PHYS_BITS_ALWAYS_TRUSTED = 41;
inline constexpr unsigned PHYS_BITS_WITHOUT_LONG_MODE = 36;
inline constexpr unsigned PHYS_BITS_MIN_FOR_PADDING = 36;  // 1.16.3 pci_setup: "CPUPhysBits >= 36"
inline constexpr u64 MEM64_CAP_LIFT_RAM_ABOVE_4G = 1ULL << 40;  // 1.17.0: "RamSizeOver4G < (1LL << 40)"
inline constexpr const char* PCI64_FW_CFG = "opt/org.seabios/pci64";  // 1.17.0 romfile_loadbool
// src/fw/biostables.c acpi_pm_base (PORT_ACPI_PM_BASE); qemu_preinit moves it ("Moving pm_base to 0x600")
// only when QEMU gives an etc/table-loader, that is with ACPI on.
inline constexpr u64 ACPI_PM_BASE_DEFAULT = 0xb000;
inline constexpr u64 ACPI_PM_BASE_WITH_TABLE_LOADER = 0x600;
inline constexpr u64 ICH9_SMBUS_IO_OFFSET = 0x100;  // ich9_smbus_enable: acpi_pm_base + 0x100 over BAR4
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
inline constexpr u32 IGD_OPREGION_ALIGN = 4 * KiB;    // src/fw/pciinit.c intel_igd_setup: memalign_high(PAGE_SIZE, ...)
inline constexpr u64 IGD_BDSM_ALIGN = 1 * MiB;        // intel_igd_setup: memalign_tmphigh(1024 * 1024, ...)

// ZoneHigh's allocations (firmware/seabios/high_zone.cpp). Sizes are sizeof() in the 32-bit build, read
// from a debug build of rel-1.16.2 ("phys_alloc zone=... size=... align=...") and checked on real boots.
inline constexpr u32 MALLOC_MIN_ALIGN = 16;         // src/malloc.h: malloc_high's alignment
inline constexpr u32 SEABIOS_PAGE_SIZE = 4 * KiB;   // src/memmap.h PAGE_SIZE: malloc_prepboot's rounding
inline constexpr u32 BUILD_MAX_SMBIOS_FSEG = 600;   // src/config.h: a longer SMBIOS table goes to ZoneHigh
// src/fw/biostables.c smbios_build_tables: the type 0 table SeaBIOS adds, sizeof(struct smbios_type_0)
// + "SeaBIOS" + VERSION (SeabiosRelease::build_version, "1.16.2-debian-1.16.2-1") + "04/01/2014" + 4 terminators.
inline constexpr u32 SMBIOS_TYPE0_VERSION_LENGTH = 22;
inline constexpr u32 SMBIOS_TYPE0_LENGTH = 24 + 7 + SMBIOS_TYPE0_VERSION_LENGTH + 10 + 4;
inline constexpr u32 XHCI_STRUCT_SIZE = 76;         // src/hw/usb-xhci.c sizeof(struct usb_xhci_s)
inline constexpr u32 XHCI_DEVS_ENTRY_SIZE = 8;      // xhci->devs: a u64 per slot, slots + 1, align 64
inline constexpr u32 XHCI_DEVS_ALIGN = 64;
inline constexpr u32 XHCI_ER_SEG_SIZE = 16;         // sizeof(struct xhci_er_seg), align 64
inline constexpr u32 XHCI_ER_SEG_ALIGN = 64;
inline constexpr u32 XHCI_RING_STRUCT_SIZE = 288;   // sizeof(struct xhci_ring): the cmds and evts rings
inline constexpr u32 XHCI_RING_SIZE = 256;          // XHCI_RING_ITEMS * sizeof(struct xhci_trb): their align
inline constexpr u32 XHCI_PIPE_SIZE = 316;         // sizeof(struct xhci_pipe): a control pipe, align XHCI_RING_SIZE
inline constexpr u32 XHCI_SLOT_CONTEXT_SIZE = 1024;  // sizeof(struct xhci_slotctx) * 32, 32-byte contexts
inline constexpr u32 USB_KBD_MAXPACKET = 8;         // QEMU hw/usb/dev-hid.c: the interrupt endpoint's
inline constexpr u32 USB_MOUSE_MAXPACKET = 4;       //   wMaxPacketSize, the buffer xhci_alloc_pipe takes
inline constexpr u32 EHCI_FRAMELIST_SIZE = 4096;    // src/hw/usb-ehci.c sizeof(struct ehci_framelist)
inline constexpr u32 EHCI_QH_SIZE = 68;             // sizeof(struct ehci_qh)
inline constexpr u32 EHCI_QH_ALIGN = 128;           // src/hw/usb-ehci.h EHCI_QH_ALIGN
inline constexpr u32 UHCI_TD_SIZE = 16;             // src/hw/usb-uhci.c sizeof(struct uhci_td)
inline constexpr u32 UHCI_FRAMELIST_SIZE = 4096;    // sizeof(struct uhci_framelist)
inline constexpr u32 UHCI_PIPE_SIZE = 28;           // sizeof(struct uhci_pipe)
inline constexpr u32 AHCI_CMD_LIST_SIZE = 1024;     // src/hw/ahci.c ahci_port_realloc: list, fis, cmd,
inline constexpr u32 AHCI_FIS_SIZE = 256;           //   each aligned to its size
inline constexpr u32 AHCI_CMD_TABLE_SIZE = 256;
inline constexpr u32 VRING_VIRTQUEUE_SIZE = 10784;  // src/hw/virtio-ring.h sizeof(struct vring_virtqueue)
inline constexpr u32 VP_DEVICE_SIZE = 56;           // src/hw/virtio-pci.h sizeof(struct vp_device)
inline constexpr u32 NVME_CTRL_SIZE = 78;           // src/hw/nvme-int.h sizeof(struct nvme_ctrl)
inline constexpr u32 NVME_PAGE_SIZE = 4096;         // src/hw/nvme-int.h NVME_PAGE_SIZE
inline constexpr u32 NVME_SQE_SIZE = 64;            // sizeof(struct nvme_sqe)
inline constexpr u32 NVME_CQE_SIZE = 16;            // sizeof(struct nvme_cqe)

}  // namespace aperture::seabios
