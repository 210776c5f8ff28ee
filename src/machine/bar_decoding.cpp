#include "machine/bar_decoding.hpp"

namespace aperture {

namespace {

constexpr u64 UINT32_LIMIT = 0xFFFF'FFFF;  // hw/pci/pci.c: "last_addr >= UINT32_MAX" for I/O and 32-bit BARs
constexpr u64 PCI_BAR_UNMAPPED = ~u64{0};  // include/hw/pci/pci.h: also the one last address never mapped

}  // namespace

bool qemu_maps_bar(const BarSpec& bar, u64 address) {
    if (address == 0 || bar.size == 0) return false;  // PCIBus::allow_0_address is false on x86
    const u64 last = address + (bar.size - 1);
    if (last <= address && bar.size > 1) return false;  // "we do not support wrapping"
    if (last == PCI_BAR_UNMAPPED) return false;
    if ((bar.kind == BarKind::Io || !bar.is64) && last >= UINT32_LIMIT) return false;
    return true;
}

}  // namespace aperture
