#include "input/libvirt_xml/pseries_domain_reader.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <optional>

#include "core/error.hpp"
#include "input/libvirt_xml/xml_document.hpp"
#include "libvirt/pseries_phb.hpp"

namespace aperture {

namespace {

using libvirt_xml::XmlDocument;

// The order qemuDomainAssignDevicePCISlots (src/qemu/qemu_domain_address.c) gives addresses to the device
// classes a pSeries domain here can hold; within a class, the order of the XML.
enum class SlotOrder { Controller, Net, Video, Disk, Hostdev, Memballoon, Rng };

// A PCI device libvirt puts on the command line.
struct PciDevice {
    SlotOrder order;
    std::string driver;
    std::string alias;
    std::vector<std::pair<std::string, std::string>> properties;
    std::optional<PseriesGuestAddress> address;  // as written
    std::optional<unsigned> iommu_group;          // hostdevs: the host group, which picks the PHB
    bool multifunction = false;
    SourceLocation where;
};

// <alias name=> as `virsh dumpxml` of a running domain shows it, else libvirt's own name.
std::string alias_of(pugi::xml_node device, const std::string& fallback) {
    if (const auto name = XmlDocument::attribute(device.child("alias"), "name")) return *name;
    return fallback;
}

std::optional<PseriesGuestAddress> written_address(const XmlDocument& xml, pugi::xml_node device, bool& multifunction) {
    for (pugi::xml_node address : XmlDocument::children(device, "address")) {
        const std::string type = XmlDocument::attribute(address, "type").value_or("");
        if (type.empty()) continue;
        if (type != "pci") xml.fail(address, "address type '" + type + "': a pSeries device sits on a PHB (type='pci')");
        multifunction = xml.switch_attribute(address, "multifunction").value_or(false);
        const u64 bus = xml.unsigned_attribute(address, "bus").value_or(0);
        const u64 slot = xml.unsigned_attribute(address, "slot").value_or(0);
        const u64 function = xml.unsigned_attribute(address, "function").value_or(0);
        if (xml.unsigned_attribute(address, "domain").value_or(0) != 0) xml.fail(address, "a pSeries guest has PCI domain 0 only");
        if (bus > 0xff || slot > 0xff || function > 0xff) xml.fail(address, "guest PCI address out of range");
        return PseriesGuestAddress{static_cast<unsigned>(bus), static_cast<unsigned>(slot), static_cast<unsigned>(function)};
    }
    return std::nullopt;
}

class Reader {
public:
    Reader(const XmlDocument& xml, const XmlMemlockHost& host) : xml_(xml), host_(host) {}

    LibvirtPseriesDomain read() {
        const pugi::xml_node root = xml_.root();
        out_.memlock = read_libvirt_memlock_domain(xml_);
        out_.memlock_input = xml_memlock_input(out_.memlock, host_);
        domain_type(root);
        os(root);
        memory(root);
        // libvirt always starts QEMU with -nodefaults: every device is in the XML.
        out_.spec.defaults.nodefaults = true;
        out_.spec.defaults.default_vga = false;
        out_.spec.defaults.default_nic = false;
        pugi::xml_node devices = root.child("devices");
        for (pugi::xml_node device : devices.children()) {
            if (device.type() == pugi::node_element) this->device(device);
        }
        if (!devices.child("memballoon")) {
            // virDomainDefAddImplicitDevices → qemu's default memballoon: a domain defined without one gets
            // a virtio balloon.
            out_.notes.push_back(fmt::format("{}: no <memballoon>: libvirt adds <memballoon model='virtio'/>", xml_.where(devices ? devices : root).text));
            pci_.push_back({SlotOrder::Memballoon, "virtio-balloon-pci", "balloon0", {}, std::nullopt, std::nullopt, false, xml_.where(devices ? devices : root)});
        }
        hostdevs();
        place();
        return std::move(out_);
    }

private:
    void domain_type(pugi::xml_node root) {
        const std::string type = XmlDocument::attribute(root, "type").value_or("");
        if (type == "kvm") out_.spec.machine.accel = "kvm";
        else if (type == "qemu") out_.spec.machine.accel = "tcg";
        else xml_.unsupported(root, "domain type '" + type + "' is not modelled: aperture models QEMU (type 'kvm' or 'qemu')");
    }

