#pragma once
// Places the devices the XML leaves without a PCI address the way libvirt 10.7.0 does
// (src/qemu/qemu_domain_address.c qemuDomainAssignPCIAddresses over src/conf/domain_addr.c's address
// set): a dry run finds how many buses are needed and adds the controllers for them (pcie-root-ports on
// q35, one per PCIe device, grouped eight to a slot; pci-bridges on i440fx), then every device without an
// address takes the first free compatible slot, in libvirt's order of device classes.

#include <functional>
#include <vector>

#include "input/libvirt_xml/guest_device.hpp"

namespace aperture::libvirt_xml {

enum class ChipsetKind { I440fx, Q35 };

struct AddressAssignmentInput {
    ChipsetKind chipset = ChipsetKind::I440fx;
    // Controllers in libvirt's order (by type, then index, as virDomainControllerInsertPreAlloced keeps them).
    std::vector<GuestDevice>* controllers = nullptr;
    // Every other device, in libvirt's order within its class.
    std::vector<GuestDevice>* devices = nullptr;
    // Makes the <controller type='pci'> libvirt adds for bus `index` (it is inserted into `controllers`).
    std::function<GuestDevice(int index, PciControllerModel model)> make_controller;
};

// Fills GuestDevice::address of every device that takes one; throws InputError with libvirt's message
// where libvirt refuses the addresses ("Attempted double use of PCI Address 0000:00:03.0").
void assign_pci_addresses(const AddressAssignmentInput& input);

// "0000:00:03.0", the form of libvirt's messages.
std::string format_pci_address(const PciAddress& address);

}  // namespace aperture::libvirt_xml
