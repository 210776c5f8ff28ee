// One domain XML to one VmSpec: the element readers, then libvirt's placement of devices without an
// address, then the devices in the order libvirt puts them on the command line, then <qemu:*>.

#include <algorithm>
#include <fmt/format.h>

#include "core/error.hpp"
#include "core/input_file.hpp"
#include "devices/device_model.hpp"
#include "input/args_file.hpp"
#include "input/libvirt_xml/domain.hpp"
#include "input/libvirt_xml/domain_context.hpp"

namespace aperture {

namespace libvirt_xml {

namespace {

// src/qemu/qemu_command.c qemuBuildCommandLine: the order of the -device options libvirt writes.
int command_line_rank(const GuestDevice& d) {
    if (!d.controller_type.empty()) {
        const std::string& t = d.controller_type;
        if (t == "pci") return 1;
        if (t == "usb") return 2;
        if (t == "scsi") return 3;
        if (t == "ide") return 4;
        if (t == "sata") return 5;
        return 6;  // virtio-serial
    }
    switch (d.kind) {
        case DeviceClass::Iommu: return 0;
        case DeviceClass::Memory: return 7;
        case DeviceClass::Disk: return 9;
        case DeviceClass::Filesystem: return 10;
        case DeviceClass::Net: return 11;
        case DeviceClass::Serial: return 12;
        case DeviceClass::Input: return 14;
        case DeviceClass::Video: return 15;
        case DeviceClass::Sound: return 16;
        case DeviceClass::Watchdog: return 17;
        case DeviceClass::Hostdev: return 19;
        case DeviceClass::Memballoon: return 20;
        case DeviceClass::Rng: return 21;
        case DeviceClass::Panic: return 22;
        case DeviceClass::Shmem: return 23;
        case DeviceClass::Vsock: return 24;
        case DeviceClass::Crypto: return 25;
        case DeviceClass::Pstore: return 26;
        default: break;
    }
    const std::string& driver = d.spec.driver;
    if (driver == "intel-iommu") return 0;
    if (driver == "usb-hub") return 8;
    if (driver.starts_with("ide-") || driver.starts_with("scsi-") || driver == "usb-storage") return 9;
    if (driver == "usb-mtp") return 10;
    if (driver == "usb-net") return 11;
    if (driver == "usb-serial") return 12;
    if (driver.starts_with("tpm-")) return 13;
    if (driver == "usb-tablet" || driver == "usb-kbd" || driver == "usb-mouse") return 14;
    if (driver == "hda-duplex" || driver == "usb-audio") return 16;
    if (driver == "usb-redir") return 18;
    if (driver == "usb-host") return 19;
    if (driver == "pvpanic") return 22;
    return 27;
}

// "0x3" or "0x2.0x1", as libvirt writes addr=.
std::string qemu_addr(const PciAddress& address) {
    if (address.function == 0) return fmt::format("{:#x}", address.slot);
    return fmt::format("{:#x}.{:#x}", address.slot, address.function);
}

class DomainReader {
public:
    explicit DomainReader(DomainContext& context) : c_(context) {}

    void read() {
        read_machine(c_);
        read_memory(c_);
        read_cpu(c_);
        read_devices(c_);
        place_devices();
        emit_devices();
        VmSpec& spec = c_.spec();
        spec.origin = SpecOrigin::LibvirtDomain;
        // libvirt always starts QEMU with -nodefaults: every device is one it names.
        spec.defaults.nodefaults = true;
        spec.defaults.default_vga = false;
        spec.defaults.default_nic = false;
        read_qemu_namespace(c_);
    }

private:
    void place_devices() {
        std::size_t without = 0;
        auto count = [&](const GuestDevice& d) {
            if (d.connect != 0 && !d.address && !d.unassigned && d.emitted && d.spec.driver != "") ++without;
        };
        for (const auto& d : c_.controllers) count(d);
        for (const auto& d : c_.devices) count(d);
        const std::size_t controllers_before = c_.controllers.size();
        AddressAssignmentInput input;
        input.chipset = c_.chipset;
        input.controllers = &c_.controllers;
        input.devices = &c_.devices;
        input.make_controller = [this](int index, PciControllerModel model) { return make_implicit_pci_controller(c_, index, model); };
        assign_pci_addresses(input);
        if (without > 0) {
            const std::size_t added = c_.controllers.size() - controllers_before;
            // The placement is 10.7.0's code, and 9.0.0 placed every oracle domain the same way.
            std::string text = fmt::format("{} device{} without a PCI <address>: placed the way libvirt {} places them "
                                           "(qemuDomainAssignPCIAddresses)",
                                           without, without == 1 ? "" : "s", to_string(c_.options.libvirt));
            if (added > 0) text += fmt::format(", adding {} PCI controller{}", added, added == 1 ? "" : "s");
            c_.spec().notes.push_back({text, {c_.xml.file_name()}});
        }
    }

    std::string bus_alias(unsigned bus, const GuestDevice& device) const {
        for (const auto& c : c_.controllers) {
            if (c.pci_model && c.controller_index == static_cast<int>(bus)) return c.spec.id;
        }
        throw InputError(fmt::format("{}: Invalid PCI address: there is no PCI controller with index {}", device.spec.where.text, bus));
    }

    void emit_devices() {
        std::vector<const GuestDevice*> ordered;
        for (const auto& d : c_.controllers) ordered.push_back(&d);
        for (const auto& d : c_.devices) ordered.push_back(&d);
        std::stable_sort(ordered.begin(), ordered.end(),
                         [](const GuestDevice* a, const GuestDevice* b) { return command_line_rank(*a) < command_line_rank(*b); });
        for (const GuestDevice* d : ordered) {
            if (!d->emitted || d->unassigned || d->spec.driver.empty()) continue;
            if (c_.options.refuse_unmodelled_devices && d->connect != 0 && find_device_model(d->spec.driver) == nullptr) {
                const std::string what = d->element ? c_.xml.where(d->element).text : d->spec.where.text;
                throw UnsupportedError(fmt::format("{}: libvirt makes this a QEMU '{}', which aperture does not model (aperture "
                                                   "devices lists the models)",
                                                   what, d->spec.driver));
            }
            DeviceSpec spec = d->spec;
            if (d->address) {
                spec.bus = bus_alias(d->address->bus, *d);
                spec.addr = qemu_addr(*d->address);
                spec.multifunction = d->address->multifunction.value_or(false);
            }
            c_.spec().devices.push_back(std::move(spec));
        }
    }

    DomainContext& c_;
};

}  // namespace

}  // namespace libvirt_xml

LibvirtDomain read_libvirt_domain(std::string_view xml_text, const std::string& file_name, const LibvirtReadOptions& options) {
    const libvirt_xml::XmlDocument xml(xml_text, file_name);
    LibvirtDomain domain;
    libvirt_xml::DomainContext context{xml, domain, options, libvirt_xml::ChipsetKind::I440fx, {}, {}};
    libvirt_xml::DomainReader(context).read();
    domain.memlock = read_libvirt_memlock_domain(xml);
    return domain;
}

LibvirtDomain read_libvirt_domain_file(const std::string& path, const LibvirtReadOptions& options) {
    const std::string text = read_input_file(path, kDomainXmlKind);
    return read_libvirt_domain(text, input_display_name(path), options);
}

}  // namespace aperture
