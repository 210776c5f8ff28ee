#include "input/libvirt_xml/controller_models.hpp"

#include <map>

namespace aperture::libvirt_xml {

std::optional<PciControllerModel> pci_controller_model_named(const std::string& model) {
    static const std::map<std::string, PciControllerModel> models{
        {"pci-root", PciControllerModel::PciRoot},
        {"pcie-root", PciControllerModel::PcieRoot},
        {"pci-bridge", PciControllerModel::PciBridge},
        {"dmi-to-pci-bridge", PciControllerModel::DmiToPciBridge},
        {"pcie-to-pci-bridge", PciControllerModel::PcieToPciBridge},
        {"pcie-root-port", PciControllerModel::PcieRootPort},
        {"pcie-switch-upstream-port", PciControllerModel::SwitchUpstreamPort},
        {"pcie-switch-downstream-port", PciControllerModel::SwitchDownstreamPort},
        {"pci-expander-bus", PciControllerModel::PciExpanderBus},
        {"pcie-expander-bus", PciControllerModel::PcieExpanderBus},
    };
    auto it = models.find(model);
    return it == models.end() ? std::nullopt : std::optional(it->second);
}

std::string pci_controller_driver(PciControllerModel model) {
    switch (model) {
        case PciControllerModel::PciBridge: return "pci-bridge";
        case PciControllerModel::DmiToPciBridge: return "i82801b11-bridge";
        case PciControllerModel::PcieToPciBridge: return "pcie-pci-bridge";
        case PciControllerModel::PcieRootPort: return "pcie-root-port";  // QEMU 7.2 has it: not ioh3420
        case PciControllerModel::SwitchUpstreamPort: return "x3130-upstream";
        case PciControllerModel::SwitchDownstreamPort: return "xio3130-downstream";
        case PciControllerModel::PciExpanderBus: return "pxb";
        case PciControllerModel::PcieExpanderBus: return "pxb-pcie";
        case PciControllerModel::PciRoot:
        case PciControllerModel::PcieRoot: return "";
    }
    return "";
}

unsigned pci_controller_connect(PciControllerModel model) {
    using namespace connect;
    switch (model) {
        case PciControllerModel::PciBridge: return kPciBridge;
        case PciControllerModel::DmiToPciBridge: return kDmiToPciBridge;
        case PciControllerModel::PcieToPciBridge: return kPcieToPciBridge;
        case PciControllerModel::PcieRootPort: return kPcieRootPort | kAggregateSlot;  // eight to a slot
        case PciControllerModel::SwitchUpstreamPort: return kSwitchUpstreamPort;
        case PciControllerModel::SwitchDownstreamPort: return kSwitchDownstreamPort;
        case PciControllerModel::PciExpanderBus: return kPciExpanderBus;
        case PciControllerModel::PcieExpanderBus: return kPcieExpanderBus;
        case PciControllerModel::PciRoot:
        case PciControllerModel::PcieRoot: return 0;
    }
    return 0;
}

std::optional<UsbControllerModel> usb_controller_model(const std::string& model) {
    // qemuDomainDeviceCalculatePCIConnectFlags: only the xHCI controllers are PCI Express.
    static const std::map<std::string, UsbControllerModel> models{
        {"piix3-uhci", {"piix3-usb-uhci", false}}, {"piix4-uhci", {"piix4-usb-uhci", false}},
        {"ehci", {"usb-ehci", false}},             {"ich9-ehci1", {"ich9-usb-ehci1", false}},
        {"ich9-uhci1", {"ich9-usb-uhci1", false}}, {"ich9-uhci2", {"ich9-usb-uhci2", false}},
        {"ich9-uhci3", {"ich9-usb-uhci3", false}}, {"vt82c686b-uhci", {"vt82c686b-usb-uhci", false}},
        {"pci-ohci", {"pci-ohci", false}},         {"nec-xhci", {"nec-usb-xhci", true}},
        {"qemu-xhci", {"qemu-xhci", true}},
    };
    auto it = models.find(model);
    return it == models.end() ? std::nullopt : std::optional(it->second);
}

std::optional<std::string> scsi_controller_driver(const std::string& model) {
    static const std::map<std::string, std::string> drivers{
        {"virtio-scsi", "virtio-scsi-pci"},
        {"virtio-transitional", "virtio-scsi-pci-transitional"},
        {"virtio-non-transitional", "virtio-scsi-pci-non-transitional"},
        {"lsilogic", "lsi53c895a"},  // libvirt writes the alias "lsi"
        {"lsisas1068", "mptsas1068"},
        {"lsisas1078", "megasas"},
        {"vmpvscsi", "pvscsi"},
        {"buslogic", "buslogic"},
        {"dc390", "dc390"},
        {"am53c974", "am53c974"},
    };
    auto it = drivers.find(model);
    return it == drivers.end() ? std::nullopt : std::optional(it->second);
}

}  // namespace aperture::libvirt_xml