    void os(pugi::xml_node root) {
        const pugi::xml_node type = root.child("os").child("type");
        if (!type) xml_.fail(root, "<os> needs a <type> element");
        // qemu-system-ppc64's default machine (hw/ppc/spapr.c: mc->is_default), which libvirt takes too.
        const std::string machine = XmlDocument::attribute(type, "machine").value_or("pseries");
        if (machine != "pseries" && !machine.starts_with("pseries-")) {
            xml_.unsupported(type, "machine type '" + machine + "' is not modelled: aperture models ppc64 pseries machines");
        }
        out_.spec.machine.type = machine;
        out_.spec.machine.where = xml_.where(type);
    }

    void memory(pugi::xml_node root) {
        MemorySpec& memory = out_.spec.memory;
        const auto ram = checked_mul(out_.memlock.memory_kib, KiB);
        if (!ram) xml_.fail(root.child("memory"), "<memory> passes 2^64 bytes");
        memory.size = *ram;
        memory.where = xml_.where(root.child("memory") ? root.child("memory") : root);
        if (const pugi::xml_node max_memory = root.child("maxMemory")) {
            const auto max = checked_mul(out_.memlock.max_memory_kib.value_or(0), KiB);
            if (!max) xml_.fail(max_memory, "<maxMemory> passes 2^64 bytes");
            memory.maxmem = *max;
            memory.slots = static_cast<unsigned>(std::min<u64>(xml_.unsigned_attribute(max_memory, "slots").value_or(0), 0xffffffffu));
        }
        if (const pugi::xml_node vcpu = root.child("vcpu")) {
            const u64 cpus = xml_.unsigned_text(vcpu);
            if (cpus == 0 || cpus > 0xffff) xml_.fail(vcpu, "expected a vCPU count from 1 to 65535");
            out_.spec.cpus = static_cast<unsigned>(cpus);
        }
    }

    void add(pugi::xml_node device, SlotOrder order, std::string driver, const std::string& alias, std::vector<std::pair<std::string, std::string>> props = {}) {
        bool multifunction = false;
        const auto address = written_address(xml_, device, multifunction);
        pci_.push_back({order, std::move(driver), alias_of(device, alias), std::move(props), address, std::nullopt, multifunction, xml_.where(device)});
    }

    void device(pugi::xml_node device) {
        const std::string name = device.name();
        const std::string type = XmlDocument::attribute(device, "type").value_or("");
        const std::string model = XmlDocument::attribute(device, "model").value_or("");
        if (name == "hostdev") {
            // PCI hostdevs come from the memlock reading (hostdevs()); nothing else passes through here.
            if (type != "pci") xml_.unsupported(device, "a <hostdev type='" + type + "'> on pSeries is not modelled (PCI hostdevs are)");
            return;
        }
        if (name == "interface") return interface(device, type);
        if (name == "controller") return controller(device, type, model);
        if (name == "disk") {
            const std::string bus = XmlDocument::attribute(device.child("target"), "bus").value_or("");
            // A virtio disk is a virtio-blk-pci; scsi and usb disks sit on their controller's bus.
            // The drive is the disk's -blockdev node (libvirt's "libvirt-N-format"); only its presence matters here.
            if (bus == "virtio") {
                const unsigned n = ++disks_;
                add(device, SlotOrder::Disk, "virtio-blk-pci", fmt::format("virtio-disk{}", n - 1), {{"drive", fmt::format("libvirt-{}-format", n)}});
            } else if (bus != "scsi" && bus != "usb") {
                xml_.unsupported(device, "a disk on bus '" + bus + "' is not modelled for pSeries (virtio, scsi or usb)");
            }
            return;
        }
        if (name == "video") {
            const std::string video = XmlDocument::attribute(device.child("model"), "type").value_or("vga");
            if (video == "none") return;
            if (video == "vga") return add(device, SlotOrder::Video, "VGA", fmt::format("video{}", videos_++));
            xml_.unsupported(device, "video model '" + video + "' is not modelled for pSeries (vga or none)");
        }
        if (name == "memballoon") {
            if (model == "none") return;
            if (model == "virtio") return add(device, SlotOrder::Memballoon, "virtio-balloon-pci", "balloon0");
            xml_.unsupported(device, "memballoon model '" + model + "' is not modelled (virtio or none)");
        }
        if (name == "rng") {
            if (model != "virtio") xml_.unsupported(device, "rng model '" + model + "' is not modelled (virtio)");
            return add(device, SlotOrder::Rng, "virtio-rng-pci", fmt::format("rng{}", rngs_++));
        }
        if (name == "iommu") xml_.unsupported(device, "an <iommu> on pSeries is not modelled (the PHBs are the guest's IOMMU)");
        if (name == "input") {
            const std::string bus = XmlDocument::attribute(device, "bus").value_or("usb");
            if (bus != "usb") xml_.unsupported(device, "an input device on bus '" + bus + "' is not modelled for pSeries (usb)");
            return;
        }
        // On the VIO bus, the USB bus or no bus at all: nothing in the PCI map.
        static constexpr const char* kNotPci[] = {"emulator", "serial", "console", "graphics", "panic", "watchdog", "tpm", "memory", "channel", "audio"};
        for (const char* other : kNotPci) {
            if (name == other) return;
        }
        xml_.unsupported(device, "<" + name + "> is not modelled for pSeries");
    }

