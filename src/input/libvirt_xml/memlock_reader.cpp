#include "input/libvirt_xml/memlock_reader.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/input_file.hpp"
#include "input/args_file.hpp"
#include "input/libvirt_xml/scaled_integer.hpp"
#include "input/libvirt_xml/xml_document.hpp"

namespace aperture {

namespace {

using libvirt_xml::XmlDocument;

// src/conf/domain_validate.c: "PCI controller target index ... must be 0-30".
constexpr u64 kLastPhbTargetIndex = 30;

// <address domain= bus= slot= function=> of a host PCI function, as sysfs spells it.
std::string host_address(const XmlDocument& xml, pugi::xml_node device) {
    const pugi::xml_node address = device.child("source").child("address");
    if (!address) xml.fail(device, "expected <source><address domain= bus= slot= function=/></source>");
    const u64 domain = xml.unsigned_attribute(address, "domain").value_or(0);
    const auto bus = xml.unsigned_attribute(address, "bus");
    const auto slot = xml.unsigned_attribute(address, "slot");
    const u64 function = xml.unsigned_attribute(address, "function").value_or(0);
    if (!bus || !slot) xml.fail(address, "a host PCI address needs bus= and slot=");
    if (domain > 0xffff || *bus > 0xff || *slot > 0x1f || function > 7) xml.fail(address, "host PCI address out of range");
    return fmt::format("{:04x}:{:02x}:{:02x}.{:x}", domain, *bus, *slot, function);
}

// <address type='pci' bus= slot= function=> on a guest device; nullopt when absent or not PCI.
std::optional<PseriesGuestAddress> guest_address(const XmlDocument& xml, pugi::xml_node device) {
    for (pugi::xml_node address : XmlDocument::children(device, "address")) {
        if (XmlDocument::attribute(address, "type").value_or("") != "pci") continue;
        const u64 bus = xml.unsigned_attribute(address, "bus").value_or(0);
        const u64 slot = xml.unsigned_attribute(address, "slot").value_or(0);
        const u64 function = xml.unsigned_attribute(address, "function").value_or(0);
        if (bus > 0xff || slot > 0xff || function > 0xff) xml.fail(address, "guest PCI address out of range");
        return PseriesGuestAddress{static_cast<unsigned>(bus), static_cast<unsigned>(slot), static_cast<unsigned>(function)};
    }
    return std::nullopt;
}

u64 memory_kib(const XmlDocument& xml, pugi::xml_node node) { return libvirt_xml::parse_memory(xml, node) / KiB; }

// virDomainDefGetMemoryTotal: <memory> as written (a `virsh dumpxml` has already folded the NUMA cells and
// memory modules into it). Without <memory>, virDomainDefPostParseMemory takes the NUMA cells' total.
u64 total_memory_kib(const XmlDocument& xml, pugi::xml_node root) {
    if (const pugi::xml_node memory = root.child("memory")) return memory_kib(xml, memory);
    u64 cells_kib = 0;
    for (pugi::xml_node cell : root.child("cpu").child("numa").children("cell")) {
        const auto value = xml.unsigned_attribute(cell, "memory");
        if (!value) xml.fail(cell, "a NUMA cell needs a 'memory' attribute");
        const auto scaled = libvirt_xml::scale_integer(*value, XmlDocument::attribute(cell, "unit").value_or(""), KiB, libvirt_xml::kLibvirtMemoryMax);
        if (!scaled.bytes) xml.fail(cell, scaled.error);
        const auto sum = checked_add(cells_kib, *scaled.bytes / KiB);
        if (!sum) xml.fail(cell, "the NUMA cells' memory passes 2^64 bytes");
        cells_kib = *sum;
    }
    if (cells_kib == 0) xml.fail(root, "expected a <memory> element");
    return cells_kib;
}

// qemuDomainDiskHasNVMe-style: the disk or any <backingStore> in its chain has an NVMe source.
bool chain_has_nvme(pugi::xml_node disk) {
    for (pugi::xml_node node = disk; node; node = node.child("backingStore")) {
        const std::string type = XmlDocument::attribute(node, "type").value_or("");
        if (type == "nvme") return true;
    }
    return false;
}

void read_device(const XmlDocument& xml, pugi::xml_node device, LibvirtMemlockDomain& out, std::vector<LibvirtMemlockHostdev>& interface_hostdevs,
                 std::vector<LibvirtMemlockHostdev>& hostdevs) {
    const std::string name = device.name();
    const std::string type = XmlDocument::attribute(device, "type").value_or("");
    if (name == "hostdev" && XmlDocument::attribute(device, "mode").value_or("subsystem") == "subsystem") {
        if (type == "pci") {
            hostdevs.push_back({host_address(xml, device), guest_address(xml, device), xml.where(device).text});
            return;
        }
        if (type == "mdev") ++out.mdev_hostdevs;
    } else if (name == "interface" && type == "hostdev") {
        interface_hostdevs.push_back({host_address(xml, device), guest_address(xml, device), xml.where(device).text});
        return;
    } else if (name == "interface" && type == "vdpa") {
        ++out.vdpa_interfaces;
    } else if (name == "disk") {
        if (type == "vhostvdpa") ++out.vdpa_disks;
        if (chain_has_nvme(device)) ++out.nvme_disks;
    } else if (name == "iommu") {
        out.viommu = true;
    } else if (name == "controller" && type == "pci" && XmlDocument::attribute(device, "model").value_or("") == "pci-root") {
        const auto index = xml.unsigned_attribute(device, "index");
        if (!index || *index > 0xff) xml.fail(device, "a pci-root controller needs an index from 0 to 255");
        // src/conf/domain_validate.c virDomainControllerDefValidate: a PHB's target index (its
        // spapr-pci-host-bridge index=) is 0 to 30, and 0 exactly for controller index 0.
        if (const pugi::xml_node target = device.child("target")) {
            if (const auto target_index = xml.unsigned_attribute(target, "index")) {
                if (*target_index > kLastPhbTargetIndex) xml.fail(target, "PCI controller target index must be 0-30");
                if ((*index == 0) != (*target_index == 0)) {
                    xml.fail(target, "only the PCI controller with index 0 can have target index 0, and vice versa");
                }
            }
        }
        out.pci_root_indices.push_back(static_cast<unsigned>(*index));
        return;  // a PHB has no PCI address of its own
    }
    if (const auto address = guest_address(xml, device)) out.emulated_addresses.push_back(*address);
}

}  // namespace

LibvirtMemlockDomain read_libvirt_memlock_domain(std::string_view xml_text, const std::string& file_name) {
    return read_libvirt_memlock_domain(XmlDocument(xml_text, file_name));
}

LibvirtMemlockDomain read_libvirt_memlock_domain(const XmlDocument& xml) {
    const pugi::xml_node root = xml.root();
    if (std::string(root.name()) != "domain") xml.fail(root, "expected a <domain> element");

    LibvirtMemlockDomain out;
    out.kvm = XmlDocument::attribute(root, "type").value_or("") == "kvm";
    out.arch = XmlDocument::attribute(root.child("os").child("type"), "arch").value_or("x86_64");

    out.memory_kib = total_memory_kib(xml, root);
    if (const pugi::xml_node max_memory = root.child("maxMemory")) out.max_memory_kib = memory_kib(xml, max_memory);
    if (const pugi::xml_node hard_limit = root.child("memtune").child("hard_limit")) out.hard_limit_kib = memory_kib(xml, hard_limit);
    out.locked = static_cast<bool>(root.child("memoryBacking").child("locked"));

    std::vector<LibvirtMemlockHostdev> interface_hostdevs;
    std::vector<LibvirtMemlockHostdev> hostdevs;
    for (pugi::xml_node device : root.child("devices").children()) {
        if (device.type() == pugi::node_element) read_device(xml, device, out, interface_hostdevs, hostdevs);
    }
    // qemuDomainAssignDevicePCISlots places <interface type='hostdev'> before <hostdev> elements.
    out.pci_hostdevs = std::move(interface_hostdevs);
    out.pci_hostdevs.insert(out.pci_hostdevs.end(), hostdevs.begin(), hostdevs.end());
    return out;
}

LibvirtMemlockDomain read_libvirt_memlock_domain_file(const std::string& path) {
    const std::string text = read_input_file(path, kDomainXmlKind);
    return read_libvirt_memlock_domain(text, input_display_name(path));
}

}  // namespace aperture
