// <domain type>, <os> and <features>: which QEMU machine, accelerator and firmware libvirt starts
// (src/qemu/qemu_command.c qemuBuildMachineCommandLine, qemuBuildAccelCommandLine,
// qemuBuildDomainLoaderCommandLine).

#include <algorithm>
#include <cctype>

#include "core/error.hpp"
#include "input/libvirt_xml/domain_context.hpp"
#include "machine/machine_type.hpp"

namespace aperture::libvirt_xml {

namespace {

std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

bool looks_like_ovmf(const std::string& path) {
    const std::string name = lower(path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1));
    return name.find("ovmf") != std::string::npos || name.find("edk2") != std::string::npos;
}

// Machine types of qemu-system-x86_64 7.2, by chipset: q35 and its versions, pc (i440fx) and its versions.
std::optional<ChipsetKind> chipset_of(const std::string& machine) {
    if (machine == "q35" || machine.starts_with("pc-q35-")) return ChipsetKind::Q35;
    if (machine == "pc" || machine.starts_with("pc-i440fx-") || machine.starts_with("pc-0.") || machine.starts_with("pc-1.")) {
        return ChipsetKind::I440fx;
    }
    return std::nullopt;
}

void read_domain_type(DomainContext& context) {
    const pugi::xml_node root = context.xml.root();
    if (std::string(root.name()) != "domain") context.xml.fail(root, "the root element of a libvirt domain is <domain>");
    const auto type = XmlDocument::attribute(root, "type");
    if (!type) context.xml.fail(root, "missing attribute 'type' (kvm or qemu)");
    if (*type == "kvm") {
        context.spec().machine.accel = "kvm";
    } else if (*type == "qemu") {
        context.spec().machine.accel = "tcg";
    } else {
        context.xml.unsupported(root, "domain type '" + *type + "' is not modelled: aperture models QEMU (type 'kvm' or 'qemu')");
    }
}

void read_os_type(DomainContext& context, pugi::xml_node os) {
    MachineSpec& machine = context.spec().machine;
    const pugi::xml_node type = os.child("type");
    if (!type) context.xml.fail(os, "<os> needs a <type> element");
    const std::string os_type = type.text().get();
    if (os_type != "hvm") {
        context.xml.unsupported(type, "OS type '" + os_type + "' is not modelled: QEMU x86 guests are 'hvm'");
    }
    const std::string arch = XmlDocument::attribute(type, "arch").value_or("x86_64");
    context.facts().arch = arch;
    if (arch != "x86_64") {
        // ppc64 domains never get here (app::platform_of sends them to the pSeries reader); the memlock limit
        // of any other architecture needs no plan, so say where it is.
        context.xml.unsupported(type, "architecture '" + arch + "' is not modelled: aperture reads libvirt XML for "
                                      "x86_64 (pc, q35) and ppc64/ppc64le (pseries) only; `aperture memlock --xml` gives its "
                                      "locked-memory limit");
    }
    const QemuRelease& qemu = *context.options.qemu;
    const auto written = XmlDocument::attribute(type, "machine");
    machine.type = written.value_or("pc");  // qemu-system-x86_64's default machine (hw/i386/pc_piix.c is_default)
    if (!written) {
        context.note(type, "no machine type: libvirt takes the emulator's default, for qemu-system-x86_64 " +
                               std::string(qemu.name) + " 'pc' (" + resolve_machine_type(qemu, "pc").name + ")");
    }
    context.facts().machine = machine.type;
    const auto chipset = chipset_of(machine.type);
    if (!chipset) {
        context.xml.unsupported(type, "machine type '" + machine.type + "' is not modelled: aperture models q35 and pc "
                                      "(i440fx) machines");
    }
    context.chipset = *chipset;
    machine.where = context.xml.where(type);
    if (written) machine.type_where = machine.where;
    try {
        resolve_machine_type(qemu, machine.type);  // a version the release lacks (pc-q35-9.0): said here, with the line
    } catch (const InputError& e) {
        context.xml.fail(type, e.what());
    }
}

void read_firmware(DomainContext& context, pugi::xml_node os) {
    FirmwareSpec& firmware = context.spec().firmware;
    const auto autoselect = XmlDocument::attribute(os, "firmware");
    const pugi::xml_node loader = os.child("loader");
    if (autoselect && *autoselect == "efi") {
        firmware.kind = FirmwareKind::Ovmf;
        // Without a <loader> libvirt picks the image from QEMU's firmware descriptors: none is named here.
        if (loader) firmware.image = loader.text().get();
        firmware.where = context.xml.where(os);
        return;
    }
    if (autoselect && *autoselect != "bios") context.xml.fail(os, "unknown firmware '" + *autoselect + "' (efi or bios)");
    if (!loader) return;
    const std::string path = loader.text().get();
    const std::string type = XmlDocument::attribute(loader, "type").value_or("rom");
    firmware.image = path;
    firmware.where = context.xml.where(loader);
    if (type == "pflash") {
        // A pflash loader is UEFI firmware in practice; a name without OVMF in it is still taken for OVMF.
        firmware.kind = FirmwareKind::Ovmf;
        if (!path.empty() && !looks_like_ovmf(path)) {
            context.note(loader, "the pflash loader '" + path + "' is taken for OVMF (its name has neither \"OVMF\" nor \"edk2\")");
        }
        if (const pugi::xml_node nvram = os.child("nvram")) firmware.vars_image = nvram.text().get();
    } else if (type == "rom") {
        firmware.kind = looks_like_ovmf(path) ? FirmwareKind::Ovmf : FirmwareKind::SeaBios;
    } else {
        context.xml.fail(loader, "unknown loader type '" + type + "' (rom or pflash)");
    }
}

// qemuBuildMachineACPI: ACPI is on exactly when <features><acpi/> is present.
void read_features(DomainContext& context) {
    MachineSpec& machine = context.spec().machine;
    const pugi::xml_node features = context.xml.root().child("features");
    machine.other.entries.emplace_back("usb", "off");  // libvirt always adds its USB controllers as -device
    machine.other.entries.emplace_back("acpi", features.child("acpi") ? "on" : "off");
    if (!features) return;
    if (const pugi::xml_node smm = features.child("smm")) {
        const auto state = context.xml.switch_attribute(smm, "state");
        machine.other.entries.emplace_back("smm", state.value_or(true) ? "on" : "off");
    }
    if (const pugi::xml_node vmport = features.child("vmport")) {
        const auto state = context.xml.switch_attribute(vmport, "state");
        machine.other.entries.emplace_back("vmport", state.value_or(true) ? "on" : "off");
    }
}

// qemuBuildMachineCommandLine: <clock><timer name='hpet' present='no'/> is hpet=off (-no-hpet before
// QEMU had the machine property); present='yes' or no such timer leaves QEMU's default, an HPET.
void read_clock(DomainContext& context) {
    for (pugi::xml_node timer : context.xml.root().child("clock").children("timer")) {
        if (std::string_view(timer.attribute("name").value()) != "hpet") continue;
        const auto present = context.xml.switch_attribute(timer, "present");
        if (present && !*present) context.spec().machine.other.entries.emplace_back("hpet", "off");
    }
}

}  // namespace

void read_machine(DomainContext& context) {
    read_domain_type(context);
    const pugi::xml_node os = context.xml.root().child("os");
    if (!os) context.xml.fail(context.xml.root(), "a domain needs an <os> element");
    read_os_type(context, os);
    read_firmware(context, os);
    read_features(context);
    read_clock(context);
}

}  // namespace aperture::libvirt_xml
