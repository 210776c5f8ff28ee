// <devices>: each element as the QEMU device libvirt 10.7.0 makes of it (src/qemu/qemu_command.c
// qemuBuild*DevProps), with libvirt's aliases as ids (src/qemu/qemu_alias.c) and libvirt's implicit
// controllers and devices (src/qemu/qemu_domain.c qemuDomainDefAddDefaultDevices).

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/size_parse.hpp"
#include "input/libvirt_xml/controller_models.hpp"
#include "input/libvirt_xml/domain_context.hpp"
#include "input/libvirt_xml/scaled_integer.hpp"

namespace aperture::libvirt_xml {

namespace {

using namespace connect;

// src/qemu/qemu_domain_address.c qemuDomainFillDevicePCIConnectFlagsIterInit: a conventional PCI device.
constexpr unsigned kPciFlags = kPciDevice | kAutoAssign;

// The elements of <devices> in the order libvirt parses them (src/conf/domain_conf.c
// virDomainDefParseXML): the order of devices within a class follows it. Controllers come first here so
// that the controllers disks and channels imply are added after them, as libvirt's post-parse does.
// The elements that take <boot order> (docs/schemas/domaincommon.rng "deviceBoot").
constexpr std::array kBootableElements{"disk", "interface", "hostdev", "redirdev"};
constexpr std::array kDeviceElements{"controller", "disk", "filesystem", "interface", "serial",    "channel",
                                     "console",  "input",      "sound",      "video",     "hostdev",   "redirdev",
                                     "hub",      "watchdog",   "memballoon", "rng",       "memory",    "iommu",
                                     "vsock",    "crypto",     "panic",      "pstore",    "shmem",     "tpm"};

// Elements that never make a PCI device or change the guest-physical map.
constexpr std::array kNeutralElements{"emulator", "graphics", "audio",  "parallel",   "smartcard", "lease",
                                      "nvram",    "redirfilter", "sound-codec"};

// src/conf/domain_conf.c virDomainControllerDefParseXML: an expander's busNr is 1-254.
constexpr u64 kFirstExpanderBusNr = 1;
constexpr u64 kLastExpanderBusNr = 254;
// qemuDomainAddressFindNewBusNr starts from 256: above every bus number.
constexpr unsigned kNoBusNr = 256;

class DeviceReader {
public:
    explicit DeviceReader(DomainContext& context) : c_(context), xml_(context.xml) {}

    void read() {
        const pugi::xml_node devices = xml_.root().child("devices");
        for (pugi::xml_node child : devices.children()) {
            if (child.type() != pugi::node_element) continue;
            const std::string name = child.name();
            if (std::find(kDeviceElements.begin(), kDeviceElements.end(), name) == kDeviceElements.end() &&
                std::find(kNeutralElements.begin(), kNeutralElements.end(), name) == kNeutralElements.end()) {
                xml_.unsupported(child, "this device element is not modelled by aperture");
            }
        }
        const std::vector<pugi::xml_node> disks = libvirt_disk_order(devices);
        assign_boot_indices(devices, disks);
        for (const char* name : kDeviceElements) {
            if (std::string_view(name) == "disk") {
                for (pugi::xml_node element : disks) read_disk(element);
                continue;
            }
            for (pugi::xml_node element : devices.children(name)) read_element(name, element);
        }
        assign_expander_bus_numbers();
        add_default_devices();
    }

private:
    // ---- common pieces --------------------------------------------------------------------------------

    bool pcie() const { return c_.q35(); }
    // QEMU 7.2 has the virtio transitional devices, so virtio devices are PCI Express on q35.
    unsigned pcie_flags() const { return pcie() ? (kPcieDevice | kAutoAssign) : kPciFlags; }
    unsigned virtio_flags() const { return pcie_flags(); }

    GuestDevice make(DeviceClass kind, pugi::xml_node element, std::string driver, std::string alias) {
        GuestDevice device;
        device.kind = kind;
        device.element = element;
        device.spec.driver = std::move(driver);
        device.spec.where = xml_.where(element);
        if (const pugi::xml_node user_alias = element.child("alias")) {
            const std::string name = user_alias.attribute("name").value();
            if (name.starts_with("ua-")) alias = name;
        }
        device.spec.id = std::move(alias);
        read_address(device, element);
        if (const auto index = boot_index(element)) set(device, "bootindex", std::to_string(*index));
        return device;
    }

    // <address type='pci' domain= bus= slot= function= multifunction=>; other address types take no PCI slot.
    void read_address(GuestDevice& device, pugi::xml_node element) {
        const pugi::xml_node address = element.child("address");
        if (!address) return;
        const std::string type = XmlDocument::attribute(address, "type").value_or("");
        if (type == "unassigned") {
            device.unassigned = true;
            return;
        }
        if (type != "pci") return;
        PciAddress pci;
        pci.domain = small(address, xml_.unsigned_attribute(address, "domain").value_or(0), 0xffff, "domain");
        pci.bus = small(address, xml_.unsigned_attribute(address, "bus").value_or(0), 0xff, "bus");
        pci.slot = small(address, xml_.unsigned_attribute(address, "slot").value_or(0), 0x1f, "slot");
        pci.function = small(address, xml_.unsigned_attribute(address, "function").value_or(0), 7, "function");
        pci.multifunction = xml_.switch_attribute(address, "multifunction");
        // virDeviceInfoPCIAddressIsWanted: an all-zero PCI address asks libvirt to choose one.
        if (pci.domain == 0 && pci.bus == 0 && pci.slot == 0 && pci.function == 0) {
            c_.note(address, "this PCI address is empty: placed the way libvirt places devices without one");
            return;
        }
        device.address = pci;
    }

    unsigned small(pugi::xml_node node, u64 value, u64 limit, const char* what) const {
        if (value > limit) xml_.fail(node, fmt::format("Invalid PCI address {} '{}': must be <= {:#x}", what, value, limit));
        return static_cast<unsigned>(value);
    }

    static void set(GuestDevice& device, const std::string& key, const std::string& value) {
        device.spec.properties.entries.emplace_back(key, value);
    }

    // <rom bar='off' file='...' enabled='no'> (qemuBuildRomProps).
    void read_rom(GuestDevice& device, pugi::xml_node element) {
        const pugi::xml_node rom = element.child("rom");
        if (!rom) return;
        if (const auto enabled = xml_.switch_attribute(rom, "enabled"); enabled && !*enabled) {
            set(device, "romfile", "");
            return;
        }
        if (const auto bar = xml_.switch_attribute(rom, "bar")) set(device, "rombar", *bar ? "1" : "0");
        if (const auto file = XmlDocument::attribute(rom, "file")) set(device, "romfile", *file);
    }

    void add(GuestDevice device) { c_.devices.push_back(std::move(device)); }

