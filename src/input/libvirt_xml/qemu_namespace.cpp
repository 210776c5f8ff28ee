// <qemu:commandline> and <qemu:override> (src/qemu/qemu_domain.c qemuDomainDefNamespaceParse): extra
// QEMU arguments libvirt appends after its own, and properties it changes on the devices it generates.
// The arguments are read by the QEMU command-line reader itself, so they mean here what they mean there.

#include <algorithm>
#include <array>

#include "core/error.hpp"
#include "input/args_file.hpp"
#include "input/libvirt_xml/domain_context.hpp"
#include "input/qemu_command_line.hpp"
#include "libvirt/qemu_namespace_uri.hpp"

namespace aperture::libvirt_xml {

namespace {

// Options whose meaning would replace what the domain XML already gave QEMU: refused rather than merged
// in a way that could differ from QEMU's.
constexpr std::array kReplacingOptions{"m", "smp", "bios", "pflash", "drive", "vga", "nodefaults", "nic", "net",
                                       "numa", "accel", "enable-kvm", "no-acpi", "no-hpet", "usb", "cdrom",
                                       "hda", "hdb", "hdc", "hdd", "virtfs", "audio"};

std::string option_name(const std::string& word) {
    std::string name = word.substr(1);
    if (name.starts_with("-")) name = name.substr(1);
    return name;
}

// The element's namespace prefix is bound to libvirt's QEMU namespace, on the element or on <domain>.
bool in_qemu_namespace(pugi::xml_node element, pugi::xml_node root) {
    const std::string name = element.name();
    const auto colon = name.find(':');
    if (colon == std::string::npos) return false;
    const std::string attribute = "xmlns:" + name.substr(0, colon);
    for (pugi::xml_node node : {element, root}) {
        if (pugi::xml_attribute bound = node.attribute(attribute.c_str())) return std::string(bound.value()) == kLibvirtQemuNamespace;
    }
    return false;
}

std::string local_name(pugi::xml_node element) {
    const std::string name = element.name();
    const auto colon = name.find(':');
    return colon == std::string::npos ? name : name.substr(colon + 1);
}

std::vector<pugi::xml_node> qemu_children(pugi::xml_node parent, const std::string& local) {
    std::vector<pugi::xml_node> found;
    for (pugi::xml_node child : parent.children()) {
        if (child.type() == pugi::node_element && local_name(child) == local) found.push_back(child);
    }
    return found;
}

DeviceSpec* find_device(VmSpec& spec, const std::string& id) {
    auto it = std::find_if(spec.devices.begin(), spec.devices.end(), [&](const DeviceSpec& d) { return d.id == id; });
    return it == spec.devices.end() ? nullptr : &*it;
}

void set_property(DeviceSpec& device, const std::string& key, const std::string& value) {
    if (key == "bus") device.bus = value;
    else if (key == "addr") device.addr = value;
    else if (key == "multifunction") device.multifunction = value == "on" || value == "true";
    else {
        std::erase_if(device.properties.entries, [&](const auto& entry) { return entry.first == key; });
        device.properties.entries.emplace_back(key, value);
    }
}

class NamespaceReader {
public:
    explicit NamespaceReader(DomainContext& context) : c_(context), xml_(context.xml) {}

    void read() {
        const pugi::xml_node root = xml_.root();
        for (pugi::xml_node child : root.children()) {
            if (child.type() != pugi::node_element || !in_qemu_namespace(child, root)) continue;
            const std::string local = local_name(child);
            if (local == "commandline") read_commandline(child);
            else if (local == "override") read_override(child);
            // qemu:capabilities and qemu:deprecation do not change the machine.
        }
    }

private:
    void read_commandline(pugi::xml_node commandline) {
        std::vector<LocatedArg> args;
        for (pugi::xml_node arg : qemu_children(commandline, "arg")) {
            const auto value = XmlDocument::attribute(arg, "value");
            if (!value) xml_.fail(arg, "a <qemu:arg> needs a 'value'");
            args.push_back({*value, xml_.file_name() + ":" + std::to_string(xml_.line_of(arg))});
        }
        std::vector<LocatedArg> passed;
        bool replaces_cpu = false;
        bool sets_machine = false;
        for (std::size_t i = 0; i < args.size(); ++i) {
            const std::string& word = args[i].text;
            if (word.size() < 2 || word[0] != '-') {
                passed.push_back(args[i]);
                continue;
            }
            const std::string name = option_name(word);
            if (name == "set") {
                if (i + 1 >= args.size()) throw InputError(args[i].origin + " (-set): requires an argument");
                apply_set(args[i], args[i + 1]);
                ++i;
                continue;
            }
            if (std::find(kReplacingOptions.begin(), kReplacingOptions.end(), name) != kReplacingOptions.end()) {
                throw UnsupportedError(args[i].origin + " (" + word + "): <qemu:arg> options that replace what the "
                                       "domain XML says are not modelled; say it in the domain XML instead");
            }
            replaces_cpu = replaces_cpu || name == "cpu";
            sets_machine = sets_machine || name == "machine" || name == "M";
            passed.push_back(args[i]);
        }
        if (passed.empty()) return;
        const VmSpec extra = read_qemu_command_line_located(passed, *c_.options.qemu);
        VmSpec& spec = c_.spec();
        spec.globals.insert(spec.globals.end(), extra.globals.begin(), extra.globals.end());
        spec.fw_cfg.insert(spec.fw_cfg.end(), extra.fw_cfg.begin(), extra.fw_cfg.end());
        spec.devices.insert(spec.devices.end(), extra.devices.begin(), extra.devices.end());
        spec.memory_backends.insert(spec.memory_backends.end(), extra.memory_backends.begin(), extra.memory_backends.end());
        spec.notes.insert(spec.notes.end(), extra.notes.begin(), extra.notes.end());
        spec.legacy_drives.insert(spec.legacy_drives.end(), extra.legacy_drives.begin(), extra.legacy_drives.end());
        // QEMU keeps the last -cpu whole: libvirt's own comes first.
        if (replaces_cpu) spec.cpu = extra.cpu;
        if (sets_machine) merge_machine(extra.machine);
    }

