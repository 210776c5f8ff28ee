#pragma once
// What a PCI function looks like to firmware: its IDs, its BARs as sizing reveals them, and for bridges
// the windows and capabilities firmware reads. Device models produce these; firmware models consume them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/address.hpp"

namespace aperture {

enum class BarKind { Io, Memory, Rom };

struct BarSpec {
    int index = 0;  // 0..5, 6 for the expansion ROM
    BarKind kind = BarKind::Memory;
    bool is64 = false;         // memory BARs only; a 64-bit BAR also occupies index + 1
    bool prefetchable = false; // memory BARs only
    u64 size = 0;              // a power of two
};

// QEMU's Red Hat "resource reserve" vendor capability (hw/pci/pci_bridge.c, pci_bridge_qemu_reserve_cap_init).
// A field is absent when QEMU leaves it at all-ones ("not set").
struct ResourceReserveCap {
    std::optional<u32> bus;
    std::optional<u64> io;
    std::optional<u32> mem;
    std::optional<u32> pref32;
    std::optional<u64> pref64;
};

enum class BridgeKind { PcieRootPort, PciBridge, PcieToPciBridge, PcieDownstreamPort, PcieUpstreamPort };

struct BridgeSpec {
    BridgeKind kind = BridgeKind::PciBridge;
    bool io_window = true;      // IO base/limit registers writable (io-reserve=0 makes them read-only 0)
    bool pref_window = true;    // prefetchable window implemented
    bool pref_window_64 = true; // prefetchable window is 64-bit capable
    bool secondary_express = false;
    // PCIe slot capability: Slot Implemented, and Hot-Plug Capable (native hotplug).
    bool slot_implemented = false;
    bool hotplug_capable = false;
    bool has_shpc = false;  // standard hot-plug controller capability (pci-bridge, pcie-pci-bridge)
    std::optional<ResourceReserveCap> reserve;  // present only when QEMU creates the capability
};

struct PciFunctionSpec {
    std::string driver;  // QEMU device model name
    std::uint16_t vendor_id = 0;
    std::uint16_t device_id = 0;
    std::uint16_t class_code = 0;  // base class << 8 | sub class, as QMP query-pci "class"
    bool multifunction = false;    // header type bit 7 on function 0
    std::vector<BarSpec> bars;     // ascending index; ROM last
    std::optional<BridgeSpec> bridge;

    const BarSpec* bar(int index) const;
    bool is_vga() const { return class_code == 0x0300; }
    bool is_usb() const { return class_code == 0x0c03; }
};

}  // namespace aperture