    // ---- dispatch ---------------------------------------------------------------------------------------

    void read_element(const std::string& name, pugi::xml_node e) {
        if (name == "disk") return read_disk(e);
        if (name == "controller") return read_controller(e);
        if (name == "filesystem") return read_filesystem(e);
        if (name == "interface") return read_interface(e);
        if (name == "serial") return read_serial(e);
        if (name == "channel" || name == "console") return read_virtio_serial_user(e);
        if (name == "input") return read_input(e);
        if (name == "sound") return read_sound(e);
        if (name == "video") return read_video(e);
        if (name == "hostdev") return read_hostdev(e);
        if (name == "redirdev") return add_bus_device(e, "usb-redir", "redir" + std::to_string(count_["redirdev"]++));
        if (name == "hub") return add_bus_device(e, "usb-hub", "hub" + std::to_string(count_["hub"]++));
        if (name == "watchdog") return read_watchdog(e);
        if (name == "memballoon") return read_memballoon(e);
        if (name == "rng") return read_rng(e);
        if (name == "memory") xml_.unsupported(e, "memory devices (DIMMs, NVDIMMs, virtio-mem, SGX EPC) are not modelled by aperture");
        if (name == "iommu") return read_iommu(e);
        if (name == "vsock") return add_pci(DeviceClass::Vsock, e, "vhost-vsock-pci", "vsock0", virtio_flags());
        if (name == "crypto") return add_pci(DeviceClass::Crypto, e, "virtio-crypto-pci", "crypto" + std::to_string(count_["crypto"]++), kPciFlags);
        if (name == "panic") return read_panic(e);
        if (name == "pstore") return add_pci(DeviceClass::Pstore, e, "acpi-erst", "pstore0", kPciFlags);
        if (name == "shmem") return read_shmem(e);
        if (name == "tpm") return read_tpm(e);
    }

    void add_pci(DeviceClass kind, pugi::xml_node e, std::string driver, std::string alias, unsigned flags) {
        GuestDevice device = make(kind, e, std::move(driver), std::move(alias));
        device.connect = flags;
        add(std::move(device));
    }

    void add_bus_device(pugi::xml_node e, std::string driver, std::string alias) {
        GuestDevice device = make(DeviceClass::NotPci, e, std::move(driver), std::move(alias));
        device.address.reset();
        add(std::move(device));
    }

    // ---- controllers ------------------------------------------------------------------------------------

    int next_index(const std::string& type) const {
        int index = 0;
        while (std::any_of(c_.controllers.begin(), c_.controllers.end(),
                           [&](const GuestDevice& d) { return d.controller_type == type && d.controller_index == index; })) {
            ++index;
        }
        return index;
    }

    void insert_controller(GuestDevice controller) { libvirt_xml::insert_controller(c_.controllers, std::move(controller)); }

    // The alias qemuAssignDeviceControllerAlias gives.
    std::string controller_alias(const std::string& type, int index, std::optional<PciControllerModel> pci_model) const {
        if (pci_model == PciControllerModel::PcieRoot) return "pcie." + std::to_string(index);
        if (type == "pci") return "pci." + std::to_string(index);
        if (type == "ide" && index == 0 && !c_.q35()) return "ide";
        if (type == "sata" && index == 0 && c_.q35()) return "ide";
        if (type == "usb" && index == 0) return "usb";
        return type + std::to_string(index);
    }

    void read_controller(pugi::xml_node e) {
        const auto type = XmlDocument::attribute(e, "type");
        if (!type) xml_.fail(e, "missing attribute 'type'");
        int index = -1;
        if (const auto written = xml_.unsigned_attribute(e, "index")) {
            if (*written > 255) xml_.fail(e, "controller index must be below 256");
            index = static_cast<int>(*written);
        }
        if (index < 0) index = next_index(*type);
        for (const auto& other : c_.controllers) {
            if (other.controller_type == *type && other.controller_index == index && *type != "usb") {
                xml_.fail(e, fmt::format("Multiple '{}' controllers with index '{}'", *type, index));
            }
        }
        const std::string model = XmlDocument::attribute(e, "model").value_or("");
        if (*type == "pci") return read_pci_controller(e, index, model);
        GuestDevice device = make(DeviceClass::Controller, e, "", controller_alias(*type, index, std::nullopt));
        device.controller_type = *type;
        device.controller_index = index;
        device.controller_model = model;
        configure_controller(device, e);
        insert_controller(std::move(device));
    }

    // The USB controller model libvirt picks when the domain names none: the one it adds itself is
    // qemu-xhci on q35 (qemuDomainDefAddDefaultDevices); a written <controller type='usb'> without a
    // model depends on the release (libvirt_release.hpp); pc takes piix3-uhci either way.
    std::string default_usb_model(const GuestDevice& d) const {
        if (!c_.q35()) return "piix3-uhci";
        const bool written = static_cast<bool>(d.element);
        if (written && c_.options.release().q35_explicit_usb_default == ExplicitUsbDefault::Piix3Uhci) return "piix3-uhci";
        return "qemu-xhci";
    }

    // The QEMU device of a USB/SCSI/SATA/IDE/virtio-serial controller (qemuBuildControllerDevProps).
    void configure_controller(GuestDevice& d, pugi::xml_node e) {
        const std::string& type = d.controller_type;
        std::string& model = d.controller_model;
        if (type == "usb") {
            if (model.empty()) model = default_usb_model(d);
            if (model == "none") {
                d.emitted = false;
                return;
            }
            const auto usb = usb_controller_model(model);
            if (!usb) xml_.unsupported(e, "USB controller model '" + model + "' is not modelled");
            d.spec.driver = usb->driver;
            d.connect = usb->express ? pcie_flags() : kPciFlags;
            if (const pugi::xml_node master = e.child("master")) {
                // A UHCI companion names its EHCI's bus: QEMU joins them, their PCI functions are unchanged.
                (void)master;
            }
        } else if (type == "scsi") {
            if (model.empty()) model = "lsilogic";  // qemuDomainGetSCSIControllerModel on x86
            const auto driver = scsi_controller_driver(model);
            if (!driver) xml_.unsupported(e, "SCSI controller model '" + model + "' is not modelled");
            d.spec.driver = *driver;
            d.connect = (model == "virtio-scsi" || model == "virtio-non-transitional") ? virtio_flags() : kPciFlags;
            if (const auto queues = xml_.unsigned_attribute(e.child("driver"), "queues")) {
                set(d, "num_queues", std::to_string(*queues));
            }
        } else if (type == "sata") {
            d.connect = kPciFlags;
            if (c_.q35() && d.controller_index == 0) {
                d.emitted = false;  // the ICH9 AHCI at 00:1f.2
                d.spec.driver = "ich9-ahci";
            } else {
                d.spec.driver = "ich9-ahci";  // libvirt writes the alias "ahci"
            }
        } else if (type == "ide") {
            if (c_.q35()) xml_.fail(e, "IDE controllers are unsupported for this QEMU binary or machine type");
            if (d.controller_index != 0) xml_.fail(e, "Only a single IDE controller is supported for this machine type");
            d.emitted = false;  // the PIIX3 IDE at 00:01.1
            d.connect = kPciFlags;
            d.spec.driver = "piix3-ide";
        } else if (type == "virtio-serial") {
            d.spec.driver = model == "virtio-transitional" ? "virtio-serial-pci-transitional"
                            : model == "virtio-non-transitional" ? "virtio-serial-pci-non-transitional"
                                                                 : "virtio-serial-pci";
            d.connect = model == "virtio-transitional" ? kPciFlags : virtio_flags();
            if (const auto ports = xml_.unsigned_attribute(e, "ports")) set(d, "max_ports", std::to_string(*ports));
            if (const auto vectors = xml_.unsigned_attribute(e, "vectors")) set(d, "vectors", std::to_string(*vectors));
        } else if (type == "fdc" || type == "ccid" || type == "isa" || type == "xenbus") {
            d.emitted = false;  // not PCI: the floppy controller is built in, CCID sits on USB
        } else {
            xml_.fail(e, "unknown controller type '" + type + "'");
        }
    }

