// PCI Express root ports: QEMU's generic pcie-root-port and the Intel ioh3420 model
// (QEMU 7.2 hw/pci-bridge/gen_pcie_root_port.c, pcie_root_port.c, ioh3420.c).

#include "devices/bridge_common.hpp"
#include "devices/device_families.hpp"
#include "devices/msix.hpp"
#include "devices/pci_ids.hpp"

namespace aperture {

namespace {

// include/hw/pci/pci.h: PCI_DEVICE_ID_REDHAT_PCIE_RP
constexpr std::uint16_t kGenericRootPortDeviceId = 0x000c;
// hw/pci-bridge/gen_pcie_root_port.c: GEN_PCIE_ROOT_PORT_MSIX_NR_VECTOR (its exclusive MSI-X BAR 0)
constexpr std::uint16_t kGenericRootPortMsixVectors = 1;
constexpr int kGenericRootPortMsixBar = 0;
// hw/pci-bridge/gen_pcie_root_port.c: GEN_PCIE_ROOT_DEFAULT_IO_RANGE, io-reserve when the slot is
// hot-pluggable through ACPI rather than natively
constexpr u64 kGenericRootPortDefaultIoReserve = 4096;
// hw/pci-bridge/ioh3420.c: PCI_DEVICE_ID_IOH_EPORT
constexpr std::uint16_t kIoh3420DeviceId = 0x3420;

PciFunctionSpec build_pcie_root_port(const DeviceProperties& properties, const PlugContext& context) {
    const PcieSlotProperties slot = read_pcie_slot(properties, context);
    ResourceReserveRequest reserve = read_resource_reserve(properties);
    if (reserve.io == ResourceReserveRequest::kUnset && slot.hotplug && !slot.native_hotplug) {
        reserve.io = kGenericRootPortDefaultIoReserve;
    }

    PciFunctionSpec spec;
    spec.driver = "pcie-root-port";
    spec.vendor_id = pci_ids::kVendorRedHat;
    spec.device_id = kGenericRootPortDeviceId;
    spec.class_code = pci_ids::kClassBridgePci;
    spec.bars.push_back(BarSpec::memory32(kGenericRootPortMsixBar,
                                          *msix_exclusive_bar_size(kGenericRootPortMsixVectors), Prefetchable::No));
    BridgeSpec bridge = pcie_slot_bridge(BridgeKind::PcieRootPort, slot);
    bridge.reserve = resource_reserve_cap(reserve, properties);
    // gen_rp_realize: io-reserve=0 makes I/O base/limit (and the command register's I/O enable) read-only 0.
    bridge.io_window = reserve.io != 0;
    spec.bridge = bridge;
    return spec;
}

PciFunctionSpec build_ioh3420(const DeviceProperties& properties, const PlugContext& context) {
    const PcieSlotProperties slot = read_pcie_slot(properties, context);
    PciFunctionSpec spec;
    spec.driver = "ioh3420";
    spec.vendor_id = pci_ids::kVendorIntel;
    spec.device_id = kIoh3420DeviceId;
    spec.class_code = pci_ids::kClassBridgePci;
    spec.bridge = pcie_slot_bridge(BridgeKind::PcieRootPort, slot);  // MSI capability only: no BAR, no reserve capability
    return spec;
}

}  // namespace

std::vector<DeviceModel> device_families::pcie_root_ports() {
    return {
        DeviceModel{
            .name = "pcie-root-port",
            .default_romfile = "",
            .layout_neutral_properties = {"aer_log_max", "disable-acs", "port", "power_controller_present",
                                          "x-migrate-msix", "x-speed", "x-width"},
            .layout_properties = join_names({pcie_slot_property_names(), resource_reserve_property_names()}),
            .build = build_pcie_root_port,
        },
        DeviceModel{
            .name = "ioh3420",
            .default_romfile = "",
            .layout_neutral_properties = {"aer_log_max", "disable-acs", "port", "power_controller_present"},
            .layout_properties = pcie_slot_property_names(),
            .build = build_ioh3420,
        },
    };
}

}  // namespace aperture