    void interface(pugi::xml_node device, const std::string& type) {
        if (type == "hostdev") return;  // a PCI hostdev (hostdevs())
        if (type == "vdpa") xml_.unsupported(device, "a vDPA interface is not modelled for pSeries");
        // qemuDomainDefaultNetModel: spapr-vlan on pSeries, a VIO device.
        const std::string model = XmlDocument::attribute(device.child("model"), "type").value_or("spapr-vlan");
        if (model == "spapr-vlan") return;
        const std::string alias = fmt::format("net{}", nets_++);
        if (model == "virtio") return add(device, SlotOrder::Net, "virtio-net-pci", alias);
        add(device, SlotOrder::Net, model, alias);  // e1000, rtl8139, ...: libvirt passes the model as the QEMU device
    }

    void controller(pugi::xml_node device, const std::string& type, const std::string& model) {
        const std::string index = XmlDocument::attribute(device, "index").value_or("0");
        if (type == "pci") {
            if (model == "pci-root") return phb(device);
            xml_.unsupported(device, "PCI controller model '" + model + "' on pSeries is not modelled (pci-root PHBs are)");
        }
        if (type == "usb") {
            if (model == "none") return;
            if (model.empty()) {
                xml_.unsupported(device, "a USB controller without a model: libvirt's pSeries default depends on the release and the QEMU; "
                                         "write model='qemu-xhci', 'nec-xhci' or 'pci-ohci'");
            }
            const std::string driver = model == "nec-xhci" ? "nec-usb-xhci" : model;
            if (driver != "qemu-xhci" && driver != "nec-usb-xhci" && driver != "pci-ohci") {
                xml_.unsupported(device, "USB controller model '" + model + "' is not modelled for pSeries");
            }
            return add(device, SlotOrder::Controller, driver, "usb" + (index == "0" ? std::string() : index));
        }
        if (type == "scsi") {
            // qemuDomainDefaultSCSIControllerModel: ibmvscsi on pSeries, a VIO device.
            if (model.empty() || model == "ibmvscsi") return;
            if (model == "virtio-scsi") return add(device, SlotOrder::Controller, "virtio-scsi-pci", "scsi" + index);
            xml_.unsupported(device, "SCSI controller model '" + model + "' is not modelled for pSeries");
        }
        if (type == "virtio-serial") return add(device, SlotOrder::Controller, "virtio-serial-pci", "virtio-serial" + index);
        xml_.unsupported(device, "a <controller type='" + type + "'> is not modelled for pSeries");
    }

    // <controller type='pci' model='pci-root' index='N'>: PHB N, QEMU's spapr-pci-host-bridge with
    // index = its <target index>, which libvirt sets to the controller's index when absent
    // (qemuDomainPCIControllerSetDefaultModelName's pSeries branch).
    void phb(pugi::xml_node device) {
        const u64 index = xml_.unsigned_attribute(device, "index").value_or(0);
        if (index == 0) return;  // the default PHB QEMU always creates
        u64 target = index;
        if (const auto written = xml_.unsigned_attribute(device.child("target"), "index")) target = *written;
        phbs_.push_back({static_cast<unsigned>(index), static_cast<unsigned>(target), xml_.where(device)});
    }

    // Every PCI hostdev, <interface type='hostdev'> ones first, with the IOMMU group the memlock reading found.
    void hostdevs() {
        const auto& list = out_.memlock.pci_hostdevs;
        const auto& groups = out_.memlock_input.hostdev_groups;
        for (std::size_t i = 0; i < list.size(); ++i) {
            PciDevice d{SlotOrder::Hostdev, "vfio-pci", fmt::format("hostdev{}", i), {{"host", list[i].source}}, list[i].guest_address,
                        i < groups.size() ? groups[i] : std::optional<unsigned>{}, false, {list[i].where}};
            pci_.push_back(std::move(d));
        }
    }