    void read_pci_controller(pugi::xml_node e, int index, std::string model_name) {
        if (model_name.empty()) {
            if (index != 0) xml_.fail(e, "a PCI controller other than index 0 needs a model");
            model_name = c_.q35() ? "pcie-root" : "pci-root";
        }
        const auto model = pci_controller_model_named(model_name);
        if (!model) xml_.fail(e, "Unknown model type '" + model_name + "'");
        const bool root = *model == PciControllerModel::PciRoot || *model == PciControllerModel::PcieRoot;
        const PciControllerModel machine_root = c_.q35() ? PciControllerModel::PcieRoot : PciControllerModel::PciRoot;
        if (index == 0 && root && *model != machine_root) {
            // qemuDomainDefAddDefaultDevices
            xml_.fail(e, fmt::format("The PCI controller with index='0' must be model='{}' for this machine type, but "
                                     "model='{}' was found instead",
                                     to_string(machine_root), model_name));
        }
        if (root != (index == 0)) {
            if (index == 0) {
                xml_.fail(e, fmt::format("The PCI controller with index='0' must be model='{}' for this machine type, but "
                                         "model='{}' was found instead",
                                         c_.q35() ? "pcie-root" : "pci-root", model_name));
            }
            xml_.fail(e, "a " + model_name + " controller must have index 0");
        }
        GuestDevice device = make(DeviceClass::PciController, e, pci_controller_driver(*model),
                                  controller_alias("pci", index, *model));
        device.controller_type = "pci";
        device.controller_index = index;
        device.controller_model = model_name;
        device.pci_model = *model;
        device.connect = pci_controller_connect(*model);
        device.emitted = !root;
        if (const pugi::xml_node name = e.child("model")) {
            if (const auto written = XmlDocument::attribute(name, "name")) device.spec.driver = *written;
        }
        if (const pugi::xml_node target = e.child("target")) {
            if (const auto chassis_nr = xml_.unsigned_attribute(target, "chassisNr")) set(device, "chassis_nr", std::to_string(*chassis_nr));
            if (const auto chassis = xml_.unsigned_attribute(target, "chassis")) set(device, "chassis", std::to_string(*chassis));
            if (const auto port = xml_.unsigned_attribute(target, "port")) set(device, "port", std::to_string(*port));
            if (const auto hotplug = xml_.switch_attribute(target, "hotplug")) {
                device.hotplug = *hotplug;
                if (!*hotplug && *model != PciControllerModel::PciRoot) set(device, "hotplug", "off");
            }
        }
        if (*model == PciControllerModel::PciExpanderBus || *model == PciControllerModel::PcieExpanderBus) {
            read_expander_target(e, device, model_name, index);
        }
        if (const pugi::xml_node hole = e.child("pcihole64")) read_pcihole64(e, hole, *model, index);
        insert_controller(std::move(device));
    }

    // <target busNr='N'><node>M</node></target> of a pci-expander-bus / pcie-expander-bus: QEMU's pxb / pxb-pcie
    // bus_nr= and numa_node= (qemuBuildControllerPCIDevProps). A missing busNr is filled in once every controller
    // is read (assign_expander_bus_numbers).
    void read_expander_target(pugi::xml_node e, GuestDevice& device, const std::string& model_name, int index) {
        const pugi::xml_node target = e.child("target");
        if (!target) return;
        if (const auto bus_nr = xml_.unsigned_attribute(target, "busNr")) {
            // virDomainControllerDefParseXML
            if (*bus_nr < kFirstExpanderBusNr || *bus_nr > kLastExpanderBusNr) {
                xml_.fail(target, fmt::format("PCI controller busNr '{}' out of range - must be {}-{}", *bus_nr, kFirstExpanderBusNr,
                                              kLastExpanderBusNr));
            }
            set(device, "bus_nr", std::to_string(*bus_nr));
        }
        if (const pugi::xml_node node = target.child("node")) {
            const u64 numa_node = xml_.unsigned_text(node);
            // virDomainControllerDefValidate: the node must be one of the <cpu><numa> cells, numbered from 0.
            std::size_t cells = 0;
            for ([[maybe_unused]] pugi::xml_node cell : xml_.root().child("cpu").child("numa").children("cell")) ++cells;
            if (numa_node >= cells) {
                xml_.fail(node, fmt::format("{} with index {} is configured for a NUMA node ({}) not present in the domain's "
                                            "<cpu><numa> array ({})",
                                            model_name, index, numa_node, cells));
            }
            set(device, "numa_node", std::to_string(numa_node));
        }
    }

    // qemuDomainAssignPCIAddresses -> qemuDomainAddressFindNewBusNr: an expander without busNr gets the lowest busNr
    // any PCI controller has so far, less 2 (one number for the expander's own bus, one for a bridge behind it);
    // none is free when that lowest is 2 or less.
    void assign_expander_bus_numbers() {
        for (GuestDevice& controller : c_.controllers) {
            if (controller.pci_model != PciControllerModel::PciExpanderBus && controller.pci_model != PciControllerModel::PcieExpanderBus) {
                continue;
            }
            if (controller.spec.properties.has("bus_nr")) continue;
            unsigned lowest = kNoBusNr;
            for (const GuestDevice& other : c_.controllers) {
                if (const std::string* value = other.spec.properties.find("bus_nr")) lowest = std::min(lowest, static_cast<unsigned>(std::stoul(*value)));
            }
            if (lowest <= 2) {
                xml_.fail(controller.element, fmt::format("no free busNr below the lowest one already used ({}) is left to give this "
                                                          "{} (libvirt's qemuDomainAddressFindNewBusNr): set <target busNr=...>",
                                                          lowest, controller.controller_model));
            }
            set(controller, "bus_nr", std::to_string(lowest - 2));
        }
    }

