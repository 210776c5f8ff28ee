// The Intel 82801 DMI-to-PCI bridge (QEMU 7.2 hw/pci-bridge/i82801b11.c): a conventional PCI bus behind
// pcie.0, where libvirt's dmi-to-pci-bridge and Proxmox VE's pve-q35*.cfg ("pcidmi" at 00:1e.0) hang
// their pci-bridges. No BARs, no SHPC and no resource-reserve capability, so the firmware sizes its
// windows from what sits behind it alone. Measured with QMP query-pci and config-space probes on QEMU
// 7.2 (tests/oracle/devices/probe.py): 8086:244e class 0604, no regions, I/O, memory and 64-bit
// prefetchable windows implemented, no SHPC or MSI capability.

#include "devices/device_families.hpp"
#include "devices/pci_ids.hpp"

namespace aperture {

namespace {

// include/hw/pci/pci_ids.h: PCI_DEVICE_ID_INTEL_82801BA_11
constexpr std::uint16_t kI82801b11DeviceId = 0x244e;

PciFunctionSpec make_i82801b11_bridge() {
    PciFunctionSpec spec;
    spec.driver = "i82801b11-bridge";
    spec.vendor_id = pci_ids::kVendorIntel;
    spec.device_id = kI82801b11DeviceId;
    spec.class_code = pci_ids::kClassBridgePci;
    BridgeSpec bridge;
    bridge.kind = BridgeKind::PciBridge;  // i82801b11_bridge_realize: pci_bridge_initfn(d, TYPE_PCI_BUS)
    spec.bridge = bridge;
    return spec;
}

}  // namespace

std::vector<DeviceModel> device_families::i82801b11_bridges() {
    return {
        DeviceModel{
            .name = "i82801b11-bridge",
            .default_romfile = "",
            .layout_neutral_properties = {},
            .layout_properties = {},
            .build = [](const DeviceProperties&, const PlugContext&) { return make_i82801b11_bridge(); },
        },
    };
}

}  // namespace aperture