    // libvirt's address assignment, then the command line it writes.
    void place() {
        std::stable_sort(pci_.begin(), pci_.end(), [](const PciDevice& a, const PciDevice& b) { return a.order < b.order; });
        PseriesPhbInput input;
        for (const auto& p : phbs_) input.explicit_phbs.push_back(p.index);
        for (const auto& d : pci_) input.devices.push_back({d.iommu_group, d.address});
        PseriesPhbAssignment assignment;
        try {
            assignment = pseries_phb_assignment(input);
        } catch (const InputError& e) {
            throw InputError(fmt::format("{}: {}", xml_.file_name(), e.what()));
        }
        // PHBs: those written, then those libvirt adds (controller index = target index = the bus number).
        std::vector<bool> written(assignment.phbs, false);
        for (const auto& p : phbs_) {
            if (p.index < written.size()) written[p.index] = true;
            out_.spec.devices.push_back(phb_device(p.index, p.target, p.where));
        }
        for (unsigned bus = 1; bus < assignment.phbs; ++bus) {
            if (written[bus]) continue;
            out_.notes.push_back(fmt::format("{}: libvirt adds PHB {} (<controller type='pci' model='pci-root' index='{}'>) for the devices it places there",
                                             xml_.file_name(), bus, bus));
            out_.spec.devices.push_back(phb_device(bus, bus, {fmt::format("{}: the PHB libvirt adds as pci.{}", xml_.file_name(), bus)}));
        }
        for (std::size_t i = 0; i < pci_.size(); ++i) {
            const PciDevice& d = pci_[i];
            const PseriesGuestAddress& at = assignment.addresses[i];
            DeviceSpec spec;
            spec.driver = d.driver;
            spec.id = d.alias;
            spec.bus = at.bus == 0 ? std::string("pci.0") : fmt::format("pci.{}.0", at.bus);
            // qemuBuildDeviceAddressStr: the slot, and the function only when it is not 0.
            spec.addr = at.function == 0 ? fmt::format("{:#x}", at.slot) : fmt::format("{:#x}.{:x}", at.slot, at.function);
            spec.multifunction = d.multifunction;
            for (const auto& [k, v] : d.properties) spec.properties.entries.emplace_back(k, v);
            spec.where = d.where;
            spec.written = d.driver;
            for (const auto& [k, v] : d.properties) spec.written += fmt::format(",{}={}", k, v);
            spec.written += fmt::format(",id={},bus={},addr={}", d.alias, *spec.bus, *spec.addr);
            out_.spec.devices.push_back(std::move(spec));
        }
        // libvirt's nPHB counts the PHBs after this assignment, which also places emulated devices.
        out_.memlock_input.input.pseries_phbs = assignment.phbs;
    }

    static DeviceSpec phb_device(unsigned index, unsigned target, SourceLocation where) {
        DeviceSpec d;
        d.driver = "spapr-pci-host-bridge";
        d.id = fmt::format("pci.{}", index);
        d.properties.entries.emplace_back("index", std::to_string(target));
        d.written = fmt::format("spapr-pci-host-bridge,index={},id=pci.{}", target, index);
        d.where = std::move(where);
        return d;
    }

    struct Phb {
        unsigned index;
        unsigned target;
        SourceLocation where;
    };

    const XmlDocument& xml_;
    const XmlMemlockHost& host_;
    LibvirtPseriesDomain out_;
    std::vector<PciDevice> pci_;
    std::vector<Phb> phbs_;
    unsigned disks_ = 0, videos_ = 0, rngs_ = 0, nets_ = 0;
};

}  // namespace

bool libvirt_domain_is_ppc64(std::string_view xml_text, const std::string& file_name) {
    const XmlDocument xml(xml_text, file_name);
    return XmlDocument::attribute(xml.root().child("os").child("type"), "arch").value_or("").starts_with("ppc64");
}

LibvirtPseriesDomain read_libvirt_pseries_domain(std::string_view xml_text, const std::string& file_name, const XmlMemlockHost& host) {
    const XmlDocument xml(xml_text, file_name);
    return Reader(xml, host).read();
}

}  // namespace aperture