    // qemuBuildGlobalControllerCommandLine: <pcihole64> on the root bus sets the host bridge's
    // pci-hole64-size, in KiB.
    void read_pcihole64(pugi::xml_node controller, pugi::xml_node hole, PciControllerModel model, int index) {
        if (index != 0 || (model != PciControllerModel::PciRoot && model != PciControllerModel::PcieRoot)) {
            xml_.fail(hole, "Setting the 64-bit PCI hole size is not supported for this controller");
        }
        const u64 value = xml_.unsigned_text(hole);
        const ScaledValue scaled = scale_integer(value, XmlDocument::attribute(hole, "unit").value_or(""), KiB, kLibvirtMemoryMax);
        if (!scaled.bytes) xml_.fail(hole, scaled.error);
        const u64 kibibytes = *scaled.bytes / KiB + (*scaled.bytes % KiB != 0 ? 1 : 0);
        if (kibibytes == 0) return;  // 0 leaves QEMU's default
        GlobalSpec global;
        global.driver = model == PciControllerModel::PcieRoot ? "q35-pcihost" : "i440FX-pcihost";
        global.property = "pci-hole64-size";
        global.value = std::to_string(kibibytes) + "K";
        global.where = xml_.where(hole);
        c_.spec().globals.push_back(std::move(global));
        (void)controller;
    }

    // ---- disks ------------------------------------------------------------------------------------------

    // The disk's bus: <target bus=>, else virDomainDiskDefParseXML's guess from the target name; "" if none.
    static std::string disk_bus(pugi::xml_node target) {
        if (const auto bus = XmlDocument::attribute(target, "bus")) return *bus;
        const std::string dev = XmlDocument::attribute(target, "dev").value_or("");
        if (dev.starts_with("hd")) return "ide";
        if (dev.starts_with("sd")) return "scsi";
        if (dev.starts_with("vd")) return "virtio";
        if (dev.starts_with("fd")) return "fdc";
        return "";
    }

    // The order libvirt keeps disks in (virDomainDiskInsert, as each is parsed): a disk goes before the
    // first disk on its bus whose target name sorts after its own, else right after the last disk on its
    // bus, else at the end. So "vdb, vda" become vda, vdb: virtio-disk0 is placed first. A disk whose
    // target cannot be read keeps its place; read_disk refuses it.
    static std::vector<pugi::xml_node> libvirt_disk_order(pugi::xml_node devices) {
        struct Entry {
            pugi::xml_node element;
            std::string bus;
            int index;
        };
        std::vector<Entry> order;
        for (pugi::xml_node element : devices.children("disk")) {
            const pugi::xml_node target = element.child("target");
            const std::string bus = disk_bus(target);
            const auto index = disk_index(XmlDocument::attribute(target, "dev").value_or(""));
            Entry entry{element, bus, index.value_or(-1)};
            if (bus.empty() || !index) {
                order.push_back(entry);
                continue;
            }
            std::optional<std::size_t> at;
            for (std::size_t i = order.size(); i-- > 0;) {
                if (order[i].bus != bus) continue;
                if (order[i].index > entry.index) at = i;
                else if (!at) at = i + 1;
            }
            order.insert(order.begin() + static_cast<std::ptrdiff_t>(at.value_or(order.size())), entry);
        }
        std::vector<pugi::xml_node> elements;
        for (const auto& entry : order) elements.push_back(entry.element);
        return elements;
    }

    // libvirt always passes -boot strict=on (qemuBuildBootCommandLine) and a bootindex to each device it boots
    // from (qemuBuildDiskDeviceProps, qemuBuildNicDevProps, qemuBuildHostdevPCIProps, ...): the devices' own
    // <boot order>, or, per <os><boot dev>, the first disk, CD-ROM, floppy and interface
    // (qemu_process.c qemuProcessPrepareDeviceBootorder). SeaBIOS then skips some drivers of the others.
    void assign_boot_indices(pugi::xml_node devices, const std::vector<pugi::xml_node>& disks) {
        c_.spec().boot_strict = true;
        std::set<u64> orders;
        for (const char* name : kBootableElements) {
            for (pugi::xml_node element : devices.children(name)) {
                const pugi::xml_node boot = element.child("boot");
                if (!boot) continue;
                const std::string text = XmlDocument::attribute(boot, "order").value_or("");
                const std::optional<u64> order = parse_uint(text);
                // virDomainDeviceBootParseXML: a positive unsigned int.
                if (!order || *order == 0 || *order > 0xffffffffu) xml_.fail(boot, "incorrect boot order '" + text + "', expecting positive integer");
                // virDomainDefCollectBootOrder
                if (!orders.insert(*order).second) xml_.fail(boot, fmt::format("boot order '{}' used for more than one device", *order));
                boot_index_.emplace_back(element, static_cast<unsigned>(*order));
            }
        }
        const pugi::xml_node os = xml_.root().child("os");
        std::vector<std::string> boot_devs;
        for (pugi::xml_node boot : os.children("boot")) boot_devs.push_back(XmlDocument::attribute(boot, "dev").value_or(""));
        // virDomainDefBootOrderPostParse
        if (!boot_devs.empty() && !orders.empty()) xml_.fail(os.child("boot"), "per-device boot elements cannot be used together with os/boot elements");
        if (boot_devs.empty() && orders.empty()) boot_devs.push_back("hd");
        unsigned cdrom = 0, disk = 0, floppy = 0, network = 0;
        for (std::size_t i = 0; i < boot_devs.size(); ++i) {
            const unsigned index = static_cast<unsigned>(i + 1);
            if (boot_devs[i] == "cdrom") cdrom = index;
            if (boot_devs[i] == "hd") disk = index;
            if (boot_devs[i] == "fd") floppy = index;
            if (boot_devs[i] == "network") network = index;
        }
        for (pugi::xml_node element : disks) {
            const std::string kind = XmlDocument::attribute(element, "device").value_or("disk");
            unsigned& wanted = kind == "cdrom" ? cdrom : kind == "floppy" ? floppy : disk;
            if (wanted != 0) boot_index_.emplace_back(element, wanted);
            wanted = 0;
        }
        if (network != 0) {
            if (const pugi::xml_node first = devices.child("interface")) boot_index_.emplace_back(first, network);
        }
    }

    std::optional<unsigned> boot_index(pugi::xml_node element) const {
        for (const auto& [node, index] : boot_index_) {
            if (node == element) return index;
        }
        return std::nullopt;
    }

