#pragma once
// libvirt's controller models and the QEMU devices they become (src/qemu/qemu_command.c
// qemuBuildControllerDevProps, src/qemu/qemu_domain_address.c qemuDomainPCIControllerSetDefaultModelName,
// src/conf/domain_addr.c virDomainPCIControllerModelToConnectType).

#include <optional>
#include <string>

#include "input/libvirt_xml/guest_device.hpp"

namespace aperture::libvirt_xml {

// <controller type='pci' model='pcie-root-port'> -> PcieRootPort; nullopt for an unknown model.
std::optional<PciControllerModel> pci_controller_model_named(const std::string& model);
// The QEMU device of a PCI controller ("" for the roots, which are the machine's own).
std::string pci_controller_driver(PciControllerModel model);
// What the controller needs of the bus it plugs into.
unsigned pci_controller_connect(PciControllerModel model);

struct UsbControllerModel {
    std::string driver;  // "qemu-xhci"
    bool express;        // a PCI Express device on q35
};
std::optional<UsbControllerModel> usb_controller_model(const std::string& model);

// <controller type='scsi' model=...> -> "virtio-scsi-pci", "lsi53c895a", ... (the canonical QEMU type, not libvirt's alias)
std::optional<std::string> scsi_controller_driver(const std::string& model);

}  // namespace aperture::libvirt_xml
