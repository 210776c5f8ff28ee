// QEMU's PCI expander bridges, pxb and pxb-pcie (QEMU 7.2 hw/pci-bridge/pci_expander_bridge.c): a host-bridge
// function on the main root bus with no BARs. The extra root bus it brings (and, for pxb, the pci-bridge QEMU
// puts on that bus) is the machine's to create (machine/machine.cpp), since it changes the bus tree.

#include "devices/device_families.hpp"
#include "devices/pci_ids.hpp"

namespace aperture {

namespace {

// include/hw/pci/pci.h: PCI_DEVICE_ID_REDHAT_PXB
constexpr std::uint16_t kPxbDeviceId = 0x0009;
// include/hw/pci/pci.h: PCI_DEVICE_ID_REDHAT_PXB_PCIE
constexpr std::uint16_t kPxbPcieDeviceId = 0x000b;
// include/sysemu/numa.h: NUMA_NODE_UNASSIGNED, numa_node's default
constexpr std::uint16_t kNumaNodeUnassigned = 0xffff;

PciFunctionSpec build_expander(const DeviceProperties& properties, const PlugContext& context, bool express) {
    // pxb_dev_realize / pxb_pcie_dev_realize: the bus the expander itself sits on
    if (!express && context.bus_is_express) {
        properties.refuse("pxb is a conventional PCI expander and cannot sit on a PCI Express bus: use pxb-pcie on q35",
                          "pxb devices cannot reside on a PCIe bus");
    }
    if (express && !context.bus_is_express) {
        properties.refuse("pxb-pcie is a PCI Express expander and cannot sit on a conventional PCI bus: use pxb on pc",
                          "pxb-pcie devices cannot reside on a PCI bus");
    }
    ExpanderSpec expander;
    expander.express = express;
    expander.bus_nr = properties.uint8("bus_nr").value_or(0);
    const std::uint16_t numa = properties.uint16("numa_node").value_or(kNumaNodeUnassigned);
    // pxb_dev_realize_common: a node the machine does not have
    if (numa != kNumaNodeUnassigned) {
        if (numa >= context.numa_nodes) {
            properties.refuse("numa_node=" + std::to_string(numa) + " names a NUMA node the machine does not have (" +
                                  std::to_string(context.numa_nodes) + " -numa node given)",
                              "Illegal numa node " + std::to_string(numa));
        }
        expander.numa_node = numa;
    }
    PciFunctionSpec spec;
    spec.driver = express ? "pxb-pcie" : "pxb";
    spec.vendor_id = pci_ids::kVendorRedHat;
    spec.device_id = express ? kPxbPcieDeviceId : kPxbDeviceId;
    spec.class_code = pci_ids::kClassBridgeHost;
    spec.expander = expander;
    return spec;
}

}  // namespace

std::vector<DeviceModel> device_families::pci_expander_bridges() {
    return {
        DeviceModel{
            .name = "pxb",
            .default_romfile = "",
            .layout_neutral_properties = {"bypass_iommu"},
            .layout_properties = {"bus_nr", "numa_node"},
            .build = [](const DeviceProperties& properties, const PlugContext& context) {
                return build_expander(properties, context, false);
            },
        },
        DeviceModel{
            .name = "pxb-pcie",
            .default_romfile = "",
            .layout_neutral_properties = {"bypass_iommu"},
            .layout_properties = {"bus_nr", "numa_node"},
            .build = [](const DeviceProperties& properties, const PlugContext& context) {
                return build_expander(properties, context, true);
            },
        },
    };
}

}  // namespace aperture