    // src/util/virutil.c virDiskNameToIndex: "vda" 0, "vdb" 1, "sdaa" 26.
    static std::optional<int> disk_index(const std::string& name) {
        std::size_t start = 0;
        for (const char* prefix : {"fd", "hd", "vd", "sd", "xvd", "ubd"}) {
            if (name.starts_with(prefix)) {
                start = std::string(prefix).size();
                break;
            }
        }
        if (start == 0) return std::nullopt;
        // Four letters reach index 475253, past any bus libvirt has; more cannot be a real disk.
        constexpr std::size_t kMaxLetters = 4;
        const std::size_t letters = name.size() - start;
        if (letters == 0 || letters > kMaxLetters) return std::nullopt;
        int index = 0;
        for (std::size_t i = start; i < name.size(); ++i) {
            if (name[i] < 'a' || name[i] > 'z') return std::nullopt;
            index = (index + (i == start ? 0 : 1)) * 26 + (name[i] - 'a');
        }
        return index;
    }

    void ensure_controller(const std::string& type, int index, pugi::xml_node because) {
        for (const auto& d : c_.controllers) {
            if (d.controller_type == type && d.controller_index == index) return;
        }
        // virDomainDefAddDiskControllers and friends: the controller a device names is added for it.
        GuestDevice device = make(DeviceClass::Controller, because, "", controller_alias(type, index, std::nullopt));
        device.element = pugi::xml_node();
        device.address.reset();
        device.unassigned = false;
        device.spec.id = controller_alias(type, index, std::nullopt);
        device.spec.where.text = xml_.where(because).text + " [the " + type + " controller libvirt adds for it]";
        device.controller_type = type;
        device.controller_index = index;
        configure_controller(device, because);
        device.controller_model = device.controller_model;  // set by configure_controller
        insert_controller(std::move(device));
    }

    void read_disk(pugi::xml_node e) {
        const std::string type = XmlDocument::attribute(e, "type").value_or("file");
        const std::string device_kind = XmlDocument::attribute(e, "device").value_or("disk");
        const pugi::xml_node target = e.child("target");
        if (!target) xml_.fail(e, "a disk needs a <target>");
        const auto dev = XmlDocument::attribute(target, "dev");
        if (!dev) xml_.fail(target, "missing target 'dev'");
        const std::string bus = disk_bus(target);
        if (bus.empty()) xml_.fail(target, "cannot tell the bus of disk '" + *dev + "': give <target bus=>");
        const auto index = disk_index(*dev);
        if (!index) xml_.fail(target, "Unknown disk name '" + *dev + "' and no address specified");
        if (bus == "virtio") {
            const std::string model = XmlDocument::attribute(e, "model").value_or("");
            std::string driver = model == "virtio-transitional" ? "virtio-blk-pci-transitional"
                                 : model == "virtio-non-transitional" ? "virtio-blk-pci-non-transitional"
                                                                      : "virtio-blk-pci";
            GuestDevice device = make(DeviceClass::Disk, e, driver, "virtio-disk" + std::to_string(*index));
            device.connect = model == "virtio-transitional" ? kPciFlags : virtio_flags();
            // The block node libvirt names (qemuBuildDiskDeviceProps): virtio-blk-pci refuses to start without one.
            set(device, "drive", "libvirt-" + device.spec.id + "-format");
            if (const auto queues = xml_.unsigned_attribute(e.child("driver"), "queues")) {
                set(device, "num-queues", std::to_string(*queues));
            }
            return add(std::move(device));
        }
        const pugi::xml_node address = e.child("address");
        const bool drive_address = address && XmlDocument::attribute(address, "type").value_or("") == "drive";
        // virDomainDiskDefAssignAddress: IDE has 2 units a bus, SATA 6 ports a controller, SCSI 7 units.
        int controller = 0;
        int drive_bus = 0;
        int unit = 0;
        if (drive_address) {
            auto field = [&](const char* name) {
                const u64 value = xml_.unsigned_attribute(address, name).value_or(0);
                if (value > 255) xml_.fail(address, std::string("drive address '") + name + "' must be below 256");
                return static_cast<int>(value);
            };
            controller = field("controller");
            drive_bus = field("bus");
            unit = field("unit");
        } else if (bus == "ide") {
            controller = *index / 4;
            drive_bus = (*index % 4) / 2;
            unit = *index % 2;
        } else if (bus == "sata") {
            controller = *index / 6;
            unit = *index % 6;
        } else if (bus == "scsi") {
            controller = *index / 7;
            unit = *index % 7;
        }
        const bool cdrom = device_kind == "cdrom";
        if (bus == "ide" || bus == "sata") {
            ensure_controller(bus, controller, e);
            const std::string alias = fmt::format("{}{}-{}-{}", bus, controller, drive_bus, unit);
            GuestDevice device = make(DeviceClass::NotPci, e, cdrom ? "ide-cd" : "ide-hd", alias);
            device.spec.bus = fmt::format("{}.{}", controller_alias(bus, controller, std::nullopt), bus == "ide" ? drive_bus : unit);
            device.address.reset();
            return add(std::move(device));
        }
        if (bus == "scsi") {
            ensure_controller("scsi", controller, e);
            const std::string alias = fmt::format("scsi{}-{}-{}", controller, drive_bus, unit);
            GuestDevice device = make(DeviceClass::NotPci, e, device_kind == "lun" ? "scsi-block" : cdrom ? "scsi-cd" : "scsi-hd", alias);
            device.spec.bus = fmt::format("scsi{}.0", controller);
            device.address.reset();
            return add(std::move(device));
        }
        if (bus == "usb") return add_bus_device(e, "usb-storage", "usb-disk" + std::to_string(*index));
        if (bus == "fdc") {
            // The ISA floppy controller: no PCI function, no SeaBIOS allocation modelled; its drive's bootindex
            // is the controller's bootindexA/B (qemuBuildFloppyCommandLineControllerOptions).
            if (const auto boot = boot_index(e)) {
                const unsigned drive = drive_address ? static_cast<unsigned>(unit) : static_cast<unsigned>(*index);
                c_.spec().globals.push_back({"isa-fdc", drive % 2 == 0 ? "bootindexA" : "bootindexB", std::to_string(*boot), xml_.where(e)});
            }
            return;
        }
        xml_.unsupported(target, "disk bus '" + bus + "' is not modelled by aperture");
    }

    // ---- filesystems, interfaces, serial ports ------------------------------------------------------

