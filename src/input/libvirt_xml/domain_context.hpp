#pragma once
// Internal to src/input/libvirt_xml: what the element readers share while one domain is read.

#include <string>
#include <vector>

#include "input/libvirt_xml/domain.hpp"
#include "input/libvirt_xml/guest_device.hpp"
#include "input/libvirt_xml/pci_address_assignment.hpp"
#include "input/libvirt_xml/xml_document.hpp"

namespace aperture::libvirt_xml {

struct DomainContext {
    const XmlDocument& xml;
    LibvirtDomain& domain;
    LibvirtReadOptions options;
    ChipsetKind chipset = ChipsetKind::I440fx;
    std::vector<GuestDevice> controllers;  // libvirt's controller order
    std::vector<GuestDevice> devices;      // every other device, in libvirt's order within its class

    VmSpec& spec() { return domain.spec; }
    LibvirtDomainFacts& facts() { return domain.facts; }
    bool q35() const { return chipset == ChipsetKind::Q35; }
    void note(pugi::xml_node node, std::string text) { domain.spec.notes.push_back({std::move(text), xml.where(node)}); }
};

// <domain type>, <os>, <features>, <clock>: the machine, accelerator and firmware (os_reader.cpp).
void read_machine(DomainContext& context);
// <memory>, <currentMemory>, <maxMemory>, <memtune>, <memoryBacking> (memory_reader.cpp).
void read_memory(DomainContext& context);
// <vcpu>, <cpu> (cpu_reader.cpp).
void read_cpu(DomainContext& context);
// <devices>: controllers and devices, with libvirt's implicit ones (device_reader.cpp).
void read_devices(DomainContext& context);
// The controller libvirt adds for a bus it needs (device_reader.cpp).
GuestDevice make_implicit_pci_controller(DomainContext& context, int index, PciControllerModel model);
// After the devices are in the VmSpec: <qemu:commandline> and <qemu:override> (qemu_namespace.cpp).
void read_qemu_namespace(DomainContext& context);

}  // namespace aperture::libvirt_xml
