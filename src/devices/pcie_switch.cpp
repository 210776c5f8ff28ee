// The ports of an emulated PCIe switch: TI XIO3130 upstream and downstream
// (QEMU 7.2 hw/pci-bridge/xio3130_upstream.c, xio3130_downstream.c). Neither has a BAR.

#include "devices/bridge_common.hpp"
#include "devices/device_families.hpp"
#include "devices/pci_ids.hpp"

namespace aperture {

namespace {

// hw/pci-bridge/xio3130_upstream.c: PCI_DEVICE_ID_TI_XIO3130U
constexpr std::uint16_t kXio3130UpstreamDeviceId = 0x8232;
// hw/pci-bridge/xio3130_downstream.c: PCI_DEVICE_ID_TI_XIO3130D
constexpr std::uint16_t kXio3130DownstreamDeviceId = 0x8233;

PciFunctionSpec build_upstream_port(const DeviceProperties&, const PlugContext&) {
    PciFunctionSpec spec;
    spec.driver = "x3130-upstream";
    spec.vendor_id = pci_ids::kVendorTexasInstruments;
    spec.device_id = kXio3130UpstreamDeviceId;
    spec.class_code = pci_ids::kClassBridgePci;
    BridgeSpec bridge;
    bridge.kind = BridgeKind::PcieUpstreamPort;
    bridge.secondary_express = true;
    spec.bridge = bridge;
    return spec;
}

PciFunctionSpec build_downstream_port(const DeviceProperties& properties, const PlugContext& context) {
    const PcieSlotProperties slot = read_pcie_slot(properties, context);
    PciFunctionSpec spec;
    spec.driver = "xio3130-downstream";
    spec.vendor_id = pci_ids::kVendorTexasInstruments;
    spec.device_id = kXio3130DownstreamDeviceId;
    spec.class_code = pci_ids::kClassBridgePci;
    spec.bridge = pcie_slot_bridge(BridgeKind::PcieDownstreamPort, slot);
    return spec;
}

}  // namespace

std::vector<DeviceModel> device_families::pcie_switch_ports() {
    return {
        DeviceModel{
            .name = "x3130-upstream",
            .default_romfile = "",
            .layout_neutral_properties = {"aer_log_max", "port"},
            .layout_properties = {},
            .build = build_upstream_port,
        },
        DeviceModel{
            .name = "xio3130-downstream",
            .default_romfile = "",
            .layout_neutral_properties = {"aer_log_max", "port", "power_controller_present"},
            .layout_properties = pcie_slot_property_names(),
            .build = build_downstream_port,
        },
    };
}

}  // namespace aperture