    void read_filesystem(pugi::xml_node e) {
        const std::string driver_type = XmlDocument::attribute(e.child("driver"), "type").value_or("path");
        const std::string model = XmlDocument::attribute(e, "model").value_or("");
        const std::string alias = "fs" + std::to_string(count_["fs"]++);
        if (driver_type == "mtp") return add_bus_device(e, "usb-mtp", alias);
        if (driver_type == "virtiofs") return add_pci(DeviceClass::Filesystem, e, "vhost-user-fs-pci", alias, virtio_flags());
        if (driver_type != "path" && driver_type != "handle") {
            xml_.unsupported(e, "filesystem driver '" + driver_type + "' is not modelled");
        }
        const bool transitional = model == "virtio-transitional";
        // qemuBuildFSDevCmd: the -fsdev is "fsdev-" + alias and the mount tag is <target dir>, which
        // virDomainFSDefParseXML requires ("missing target information for filesystem").
        const auto tag = XmlDocument::attribute(e.child("target"), "dir");
        if (!tag) xml_.fail(e, "missing target information for filesystem");
        GuestDevice device = make(DeviceClass::Filesystem, e,
                                  transitional ? "virtio-9p-pci-transitional"
                                  : model == "virtio-non-transitional" ? "virtio-9p-pci-non-transitional"
                                                                       : "virtio-9p-pci",
                                  alias);
        set(device, "fsdev", "fsdev-" + alias);
        set(device, "mount_tag", *tag);
        device.connect = transitional ? kPciFlags : virtio_flags();
        add(std::move(device));
    }

    // The guest address of a host PCI device: <source><address domain= bus= slot= function=>.
    std::string host_address(pugi::xml_node e) {
        const pugi::xml_node address = e.child("source").child("address");
        if (!address) xml_.fail(e, "a PCI host device needs <source><address domain= bus= slot= function=/>");
        const u64 domain = xml_.unsigned_attribute(address, "domain").value_or(0);
        const u64 bus = xml_.unsigned_attribute(address, "bus").value_or(0);
        const u64 slot = xml_.unsigned_attribute(address, "slot").value_or(0);
        const u64 function = xml_.unsigned_attribute(address, "function").value_or(0);
        if (domain > 0xffff || bus > 0xff || slot > 0x1f || function > 7) xml_.fail(address, "not a valid host PCI address");
        return fmt::format("{:04x}:{:02x}:{:02x}.{:x}", domain, bus, slot, function);
    }

    GuestDevice make_vfio(pugi::xml_node e) {
        if (const auto name = XmlDocument::attribute(e.child("driver"), "name"); name && *name != "vfio") {
            xml_.fail(e.child("driver"), "host device assignment with driver '" + *name + "' is not supported (only vfio)");
        }
        GuestDevice device = make(DeviceClass::Hostdev, e, "vfio-pci", "hostdev" + std::to_string(hostdevs_++));
        const std::string host = host_address(e);
        // virDomainHostdevInsert's check (hostdev-pci-duplicate.x86_64-latest.err).
        if (!host_addresses_.insert(host).second) xml_.fail(e, "Hostdev already exists in the domain configuration");
        set(device, "host", host);
        // qemuDomainDeviceCalculatePCIConnectFlags: a host device that cannot be looked at is taken for PCIe.
        device.connect = pcie_flags();
        read_rom(device, e);
        if (!device.unassigned) c_.facts().hostdev_aliases.push_back(device.spec.id);
        if (device.unassigned) device.emitted = false;
        return device;
    }

    // qemuDomainDefaultNetModel: libvirt's NIC model when <model> is absent, for x86.
    static constexpr const char* kDefaultNicModel = "rtl8139";

    void read_interface(pugi::xml_node e) {
        const std::string type = XmlDocument::attribute(e, "type").value_or("");
        const unsigned net_index = count_["net"]++;
        if (type == "hostdev") return add(make_vfio(e));
        const std::string model = XmlDocument::attribute(e.child("model"), "type").value_or(kDefaultNicModel);
        if (model == "usb-net") return add_bus_device(e, "usb-net", "net" + std::to_string(net_index));
        static const std::map<std::string, std::string> drivers{
            {"virtio", "virtio-net-pci"},
            {"virtio-transitional", "virtio-net-pci-transitional"},
            {"virtio-non-transitional", "virtio-net-pci-non-transitional"},
            {"e1000", "e1000"},
            {"e1000e", "e1000e"},
            {"igb", "igb"},
            {"rtl8139", "rtl8139"},
            {"vmxnet3", "vmxnet3"},
            {"ne2k_pci", "ne2k_pci"},
            {"pcnet", "pcnet"},
        };
        auto it = drivers.find(model);
        if (it == drivers.end()) xml_.unsupported(e.child("model"), "NIC model '" + model + "' is not modelled");
        GuestDevice device = make(DeviceClass::Net, e, it->second, "net" + std::to_string(net_index));
        const bool virtio = model == "virtio" || model == "virtio-non-transitional";
        device.connect = virtio ? virtio_flags() : (model == "e1000e" || model == "igb") ? pcie_flags() : kPciFlags;
        if (model.starts_with("virtio")) {
            // qemuBuildNicDevProps: more than one queue makes a multiqueue device with 2N+2 vectors.
            if (const auto queues = xml_.unsigned_attribute(e.child("driver"), "queues"); queues && *queues > 1) {
                set(device, "mq", "on");
                set(device, "vectors", std::to_string(2 * *queues + 2));
            }
            if (const auto mtu = xml_.unsigned_attribute(e.child("mtu"), "size")) set(device, "host_mtu", std::to_string(*mtu));
        }
        read_rom(device, e);
        add(std::move(device));
    }

    void read_serial(pugi::xml_node e) {
        const std::string target = XmlDocument::attribute(e.child("target"), "type").value_or("isa-serial");
        if (target == "pci-serial") {
            return add_pci(DeviceClass::Serial, e, "pci-serial", "serial" + std::to_string(count_["serial"]++), kPciFlags);
        }
        if (target == "usb-serial") return add_bus_device(e, "usb-serial", "serial" + std::to_string(count_["serial"]++));
        ++count_["serial"];
    }

    // A virtio channel or console needs a virtio-serial controller (virDomainDefMaybeAddVirtioSerialController).
    void read_virtio_serial_user(pugi::xml_node e) {
        const std::string target = XmlDocument::attribute(e.child("target"), "type").value_or("");
        if (target == "virtio") ensure_controller("virtio-serial", 0, e);
    }

    // ---- inputs, sound, video ---------------------------------------------------------------------------

