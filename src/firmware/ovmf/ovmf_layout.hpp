#pragma once
// Facts of OVMF that fix addresses and that every modelled release shares (read in edk2-stable202211,
// Debian ovmf 2022.11-6+deb12u2, OVMF_CODE_4M.fd; firmware/ovmf/ovmf_release.hpp holds what differs), each
// naming its source.

#include "core/address.hpp"

namespace aperture::ovmf {

// OvmfPkg/Library/PlatformInitLib/Platform.c, PlatformMemMapInitialization
inline constexpr u64 PCI_EXPRESS_SIZE = 256 * MiB;            // the ECAM the 32-bit window starts above (its base: OvmfRelease)
inline constexpr u64 PCI_MMIO32_END = 0xFC00'0000;            // "PciSize = 0xFC000000 - PciBase"
inline constexpr u64 Q35_PCI_IO_BASE = 0x6000;                // PciIoBase on q35 (above ICH9_PMBASE)
inline constexpr u64 Q35_PCI_IO_SIZE = 0xA000;
inline constexpr u64 I440FX_PCI_IO_BASE = 0xC000;             // the default PciIoBase
inline constexpr u64 I440FX_PCI_IO_SIZE = 0x4000;

// OvmfPkg/OvmfPkgIa32X64.dsc: PcdPciMmio64Size, the classic 64-bit window.
inline constexpr u64 DEFAULT_PCI_MMIO64_SIZE = 32 * GiB;
// PlatformInitLib/MemDetect.c, PlatformGetFirstNonAddress: the fw_cfg item that sizes the classic window
// (MiB), and the largest value it accepts.
inline constexpr const char* X_PCI_MMIO64_MB_FW_CFG = "opt/ovmf/X-PciMmio64Mb";
inline constexpr u64 MAX_X_PCI_MMIO64_MB = 0x100'0000;  // 16 TiB
inline constexpr u64 MMIO64_GRANULE = 1 * GiB;          // the classic window's base and size alignment
// PlatformAddressWidthFromCpuid: widths OVMF trusts below 41 bits, and its caps (the 4-level cap: OvmfRelease).
inline constexpr unsigned ALWAYS_TRUSTED_PHYS_BITS = 41;
inline constexpr unsigned MAX_PHYS_BITS_WITHOUT_1G_PAGES = 40;
inline constexpr unsigned CPUID_DEFAULT_PHYS_BITS = 36;        // leaf 0x80000008 absent
inline constexpr unsigned UNTRUSTED_MIN_ADDRESS_WIDTH = 36;    // PlatformAddressWidthInitialization's floor
inline constexpr unsigned DYNAMIC_WINDOW_SHIFT = 3;            // PlatformDynamicMmioWindow: 2^(bits-3)

// MdeModulePkg/Bus/Pci/PciBusDxe
inline constexpr u64 BRIDGE_IO_ALIGNMENT = 0xFFF;      // PciIoDevice->BridgeIoAlignment (no alignment probe)
inline constexpr u64 BRIDGE_MEM_ALIGNMENT = 0xFFFFF;   // every memory window node starts 1 MiB aligned
inline constexpr u64 SMALL_MEM_BAR_ALIGNMENT = 0xFFF;  // PciParseBar: memory BARs below 4 KiB
inline constexpr u64 MEM_BAR_FLAG_BITS_SPAN = 16;      // PCI: a memory BAR's low 4 bits are its type and prefetch flags
inline constexpr u64 MAX_MEM32_REQUEST = 4 * GiB;      // PciHostBridgeDxe SubmitResources refuses 32-bit requests this big

// OvmfPkg/PciHotPlugInitDxe/PciHotPlugInit.c, GetResourcePadding: the defaults for hotplug ports.
inline constexpr u64 DEFAULT_IO_PADDING = 512;
inline constexpr u64 DEFAULT_MMIO_PADDING = 2 * MiB;
inline constexpr u64 PREF64_PADDING_THRESHOLD = 32 * GiB;  // pref64 padding only for larger windows
inline constexpr unsigned PREF64_PADDING_SHIFT = 8;        // window size / 256, rounded up to 2^n

// QEMU's Red Hat vendor ID: PciHotPlugInitDxe reads the resource reservation capability only there.
inline constexpr std::uint16_t PCI_VENDOR_ID_REDHAT = 0x1b36;
inline constexpr std::uint16_t PCI_CLASS_BRIDGE_PCI = 0x0604;

}  // namespace aperture::ovmf
