#pragma once
// What QEMU 7.2's bridge models share: the Red Hat resource-reserve capability (pcie-root-port,
// pci-bridge) and the PCIe slot properties (pcie-root-port, ioh3420, xio3130-downstream).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "devices/device_model.hpp"

namespace aperture {

// hw/pci/pci_bridge.c PCIResReserve: the -reserve properties as given. QEMU keeps "not given" as
// all-ones in each field's own width (bus-reserve is a uint32, the others are sizes).
struct ResourceReserveRequest {
    static constexpr u64 kUnset = ~u64{0};
    static constexpr u64 kBusUnset = 0xffffffff;

    u64 bus = kBusUnset;
    u64 io = kUnset;
    u64 mem = kUnset;
    u64 pref32 = kUnset;
    u64 pref64 = kUnset;

    bool any_set() const {
        return bus != kBusUnset || io != kUnset || mem != kUnset || pref32 != kUnset || pref64 != kUnset;
    }
};

// bus-reserve, io-reserve, mem-reserve, pref32-reserve, pref64-reserve
const std::vector<std::string>& resource_reserve_property_names();
ResourceReserveRequest read_resource_reserve(const DeviceProperties& properties);

// The capability QEMU adds (hw/pci/pci_bridge.c, pci_bridge_qemu_reserve_cap_init): none when no field
// is set; the device fails to realize on pref32 + pref64, or mem / pref32 of 4 GiB or more.
std::optional<ResourceReserveCap> resource_reserve_cap(const ResourceReserveRequest& request,
                                                       const DeviceProperties& properties);

// hw/pci/pcie_port.c pcie_slot_props: chassis, slot, hotplug, x-native-hotplug.
struct PcieSlotProperties {
    std::uint8_t chassis = 0;
    std::uint16_t slot = 0;
    bool hotplug = true;
    bool native_hotplug = true;

    // hw/pci/pcie.c pcie_cap_slot_init: Hot-Plug Capable / Surprise for a cold-plugged port.
    bool hotplug_capable() const { return hotplug && native_hotplug; }
};

const std::vector<std::string>& pcie_slot_property_names();
PcieSlotProperties read_pcie_slot(const DeviceProperties& properties, const PlugContext& context);

// A PCIe port with a slot (root or switch downstream port): its secondary bus is Express, the slot is
// implemented (hw/pci/pcie.c pcie_cap_slot_init sets PCI_EXP_FLAGS_SLOT) with the given chassis/slot.
BridgeSpec pcie_slot_bridge(BridgeKind kind, const PcieSlotProperties& slot);

// Concatenates property-name lists (for DeviceModel::layout_properties).
std::vector<std::string> join_names(std::initializer_list<std::vector<std::string>> lists);

}  // namespace aperture