    void read_input(pugi::xml_node e) {
        const std::string type = XmlDocument::attribute(e, "type").value_or("");
        const std::string bus = XmlDocument::attribute(e, "bus").value_or(type == "tablet" ? "usb" : "ps2");
        const std::string alias = "input" + std::to_string(count_["input"]++);
        if (bus == "ps2" || bus == "xen" || bus == "none") return;
        if (bus == "usb") {
            const std::string driver = type == "tablet" ? "usb-tablet" : type == "keyboard" ? "usb-kbd" : "usb-mouse";
            return add_bus_device(e, driver, alias);
        }
        if (bus != "virtio") xml_.unsupported(e, "input bus '" + bus + "' is not modelled");
        const std::string driver = type == "passthrough" ? "virtio-input-host-pci"
                                   : type == "tablet"    ? "virtio-tablet-pci"
                                   : type == "keyboard"  ? "virtio-keyboard-pci"
                                                         : "virtio-mouse-pci";
        GuestDevice device = make(DeviceClass::Input, e, driver, alias);
        if (type == "passthrough") {
            // qemuBuildInputVirtioDevProps: evdev= the <source evdev>, which the schema requires.
            const auto evdev = XmlDocument::attribute(e.child("source"), "evdev");
            if (!evdev) xml_.fail(e, "a passthrough input device needs <source evdev='/dev/input/eventN'/>");
            set(device, "evdev", *evdev);
        }
        device.connect = virtio_flags();
        add(std::move(device));
    }

    void read_sound(pugi::xml_node e) {
        const std::string model = XmlDocument::attribute(e, "model").value_or("");
        const std::string alias = "sound" + std::to_string(count_["sound"]++);
        if (model == "sb16" || model == "pcspk") return;
        if (model == "usb") return add_bus_device(e, "usb-audio", alias);
        static const std::map<std::string, std::string> drivers{
            {"ich6", "intel-hda"}, {"ich9", "ich9-intel-hda"}, {"ac97", "AC97"}, {"es1370", "ES1370"}, {"virtio", "virtio-sound-pci"}};
        auto it = drivers.find(model);
        if (it == drivers.end()) xml_.unsupported(e, "sound model '" + model + "' is not modelled");
        add_pci(DeviceClass::Sound, e, it->second, alias, model == "virtio" ? virtio_flags() : kPciFlags);
        if (model == "ich6" || model == "ich9") add_bus_device(e, "hda-duplex", alias + "-codec0");
    }

    void read_video(pugi::xml_node e) {
        const pugi::xml_node model_node = e.child("model");
        const std::string type = XmlDocument::attribute(model_node, "type").value_or("cirrus");  // qemuDomainDefaultVideoDevice
        const unsigned index = count_["video"]++;
        const bool primary = index == 0;
        if (index > 0 && XmlDocument::attribute(model_node, "primary").value_or("") == "yes") {
            // libvirt moves it to the front (virDomainDefParseXML); aperture keeps the document's order.
            xml_.unsupported(model_node, "primary='yes' on a video device other than the first is not modelled; "
                                         "put the primary <video> first");
        }
        if (type == "none") return;
        if (type == "ramfb") {
            c_.note(e, "ramfb is not a PCI device; its framebuffer lives in guest RAM the firmware allocates");
            return;
        }
        std::string driver;
        if (type == "vga") driver = "VGA";
        else if (type == "cirrus") driver = "cirrus-vga";
        else if (type == "vmvga") driver = "vmware-svga";
        else if (type == "qxl") driver = primary ? "qxl-vga" : "qxl";
        else if (type == "virtio") driver = primary ? "virtio-vga" : "virtio-gpu-pci";
        else if (type == "bochs") driver = "bochs-display";
        else xml_.unsupported(model_node, "video model '" + type + "' is not modelled");
        if (type == "vga" && !primary) xml_.fail(model_node, "video type vga is only valid as primary video device");
        GuestDevice device = make(DeviceClass::Video, e, driver, "video" + std::to_string(index));
        device.primary_video = index == 0;
        device.connect = type == "virtio" ? virtio_flags() : type == "bochs" ? pcie_flags() : kPciFlags;
        // virDomainVideoDefaultRAM: 16 MiB for VGA and bochs unless vram says otherwise (KiB).
        const u64 vram = xml_.unsigned_attribute(model_node, "vram").value_or(type == "qxl" ? 64 * 1024 : 16 * 1024);
        const u64 heads = xml_.unsigned_attribute(model_node, "heads").value_or(1);
        if (type == "vga" || type == "vmvga") set(device, "vgamem_mb", std::to_string(vram / 1024));
        if (type == "bochs") set(device, "vgamem", std::to_string(vram * 1024));
        if (type == "virtio") set(device, "max_outputs", std::to_string(heads));
        if (type == "qxl") {
            set(device, "max_outputs", std::to_string(heads));
            set(device, "ram_size", std::to_string(xml_.unsigned_attribute(model_node, "ram").value_or(64 * 1024) * 1024));
            set(device, "vram_size", std::to_string(vram * 1024));
            set(device, "vram64_size_mb", std::to_string(xml_.unsigned_attribute(model_node, "vram64").value_or(0) / 1024));
            set(device, "vgamem_mb", std::to_string(xml_.unsigned_attribute(model_node, "vgamem").value_or(16 * 1024) / 1024));
        }
        add(std::move(device));
    }

    // ---- host devices and the rest ----------------------------------------------------------------------

    void read_hostdev(pugi::xml_node e) {
        const std::string mode = XmlDocument::attribute(e, "mode").value_or("subsystem");
        const std::string type = XmlDocument::attribute(e, "type").value_or("");
        if (mode != "subsystem") xml_.unsupported(e, "hostdev mode '" + mode + "' is not modelled (only subsystem)");
        if (type == "pci") return add(make_vfio(e));
        if (type == "mdev") {
            xml_.unsupported(e, "mediated devices (mdev) are not modelled: their BARs come from the host's vendor driver");
        }
        if (type == "usb") return add_bus_device(e, "usb-host", "hostdev" + std::to_string(hostdevs_++));
        if (type == "scsi") return add_bus_device(e, "scsi-generic", "hostdev" + std::to_string(hostdevs_++));
        if (type == "scsi_host") {
            return add_pci(DeviceClass::Hostdev, e, "vhost-scsi-pci", "hostdev" + std::to_string(hostdevs_++), virtio_flags());
        }
        xml_.unsupported(e, "hostdev type '" + type + "' is not modelled");
    }

    void read_watchdog(pugi::xml_node e) {
        const std::string model = XmlDocument::attribute(e, "model").value_or("");
        const std::string alias = "watchdog" + std::to_string(count_["watchdog"]++);
        if (model == "i6300esb") return add_pci(DeviceClass::Watchdog, e, "i6300esb", alias, kPciFlags);
        if (model == "itco" || model == "ib700") return;  // ICH9 TCO is built in; ib700 is an ISA device
        xml_.unsupported(e, "watchdog model '" + model + "' is not modelled");
    }

    void read_memballoon(pugi::xml_node e) {
        have_memballoon_ = true;
        const std::string model = XmlDocument::attribute(e, "model").value_or("");
        if (model == "none") return;
        if (model != "virtio" && model != "virtio-transitional" && model != "virtio-non-transitional") {
            xml_.unsupported(e, "memballoon model '" + model + "' is not modelled");
        }
        add_pci(DeviceClass::Memballoon, e,
                model == "virtio" ? "virtio-balloon-pci" : "virtio-balloon-pci-" + model.substr(std::string("virtio-").size()),
                "balloon0", model == "virtio-transitional" ? kPciFlags : virtio_flags());
    }

