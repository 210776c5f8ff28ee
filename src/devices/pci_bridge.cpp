// QEMU's conventional PCI-to-PCI bridge and its multiseat twin (QEMU 7.2 hw/pci-bridge/pci_bridge_dev.c).

#include "devices/bridge_common.hpp"
#include "devices/device_families.hpp"
#include "devices/pci_ids.hpp"

namespace aperture {

namespace {

// include/hw/pci/pci.h: PCI_DEVICE_ID_REDHAT_BRIDGE
constexpr std::uint16_t kPciBridgeDeviceId = 0x0001;
// include/hw/pci/pci.h: PCI_DEVICE_ID_REDHAT_BRIDGE_SEAT
constexpr std::uint16_t kPciBridgeSeatDeviceId = 0x000a;
// hw/pci/shpc.c: shpc_bar_size, the SHPC registers for 31 slots rounded up to a power of two
constexpr u64 kShpcBarSize = 256;
// hw/pci-bridge/pci_bridge_dev.c: the SHPC BAR is BAR 0, 64-bit, not prefetchable
constexpr int kShpcBar = 0;

PciFunctionSpec build_bridge(const DeviceProperties& properties, const char* driver, std::uint16_t device_id) {
    const auto chassis_nr = properties.uint8("chassis_nr").value_or(0);
    const bool shpc = properties.boolean_or("shpc", true);
    const ResourceReserveRequest reserve = read_resource_reserve(properties);

    // hw/pci/slotid_cap.c, slotid_cap_init (after the SHPC set-up, before the reserve capability)
    if (chassis_nr == 0) {
        properties.refuse("property 'chassis_nr' must be set to a chassis number from 1 to 255",
                          "Bridge chassis not specified. Each bridge is required to be assigned a unique chassis id > "
                          "0.");
    }
    PciFunctionSpec spec;
    spec.driver = driver;
    spec.vendor_id = pci_ids::kVendorRedHat;
    spec.device_id = device_id;
    spec.class_code = pci_ids::kClassBridgePci;
    if (shpc) spec.bars.push_back(BarSpec::memory64(kShpcBar, kShpcBarSize, Prefetchable::No));
    BridgeSpec bridge;
    bridge.kind = BridgeKind::PciBridge;
    bridge.has_shpc = shpc;
    bridge.reserve = resource_reserve_cap(reserve, properties);
    spec.bridge = bridge;
    return spec;
}

std::vector<std::string> bridge_layout_properties() {
    return join_names({{"chassis_nr", "shpc"}, resource_reserve_property_names()});
}

}  // namespace

std::vector<DeviceModel> device_families::pci_bridges() {
    return {
        DeviceModel{
            .name = "pci-bridge",
            .default_romfile = "",
            .layout_neutral_properties = {"msi"},
            .layout_properties = bridge_layout_properties(),
            .build = [](const DeviceProperties& properties,
                        const PlugContext&) { return build_bridge(properties, "pci-bridge", kPciBridgeDeviceId); },
        },
        DeviceModel{
            .name = "pci-bridge-seat",
            .default_romfile = "",
            .layout_neutral_properties = {"msi"},
            .layout_properties = bridge_layout_properties(),
            .build =
                [](const DeviceProperties& properties, const PlugContext&) {
                    return build_bridge(properties, "pci-bridge-seat", kPciBridgeSeatDeviceId);
                },
            // hw/pci-bridge/pci_bridge_dev.c: TYPE_PCI_BRIDGE_SEAT_DEV's parent is TYPE_PCI_BRIDGE_DEV.
            .qom_types = {"pci-bridge"},
        },
    };
}

}  // namespace aperture
