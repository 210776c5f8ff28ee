#pragma once
// A device of the domain on its way to a DeviceSpec: what QEMU device libvirt makes of it, and where on
// the guest's PCI buses it goes (from <address type='pci'>, or placed the way libvirt places it).

#include <optional>
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "config/vm_spec.hpp"

namespace aperture::libvirt_xml {

// src/conf/domain_addr.h virDomainPCIConnectFlags: what a device needs of the bus it plugs into, and
// what a bus accepts.
namespace connect {
inline constexpr unsigned kAutoAssign = 1U << 0;
inline constexpr unsigned kHotpluggable = 1U << 1;
inline constexpr unsigned kIntegrated = 1U << 2;
inline constexpr unsigned kAggregateSlot = 1U << 3;
inline constexpr unsigned kPciDevice = 1U << 4;
inline constexpr unsigned kPcieDevice = 1U << 5;
inline constexpr unsigned kPcieRootPort = 1U << 6;
inline constexpr unsigned kSwitchUpstreamPort = 1U << 7;
inline constexpr unsigned kSwitchDownstreamPort = 1U << 8;
inline constexpr unsigned kDmiToPciBridge = 1U << 9;
inline constexpr unsigned kPciExpanderBus = 1U << 10;
inline constexpr unsigned kPcieExpanderBus = 1U << 11;
inline constexpr unsigned kPciBridge = 1U << 12;
inline constexpr unsigned kPcieToPciBridge = 1U << 13;
inline constexpr unsigned kTypesMask = kPciDevice | kPcieDevice | kPcieRootPort | kSwitchUpstreamPort |
                                       kSwitchDownstreamPort | kDmiToPciBridge | kPciExpanderBus | kPcieExpanderBus |
                                       kPciBridge | kPcieToPciBridge;
inline constexpr unsigned kEndpoint = kPciDevice | kPcieDevice;
}  // namespace connect

// <controller type='pci' model=...> (src/conf/domain_conf.h virDomainControllerModelPCI).
enum class PciControllerModel {
    PciRoot,
    PcieRoot,
    PciBridge,
    DmiToPciBridge,
    PcieToPciBridge,
    PcieRootPort,
    SwitchUpstreamPort,
    SwitchDownstreamPort,
    PciExpanderBus,
    PcieExpanderBus,
};
const char* to_string(PciControllerModel model);

struct PciAddress {
    unsigned domain = 0;
    unsigned bus = 0;
    unsigned slot = 0;
    unsigned function = 0;
    std::optional<bool> multifunction;  // absent unless written (or set where libvirt sets it)
};

// libvirt's categories of devices, in the order qemuDomainAssignDevicePCISlots gives them addresses.
enum class DeviceClass {
    PciController,
    Filesystem,
    Net,
    Sound,
    Controller,  // every other controller: USB, SCSI, SATA, IDE, virtio-serial
    Disk,
    Hostdev,
    Memballoon,
    Rng,
    Watchdog,
    Video,
    Shmem,
    Input,
    Serial,
    Iommu,
    Vsock,
    Memory,
    Crypto,
    Panic,
    Pstore,
    NotPci,  // USB/SCSI/IDE devices, TPMs: no PCI address
};

struct GuestDevice {
    DeviceClass kind = DeviceClass::NotPci;
    DeviceSpec spec;         // driver, id (libvirt's alias), properties and location; bus/addr set later
    bool emitted = true;     // false: no -device (pci-root, pcie-root, the built-in IDE/SATA/USB functions)
    unsigned connect = 0;    // connect flags; 0: takes no PCI address
    std::optional<PciAddress> address;  // as written, then as assigned
    bool unassigned = false;            // <address type='unassigned'>: a hostdev the guest does not see
    pugi::xml_node element;

    // Controllers (any type): libvirt's type name ("pci", "usb", ...), index and model.
    std::string controller_type;
    int controller_index = -1;
    std::string controller_model;
    std::optional<PciControllerModel> pci_model;
    bool hotplug = true;  // <target hotplug='off'> on a PCI controller

    bool primary_video = false;
};

// virDomainControllerInsertPreAlloced: a controller goes after the last one of its type with a lower
// index, so the list stays in the order libvirt keeps (and writes the command line in).
inline void insert_controller(std::vector<GuestDevice>& list, GuestDevice controller) {
    auto position = list.end();
    for (auto it = list.begin(); it != list.end(); ++it) {
        if (it->controller_type != controller.controller_type) continue;
        if (it->controller_index > controller.controller_index) {
            position = it;
            break;
        }
        position = it + 1;
    }
    list.insert(position, std::move(controller));
}

}  // namespace aperture::libvirt_xml