    void read_rng(pugi::xml_node e) {
        const std::string model = XmlDocument::attribute(e, "model").value_or("");
        if (model != "virtio" && model != "virtio-transitional" && model != "virtio-non-transitional") {
            xml_.unsupported(e, "rng model '" + model + "' is not modelled");
        }
        add_pci(DeviceClass::Rng, e,
                model == "virtio" ? "virtio-rng-pci" : "virtio-rng-pci-" + model.substr(std::string("virtio-").size()),
                "rng" + std::to_string(count_["rng"]++), model == "virtio-transitional" ? kPciFlags : virtio_flags());
    }

    void read_iommu(pugi::xml_node e) {
        const std::string model = XmlDocument::attribute(e, "model").value_or("");
        if (model == "intel") return add_bus_device(e, "intel-iommu", "iommu0");
        if (model == "virtio") {
            GuestDevice device = make(DeviceClass::Iommu, e, "virtio-iommu-pci", "iommu0");
            device.connect = virtio_flags() | kIntegrated;
            return add(std::move(device));
        }
        xml_.unsupported(e, "IOMMU model '" + model + "' is not modelled on x86");
    }

    void read_panic(pugi::xml_node e) {
        const std::string model = XmlDocument::attribute(e, "model").value_or("isa");
        if (model == "isa") return add_bus_device(e, "pvpanic", "panic0");
        if (model == "pvpanic") {
            GuestDevice device = make(DeviceClass::Panic, e, "pvpanic-pci", "panic0");
            device.connect = kPciFlags | kIntegrated;
            return add(std::move(device));
        }
        if (model == "hyperv") return;
        xml_.unsupported(e, "panic model '" + model + "' is not modelled on x86");
    }

    void read_shmem(pugi::xml_node e) {
        const std::string model = XmlDocument::attribute(e.child("model"), "type").value_or("ivshmem-plain");
        const std::string alias = "shmem" + std::to_string(count_["shmem"]++);
        if (model != "ivshmem-plain") xml_.unsupported(e, "shmem model '" + model + "' is not modelled (ivshmem-plain is)");
        u64 size = 4 * MiB;  // QEMU's ivshmem default; libvirt passes the <size> it is given
        if (const pugi::xml_node size_node = e.child("size")) {
            const ScaledValue scaled = scale_integer(xml_.unsigned_text(size_node),
                                                     XmlDocument::attribute(size_node, "unit").value_or(""), 1, kLibvirtMemoryMax);
            if (!scaled.bytes) xml_.fail(size_node, scaled.error);
            size = *scaled.bytes;
        }
        MemoryBackendSpec backend;
        backend.type = "memory-backend-file";
        backend.id = "shmmem-" + alias;
        backend.size = size;
        backend.where = xml_.where(e);
        c_.spec().memory_backends.push_back(backend);
        GuestDevice device = make(DeviceClass::Shmem, e, "ivshmem-plain", alias);
        device.connect = kPciFlags;
        set(device, "memdev", backend.id);
        add(std::move(device));
    }

    void read_tpm(pugi::xml_node e) {
        const std::string model = XmlDocument::attribute(e, "model").value_or("tpm-tis");
        if (model != "tpm-tis" && model != "tpm-crb") xml_.unsupported(e, "TPM model '" + model + "' is not modelled on x86");
        add_bus_device(e, model, "tpm0");
    }

    // ---- what libvirt adds ----------------------------------------------------------------------------

    // qemuDomainDefAddDefaultDevices for x86: a USB controller, q35's SATA, the root bus, a balloon.
    void add_default_devices() {
        const pugi::xml_node devices = xml_.root().child("devices");
        const pugi::xml_node anchor = devices ? devices : xml_.root();
        if (!has_controller("usb", 0)) add_implicit_controller("usb", 0, anchor);
        if (c_.q35() && !has_controller("sata", 0)) add_implicit_controller("sata", 0, anchor);
        if (!has_controller("pci", 0)) {
            GuestDevice root = make_implicit_pci_controller(c_, 0, c_.q35() ? PciControllerModel::PcieRoot : PciControllerModel::PciRoot);
            insert_controller(std::move(root));
        }
        if (!have_memballoon_) {
            GuestDevice balloon = make(DeviceClass::Memballoon, anchor, "virtio-balloon-pci", "balloon0");
            balloon.element = pugi::xml_node();
            balloon.address.reset();
            balloon.spec.where.text = xml_.file_name() + ": the virtio memballoon libvirt adds (no <memballoon>)";
            balloon.connect = virtio_flags();
            add(std::move(balloon));
        }
    }

    bool has_controller(const std::string& type, int index) const {
        return std::any_of(c_.controllers.begin(), c_.controllers.end(),
                           [&](const GuestDevice& d) { return d.controller_type == type && d.controller_index == index; });
    }

    void add_implicit_controller(const std::string& type, int index, pugi::xml_node anchor) {
        GuestDevice device;
        device.kind = DeviceClass::Controller;
        device.spec.id = controller_alias(type, index, std::nullopt);
        device.spec.where.text = xml_.file_name() + ": the " + type + " controller libvirt adds";
        device.controller_type = type;
        device.controller_index = index;
        configure_controller(device, anchor);
        insert_controller(std::move(device));
    }

    DomainContext& c_;
    const XmlDocument& xml_;
    std::map<std::string, unsigned> count_;
    std::vector<std::pair<pugi::xml_node, unsigned>> boot_index_;  // the bootindex libvirt gives each element
    unsigned hostdevs_ = 0;
    std::set<std::string> host_addresses_;
    bool have_memballoon_ = false;
};

}  // namespace

GuestDevice make_implicit_pci_controller(DomainContext& context, int index, PciControllerModel model) {
    GuestDevice device;
    device.kind = DeviceClass::PciController;
    device.controller_type = "pci";
    device.controller_index = index;
    device.controller_model = to_string(model);
    device.pci_model = model;
    device.emitted = model != PciControllerModel::PciRoot && model != PciControllerModel::PcieRoot;
    device.spec.id = model == PciControllerModel::PcieRoot ? "pcie." + std::to_string(index) : "pci." + std::to_string(index);
    device.spec.where.text = fmt::format("{}: the {} controller libvirt adds (index {})", context.xml.file_name(), to_string(model), index);
    device.spec.driver = pci_controller_driver(model);
    device.connect = pci_controller_connect(model);
    return device;
}

void read_devices(DomainContext& context) { DeviceReader(context).read(); }

}  // namespace aperture::libvirt_xml
