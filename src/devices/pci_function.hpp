#pragma once
// What a PCI function looks like to firmware: its IDs, its BARs as sizing reveals them, and for bridges
// the windows and capabilities firmware reads. Device models produce these; firmware models consume them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/address.hpp"
#include "devices/vfio_igd.hpp"

namespace aperture {

enum class BarKind { Io, Memory, Rom };
enum class Prefetchable { No, Yes };

inline constexpr int kRomBarIndex = 6;  // QMP query-pci's "bar" for the expansion ROM (PCI_ROM_SLOT)

struct BarSpec {
    int index = 0;  // 0..5, 6 for the expansion ROM
    BarKind kind = BarKind::Memory;
    bool is64 = false;         // memory BARs only; a 64-bit BAR also occupies index + 1
    bool prefetchable = false; // memory BARs only
    u64 size = 0;              // a power of two (QEMU asserts it in pci_register_bar)

    // Named constructors, one per BAR type a device can register.
    static BarSpec io(int index, u64 size) { return {index, BarKind::Io, false, false, size}; }
    static BarSpec memory32(int index, u64 size, Prefetchable prefetch) {
        return {index, BarKind::Memory, false, prefetch == Prefetchable::Yes, size};
    }
    static BarSpec memory64(int index, u64 size, Prefetchable prefetch) {
        return {index, BarKind::Memory, true, prefetch == Prefetchable::Yes, size};
    }
    static BarSpec rom(u64 size) { return {kRomBarIndex, BarKind::Rom, false, false, size}; }

    friend bool operator==(const BarSpec&, const BarSpec&) = default;
};

// QEMU's Red Hat "resource reserve" vendor capability (hw/pci/pci_bridge.c, pci_bridge_qemu_reserve_cap_init).
// A field is absent when QEMU leaves it at all-ones ("not set").
struct ResourceReserveCap {
    std::optional<u32> bus;
    std::optional<u64> io;
    std::optional<u32> mem;
    std::optional<u32> pref32;
    std::optional<u64> pref64;

    friend bool operator==(const ResourceReserveCap&, const ResourceReserveCap&) = default;
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
    // PCIe slot identity (slot_implemented only): QEMU refuses a second slot with the same pair,
    // "Can't add chassis slot, error -16" (hw/pci/pcie.c, pcie_chassis_add_slot).
    std::uint8_t chassis = 0;
    std::uint16_t physical_slot = 0;

    friend bool operator==(const BridgeSpec&, const BridgeSpec&) = default;
};

// A PCI expander bridge (pxb, pxb-pcie): the host bridge function on the main root bus that brings an
// extra root bus with it (hw/pci-bridge/pci_expander_bridge.c).
struct ExpanderSpec {
    bool express = false;                   // pxb-pcie: its root bus is PCI Express
    std::uint8_t bus_nr = 0;                // the root bus's fixed number (property bus_nr)
    std::optional<std::uint16_t> numa_node; // property numa_node; unset is NUMA_NODE_UNASSIGNED

    friend bool operator==(const ExpanderSpec&, const ExpanderSpec&) = default;
};

struct PciFunctionSpec {
    std::string driver;  // QEMU device model name
    std::uint16_t vendor_id = 0;
    std::uint16_t device_id = 0;
    std::uint16_t class_code = 0;  // base class << 8 | sub class, as QMP query-pci "class"
    bool multifunction = false;    // header type bit 7 on function 0
    std::vector<BarSpec> bars;     // ascending index; ROM last
    std::optional<BridgeSpec> bridge;
    // vfio-pci passing an Intel IGD through: what its legacy-mode decision needs from the device's side.
    std::optional<IgdFacts> igd;
    std::optional<ExpanderSpec> expander;

    const BarSpec* bar(int index) const;
    const BarSpec* rom() const { return bar(kRomBarIndex); }
    bool is_vga() const { return class_code == 0x0300; }
    bool is_usb() const { return class_code == 0x0c03; }
};

}  // namespace aperture
