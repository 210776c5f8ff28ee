// The PCIe-to-PCI bridge (QEMU 7.2 hw/pci-bridge/pcie_pci_bridge.c): always an SHPC, whose registers
// are BAR 0; no resource-reserve capability.

#include "devices/device_families.hpp"
#include "devices/pci_ids.hpp"

namespace aperture {

namespace {

// include/hw/pci/pci.h: PCI_DEVICE_ID_REDHAT_PCIE_BRIDGE
constexpr std::uint16_t kPciePciBridgeDeviceId = 0x000e;
// hw/pci/shpc.c: shpc_bar_size (31 slots)
constexpr u64 kShpcBarSize = 256;
// hw/pci-bridge/pcie_pci_bridge.c, pcie_pci_bridge_realize: BAR 0, 64-bit, not prefetchable
constexpr int kShpcBar = 0;

PciFunctionSpec build_pcie_pci_bridge(const DeviceProperties&, const PlugContext&) {
    PciFunctionSpec spec;
    spec.driver = "pcie-pci-bridge";
    spec.vendor_id = pci_ids::kVendorRedHat;
    spec.device_id = kPciePciBridgeDeviceId;
    spec.class_code = pci_ids::kClassBridgePci;
    spec.bars.push_back(BarSpec::memory64(kShpcBar, kShpcBarSize, Prefetchable::No));
    BridgeSpec bridge;
    bridge.kind = BridgeKind::PcieToPciBridge;
    bridge.has_shpc = true;
    spec.bridge = bridge;
    return spec;
}

}  // namespace

std::vector<DeviceModel> device_families::pcie_pci_bridges() {
    return {
        DeviceModel{
            .name = "pcie-pci-bridge",
            .default_romfile = "",
            .layout_neutral_properties = {"msi"},
            .layout_properties = {},
            .build = build_pcie_pci_bridge,
        },
    };
}

}  // namespace aperture
