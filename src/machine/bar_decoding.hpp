#pragma once
// Whether QEMU maps a BAR at the address its register holds (hw/pci/pci.c pci_bar_address): a firmware
// can program an address QEMU refuses to decode, and then query-pci shows the BAR unmapped.

#include "core/address.hpp"
#include "devices/pci_function.hpp"

namespace aperture {

// `address` is the register's value with the BAR's size bits cleared. False for address 0 (the pc and q35
// buses do not allow it), for a range that wraps past 2^64 or ends at its last byte, and for a 32-bit or
// I/O BAR reaching 0xFFFFFFFF. The command register and the ROM enable bit are the caller's to check.
bool qemu_maps_bar(const BarSpec& bar, u64 address);

}  // namespace aperture