    // -machine options merge key by key, a later one winning (QEMU's keyval merge of -machine).
    void merge_machine(const MachineSpec& extra) {
        MachineSpec& machine = c_.spec().machine;
        if (extra.where.text.find("no -machine") == std::string::npos) {
            machine.type = extra.type;
            machine.where = extra.where;
        }
        if (extra.max_ram_below_4g) machine.max_ram_below_4g = extra.max_ram_below_4g;
        for (const auto& [key, value] : extra.other.entries) {
            // Captured by name: Clang 14 cannot capture a structured binding.
            std::erase_if(machine.other.entries, [&name = key](const auto& entry) { return entry.first == name; });
            machine.other.entries.emplace_back(key, value);
        }
    }

    // -set GROUP.ID.PROPERTY=VALUE: only device properties change the address map.
    void apply_set(const LocatedArg& option, const LocatedArg& argument) {
        const std::string& text = argument.text;
        const auto first_dot = text.find('.');
        const auto eq = text.find('=');
        const auto second_dot = first_dot == std::string::npos ? std::string::npos : text.find('.', first_dot + 1);
        if (first_dot == std::string::npos || second_dot == std::string::npos || eq == std::string::npos || eq < second_dot) {
            throw InputError(argument.origin + " (-set " + text + "): Invalid -set parameter: expected GROUP.ID.PROPERTY=VALUE");
        }
        const std::string group = text.substr(0, first_dot);
        const std::string id = text.substr(first_dot + 1, second_dot - first_dot - 1);
        const std::string property = text.substr(second_dot + 1, eq - second_dot - 1);
        const std::string value = text.substr(eq + 1);
        if (group != "device") {
            c_.spec().notes.push_back({"-set " + group + " options do not change the guest-physical map; ignored", {option.origin}});
            return;
        }
        DeviceSpec* device = find_device(c_.spec(), id);
        if (device == nullptr) throw InputError(argument.origin + " (-set " + text + "): there is no device with id '" + id + "'");
        set_property(*device, property, value);
    }

    void read_override(pugi::xml_node override_node) {
        for (pugi::xml_node device_node : qemu_children(override_node, "device")) {
            const auto alias = XmlDocument::attribute(device_node, "alias");
            if (!alias) xml_.fail(device_node, "a <qemu:device> needs an 'alias'");
            DeviceSpec* device = find_device(c_.spec(), *alias);
            for (pugi::xml_node frontend : qemu_children(device_node, "frontend")) {
                for (pugi::xml_node property : qemu_children(frontend, "property")) {
                    const auto name = XmlDocument::attribute(property, "name");
                    const std::string type = XmlDocument::attribute(property, "type").value_or("");
                    if (!name) xml_.fail(property, "a <qemu:property> needs a 'name'");
                    if (device == nullptr) {
                        c_.note(device_node, "no device has the alias '" + *alias + "': the override changes nothing aperture models");
                        break;
                    }
                    if (type == "remove") {
                        std::erase_if(device->properties.entries, [&](const auto& entry) { return entry.first == *name; });
                        continue;
                    }
                    const auto value = XmlDocument::attribute(property, "value");
                    if (!value) xml_.fail(property, "a <qemu:property> of type '" + type + "' needs a 'value'");
                    if (type != "string" && type != "signed" && type != "unsigned" && type != "bool") {
                        xml_.fail(property, "unknown property type '" + type + "' (string, signed, unsigned, bool or remove)");
                    }
                    set_property(*device, *name, *value);
                }
            }
        }
    }

    DomainContext& c_;
    const XmlDocument& xml_;
};

}  // namespace

void read_qemu_namespace(DomainContext& context) { NamespaceReader(context).read(); }

}  // namespace aperture::libvirt_xml
