// The Intel 82801 DMI-to-PCI bridge (QEMU hw/pci-bridge/i82801b11.c), libvirt's dmi-to-pci-bridge: a
// conventional bridge with no SHPC, no slot and no resource-reserve capability, behind which libvirt hangs
// pci-bridges on q35. Measured on QEMU 7.2: no BARs, I/O and 64-bit prefetchable windows.

#include "devices/device_families.hpp"
#include "devices/pci_ids.hpp"

namespace aperture {

namespace {

// include/hw/pci/pci_ids.h: PCI_DEVICE_ID_INTEL_82801BA_11
constexpr std::uint16_t kI82801b11DeviceId = 0x244e;

PciFunctionSpec build_i82801b11(const DeviceProperties&, const PlugContext&) {
    PciFunctionSpec spec;
    spec.driver = "i82801b11-bridge";
    spec.vendor_id = pci_ids::kVendorIntel;
    spec.device_id = kI82801b11DeviceId;
    spec.class_code = pci_ids::kClassBridgePci;
    BridgeSpec bridge;
    bridge.kind = BridgeKind::PciBridge;
    spec.bridge = bridge;
    return spec;
}

}  // namespace

std::vector<DeviceModel> device_families::dmi_pci_bridges() {
    return {
        DeviceModel{
            .name = "i82801b11-bridge",
            .default_romfile = "",
            .layout_neutral_properties = {},
            .layout_properties = {},
            .build = build_i82801b11,
        },
    };
}

}  // namespace aperture
