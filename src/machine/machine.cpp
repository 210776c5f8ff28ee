#include "machine/machine.hpp"

#include <algorithm>
#include <map>
#include <array>
#include <set>
#include <fmt/format.h>

#include "core/error.hpp"
#include "core/size_parse.hpp"
#include "devices/chipset.hpp"
#include "devices/device_model.hpp"
#include "input/qemu_option_syntax.hpp"
#include "machine/boot_order.hpp"
#include "machine/device_globals.hpp"
#include "machine/qemu_x86_layout.hpp"

namespace aperture {

namespace {

// -device drivers that create no PCI function and change nothing in the address map.
constexpr std::array NON_PCI_NEUTRAL_DRIVERS{
    "isa-debugcon", "isa-serial", "isa-parallel", "pvpanic", "usb-tablet", "usb-kbd", "usb-mouse", "usb-storage",
    "usb-host", "usb-redir", "usb-hub", "scsi-hd", "scsi-cd", "scsi-generic", "scsi-block", "ide-hd", "ide-cd",
    "virtserialport", "virtconsole", "nvme-ns", "tpm-tis", "tpm-crb", "hda-duplex", "hda-micro", "hda-output",
    "vmcoreinfo", "intel-iommu", "isa-applesmc", "sga", "i8042", "kvm-pit", "virtio-blk-device",
};

// -global properties known not to change the address map.
constexpr std::array NEUTRAL_GLOBALS{
    "ICH9-LPC.disable_s3", "ICH9-LPC.disable_s4", "PIIX4_PM.disable_s3", "PIIX4_PM.disable_s4",
    "kvm-pit.lost_tick_policy", "cfi.pflash01.secure", "isa-fdc.driveA", "isa-fdc.driveB",
    "ICH9-LPC.noreboot", "mch.extended-tseg-mbytes", "isa-debugcon.iobase", "isa-debugcon.chardev",
    "qxl-vga.vram_size", "isa-fdc.bootindexA", "isa-fdc.bootindexB",
};

// hw/vfio/igd.c vfio_pci_igd_lpc_init: the ISA bridge QEMU creates for an IGD in legacy mode, at 00:1f.0.
constexpr const char* kIgdLpcBridgeDriver = "vfio-pci-igd-lpc-bridge";
constexpr DevFn kIgdLpcBridgeDevFn{0x1f, 0};
constexpr std::uint16_t kPciClassBridgeIsa = 0x0601;  // include/hw/pci/pci_ids.h PCI_CLASS_BRIDGE_ISA

std::string global_key(const GlobalSpec& g) { return g.driver + "." + g.property; }

bool contains(const auto& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

// The machine type's compat properties: QEMU applies them as globals before the user's -global
// (hw/core/machine.c hw_compat_*, hw/i386/pc.c pc_compat_*).
std::vector<GlobalSpec> compat_globals(const MachineType& type) {
    std::vector<GlobalSpec> globals;
    if (!type.virtio_rng_has_msix) {
        // hw_compat_7_1 (with the transitional names since 7.2.1): virtio-rng-pci had no MSI-X before 7.2.
        for (const char* driver : {"virtio-rng-pci", "virtio-rng-pci-transitional", "virtio-rng-pci-non-transitional"}) {
            globals.push_back({driver, "vectors", "0", {"the machine type's compat properties"}});
        }
    }
    if (type.virtio_balloon_vectors_compat) {
        // hw_compat_9_2: virtio-balloon had no MSI-X before 10.0.
        for (const char* driver : {"virtio-balloon-pci", "virtio-balloon-pci-transitional", "virtio-balloon-pci-non-transitional"}) {
            globals.push_back({driver, "vectors", "0", {"the machine type's compat properties"}});
        }
    }
    return globals;
}

// A device QEMU refuses to create, with the line QEMU prints.
struct QemuDeviceRefusal {
    std::string message;
};

// The -device option as QEMU names it in its messages: as written, else the driver.
std::string written_option(const DeviceSpec& device) { return device.written.empty() ? device.driver : device.written; }

class TopologyBuilder {
public:
    TopologyBuilder(Machine& machine, const VmSpec& spec, const HostContext& host, const QemuRelease& release)
        : machine_(machine), spec_(spec), host_(host), release_(release) {}

    bool bootorder_halts() const { return boot_order_.halts(spec_.boot_strict); }

    void add_chipset() {
        auto& pci = machine_.pci;
        if (machine_.type.family == MachineFamily::Q35) {
            // hw/i386/pc_q35.c pc_q35_init: MCH at 00:00.0, ICH9 functions at fixed addresses in slot 0x1f.
            pci.add(0, chipset_node(make_q35_mch(), {0, 0}));
            pci.add(0, chipset_node(make_ich9_lpc(), {0x1f, 0}));
            pci.add(0, chipset_node(make_ich9_ahci(), {0x1f, 2}));
            pci.add(0, chipset_node(make_ich9_smbus(), {0x1f, 3}));
        } else {
            // hw/i386/pc_piix.c pc_init1: i440FX at 00:00.0, PIIX3 at 00:01.0 with IDE and PM functions.
            pci.add(0, chipset_node(make_i440fx_host(), {0, 0}));
            pci.add(0, chipset_node(make_piix3_isa(), {1, 0}));
            pci.add(0, chipset_node(make_piix3_ide(), {1, 1}));
            // pc_init1 creates the PIIX4 PM function (and with it ACPI PCI hotplug) only when ACPI is on.
            if (machine_.acpi) pci.add(0, chipset_node(make_piix4_acpi(), {1, 3}));
        }
        if (usb_enabled()) add_machine_usb();
    }

    // -machine usb=on (or -usb): hw/i386/pc_piix.c adds piix3-usb-uhci at 00:01.2; hw/i386/pc_q35.c
    // ehci_create_ich9_with_companions puts an EHCI at 00:1d.7 and three UHCI companions at 00:1d.0-2.
    bool usb_enabled() const {
        const std::string* usb = spec_.machine.other.find("usb");
        return usb && (*usb == "on" || *usb == "true" || *usb == "yes");
    }

    void add_machine_usb() {
        auto& pci = machine_.pci;
        if (machine_.type.family == MachineFamily::I440fx) {
            pci.add(0, chipset_node(make_piix3_uhci(), {1, 2}));
            return;
        }
        PciFunctionSpec ehci = make_ich9_ehci();
        ehci.multifunction = true;
        pci.add(0, chipset_node(std::move(ehci), {0x1d, 7}));
        for (int companion = 1; companion <= 3; ++companion) {
            PciFunctionSpec uhci = make_ich9_uhci(companion);
            if (companion == 1) uhci.multifunction = true;
            pci.add(0, chipset_node(std::move(uhci), {0x1d, static_cast<std::uint8_t>(companion - 1)}));
        }
    }

    // hw/i386/pc_q35.c / pc_piix.c: pc_vga_init then pc_nic_init, both on the root bus at the first free slot.
    // softmmu/vl.c decides which: -vga TYPE, else std VGA while default_vga stands.
    void add_default_devices() {
        const auto& d = spec_.defaults;
        const std::string vga = d.vga.value_or(d.default_vga ? "std" : "none");
        if (vga != "none") add_vga_for(vga);
        std::vector<std::string> nics = d.nic_models;
        if (nics.empty() && d.default_nic) nics.push_back("");
        for (const auto& model : nics) {
            DeviceSpec nic;
            nic.driver = model.empty() ? (machine_.type.family == MachineFamily::Q35 ? "e1000e" : "e1000") : model;
            nic.where.text = model.empty() ? "the default NIC QEMU adds (no -nodefaults)" : fmt::format("-nic model={}", model);
            add_device(with_globals(nic, compat_globals(machine_.type), spec_.globals));
        }
    }

    void add_user_devices() {
        // The machine's own controller gets -cdrom/-hdX/-drive if=ide drives as ide-cd/ide-hd devices.
        for (const auto& drive : spec_.legacy_drives) {
            DeviceSpec device;
            device.driver = drive.cdrom ? "ide-cd" : "ide-hd";
            device.where = drive.where;
            machine_.bus_devices.push_back(device);
        }
        for (const auto& global : spec_.globals) {
            // The machine's own floppy controller takes its drives' bootindex from -global only.
            if (global.driver != "isa-fdc" || !global.property.starts_with("bootindex")) continue;
            DeviceSpec holder;
            holder.driver = global.driver;
            holder.written = global.driver;
            holder.properties.entries.emplace_back(global.property, global.value);
            if (std::string refusal = boot_order_.add(holder); !refusal.empty()) throw QemuDeviceRefusal{std::move(refusal)};
        }
        for (const auto& device : spec_.devices) {
            if (std::string refusal = boot_order_.add(device); !refusal.empty()) throw QemuDeviceRefusal{std::move(refusal)};
            if (contains(NON_PCI_NEUTRAL_DRIVERS, device.driver)) {
                machine_.bus_devices.push_back(device);
                continue;
            }
            add_device(with_globals(device, compat_globals(machine_.type), spec_.globals));
        }
    }

private:
    PciNode chipset_node(PciFunctionSpec function, DevFn devfn) {
        PciNode node;
        node.devfn = devfn;
        node.function = std::move(function);
        node.where = "created by the machine type";
        return node;
    }

    void add_vga_for(const std::string& vga) {
        DeviceSpec device;
        if (vga == "std") device.driver = "VGA";
        else if (vga == "virtio") device.driver = "virtio-vga";
        else if (vga == "cirrus") device.driver = "cirrus-vga";
        else if (vga == "qxl") device.driver = "qxl-vga";
        else if (vga == "vmware") device.driver = "vmware-svga";
        else throw InputError(fmt::format("-vga {}: this display type is not modelled by aperture", vga));
        device.where.text = fmt::format("the -vga {} display device", vga);
        add_device(with_globals(device, compat_globals(machine_.type), spec_.globals));
    }

    // hw/usb/hcd-uhci.c usb_uhci_common_realize -> usb_register_companion: a UHCI companion's masterbus must
    // be an EHCI that takes companions; QEMU's ICH9 EHCIs do, usb-ehci (ICH4) does not (measured on 7.2).
    void check_usb_companion(const DeviceSpec& device) {
        const std::string* masterbus = device.properties.find("masterbus");
        if (masterbus == nullptr) return;
        const std::string owner = masterbus->ends_with(".0") ? masterbus->substr(0, masterbus->size() - 2) : "";
        const PciNode* ehci = nullptr;
        for (const auto& bus : machine_.pci.buses()) {
            for (const auto& node : bus.devices) {
                if (!owner.empty() && node.id == owner) ehci = &node;
            }
        }
        if (ehci != nullptr && ehci->function.driver == "usb-ehci") {
            throw QemuDeviceRefusal{fmt::format("-device {}: Can't use USB bus '{}' as masterbus, it doesn't support companion controllers",
                                                written_option(device), *masterbus)};
        }
        if (ehci == nullptr || !ehci->function.driver.starts_with("ich9-usb-ehci")) {
            throw InputError(fmt::format("{}: masterbus={} does not name the bus of an ich9-usb-ehci1/2 created before it; "
                                         "other companion set-ups are not modelled",
                                         device.where.text, *masterbus));
        }
    }

    void add_device(const DeviceSpec& device) {
        auto& pci = machine_.pci;
        const std::string& where = device.where.text;
        check_usb_companion(device);
        // qdev_find_default_bus: without bus=, the first PCI bus of the newest host bridge, which is the newest
        // expander's root bus once there is one (qbus_find_recursive walks sysbus devices newest first).
        int bus = newest_extra_root_.value_or(0);
        if (device.bus) {
            auto found = pci.find_bus(*device.bus);
            if (!found) throw InputError(fmt::format("{}: Bus '{}' not found", where, *device.bus));
            bus = *found;
        }
        const PciBusNode& bus_node = pci.bus(bus);
        PlugContext context;
        context.qemu = &release_;
        context.machine = machine_.type.family;
        context.bus_is_express = bus_node.express;
        context.bus_is_root = bus_node.root;
        context.memory_backends = &spec_.memory_backends;
        context.boot_cpus = spec_.cpus;
        context.numa_nodes = spec_.numa_nodes;
        context.passthrough_device = [this](const std::string& host) -> std::optional<PciFunctionSpec> {
            auto it = host_.passthrough.find(normalize_host_pci_address(host));
            if (it == host_.passthrough.end()) return std::nullopt;
            return it->second;
        };
        context.igd_registers = [this](const std::string& host) -> std::optional<IgdRegisters> {
            auto it = host_.igd_registers.find(normalize_host_pci_address(host));
            if (it == host_.igd_registers.end()) return std::nullopt;
            return it->second;
        };
        context.rom_file_size = [this](const std::string& romfile) -> std::optional<u64> {
            auto it = host_.rom_files.find(romfile);
            if (it == host_.rom_files.end()) return std::nullopt;
            return it->second;
        };
        PciFunctionSpec function;
        try {
            function = build_device(device, context);
            check_chassis_slot(device, function);
        } catch (const DeviceRefusal& refused) {
            throw QemuDeviceRefusal{refused.qemu_message(device.written.empty() ? device.driver : device.written)};
        }

        // hw/pci/pci.c do_pci_register_device: an expander's root bus takes bridges only.
        if (bus_node.extra_root && !function.bridge) {
            throw QemuDeviceRefusal{fmt::format("-device {}: PCI: Only PCI/PCIe bridges can be plugged into {}", written_option(device),
                                                bus_node.extra_root->expander_driver)};
        }
        if (function.expander) check_expander(device, bus, *function.expander);

        DevFn devfn{};
        if (device.addr) {
            auto parsed = parse_pci_addr(*device.addr);
            if (!parsed) throw InputError(fmt::format("{}: addr '{}' is not a PCI slot[.function] in hex", where, *device.addr));
            devfn = *parsed;
        } else {
            auto free_slot = pci.first_free_slot(bus);
            // hw/pci/pci.c do_pci_register_device: QEMU refuses the device (exit 1, a predicted refusal).
            if (!free_slot) {
                throw QemuDeviceRefusal{fmt::format("-device {}: PCI: no slot/function available for {}, all in use or reserved",
                                                    written_option(device), device.driver)};
            }
            devfn = *free_slot;
        }
        const bool behind_port = bus_node.created_by == BridgeKind::PcieRootPort || bus_node.created_by == BridgeKind::PcieDownstreamPort;
        if (behind_port && devfn.device != 0) {
            // A PCIe port's link leads to exactly one device: only slot 0 exists behind it.
            throw InputError(fmt::format("{}: slot {:#x} behind PCIe port '{}' does not exist: a PCIe port has one device at slot 0",
                                         where, devfn.device, bus_node.name));
        }
        if (const PciNode* other = pci.occupant(bus, devfn)) {
            // hw/pci/pci.c do_pci_register_device: QEMU refuses the device (exit 1, a predicted refusal).
            throw QemuDeviceRefusal{fmt::format("-device {}: PCI: slot {} function {} not available for {}, in use by {},id={}",
                                                written_option(device), devfn.device, devfn.function, device.driver,
                                                other->function.driver, other->id)};
        }
        if (devfn.device == 0 && hotplug_handler(bus) == HotplugHandler::Shpc) {
            // hw/pci/shpc.c shpc_device_plug_common: an SHPC drives slots 1..31 only (SHPC_IDX_TO_PCI(0) is 1),
            // and the bridge is its bus's hotplug handler for cold-plugged devices too.
            throw QemuDeviceRefusal{DeviceRefusal(fmt::format("{}: slot 0 behind '{}' is not one its standard hotplug controller (SHPC) "
                                                              "drives: use addr=1 to addr=1f",
                                                              where, bus_node.name),
                                                  DeviceRefusal::Kind::Error,
                                                  "Unsupported PCI slot 0 for standard hotplug controller. Valid slots are between 1 and 31.")
                                        .qemu_message(device.written.empty() ? device.driver : device.written)};
        }
        if (function.bridge && !device.id.empty() && pci.find_bus(device.id)) {
            throw InputError(fmt::format("{}: a bus named '{}' already exists", where, device.id));
        }
        function.multifunction = device.multifunction;
        PciNode node;
        node.id = device.id;
        node.devfn = devfn;
        node.function = std::move(function);
        node.where = where;
        node.properties = device.properties;
        std::optional<IgdFacts> igd = node.function.igd;
        const std::optional<BridgeSpec> bridge = node.function.bridge;
        const std::optional<ExpanderSpec> expander = node.function.expander;
        pci.add(bus, std::move(node));
        if (bridge) handlers_[pci.buses().size() - 1] = child_hotplug_handler(hotplug_handler(bus), *bridge);
        if (expander) add_extra_root(device, *expander);
        if (igd) plan_igd(*igd, bus_node.root && bus == 0, devfn);
    }

    // Who handles plugging into a bus (QEMU's qbus hotplug handler). The root bus is ACPI's (ICH9/PIIX4 PCI
    // hotplug with bridge support, on for every modelled machine type); a cold-plugged bridge on an ACPI bus
    // gets ACPI for its own bus (hw/acpi/pcihp.c acpi_pcihp_device_plug_cb), anywhere else it keeps its own:
    // its SHPC, or a PCIe slot's native hotplug.
    enum class HotplugHandler { None, Acpi, Shpc, PcieNative };

    HotplugHandler hotplug_handler(int bus) const {
        // ACPI PCI hotplug serves the main root bus only; an expander's root bus has no hotplug handler.
        if (bus == 0) return root_hotplug_handler();
        const auto it = handlers_.find(static_cast<std::size_t>(bus));
        return it == handlers_.end() ? HotplugHandler::None : it->second;
    }

    // pc without ACPI has no PIIX4 PM, whose acpi-pci-hotplug is the root bus's handler; ICH9-LPC keeps
    // ACPI PCI hotplug on q35 with acpi=off (seen on QEMU 7.2: a pcie-pci-bridge behind a root port takes
    // a device at slot 0, which its SHPC would refuse).
    HotplugHandler root_hotplug_handler() const {
        if (machine_.type.family != MachineFamily::Q35 && !machine_.acpi) return HotplugHandler::None;
        return HotplugHandler::Acpi;
    }

    HotplugHandler child_hotplug_handler(HotplugHandler parent, const BridgeSpec& bridge) const {
        const bool pcie_slot = bridge.slot_implemented;
        if (parent == HotplugHandler::Acpi) {
            if (pcie_slot && !bridge.hotplug_capable && release_.acpi_pcihp_unsets_hotplug_off_ports) return HotplugHandler::None;
            return HotplugHandler::Acpi;
        }
        if (bridge.has_shpc) return HotplugHandler::Shpc;
        return pcie_slot && bridge.hotplug_capable ? HotplugHandler::PcieNative : HotplugHandler::None;
    }

    // hw/vfio/igd.c vfio_probe_igd_bar4_quirk, run while this vfio-pci device is realized: legacy mode, and
    // in it the LPC/ISA bridge QEMU creates at 00:1f.0 (vfio_pci_igd_lpc_init) for the video BIOS.
    void plan_igd(IgdFacts facts, bool on_root_bus, DevFn devfn) {
        facts.host = normalize_host_pci_address(facts.host);  // QEMU names it by its sysfs name
        facts.on_root_bus = on_root_bus;
        facts.guest_device = devfn.device;
        facts.guest_function = devfn.function;
        const PciNode* at_1f = machine_.pci.occupant(0, kIgdLpcBridgeDevFn);
        facts.root_slot_1f_taken = at_1f != nullptr && at_1f->function.driver != kIgdLpcBridgeDriver;
        IgdAssignment assignment = decide_igd_assignment(facts);
        if (!assignment.gms_warning.empty()) machine_.notes.push_back("QEMU: " + assignment.gms_warning);
        if (assignment.legacy && at_1f == nullptr) {
            PciFunctionSpec lpc;
            lpc.driver = kIgdLpcBridgeDriver;
            lpc.vendor_id = kPciVendorIntel;  // the host LPC bridge's IDs are copied in; the vendor is Intel
            lpc.class_code = kPciClassBridgeIsa;
            machine_.pci.add(0, chipset_node(std::move(lpc), kIgdLpcBridgeDevFn));
        }
        if (machine_.igd) {
            machine_.notes.push_back("more than one Intel IGD is passed through: QEMU and the firmware only handle one; "
                                     "the first is modelled");
            return;
        }
        machine_.igd = std::move(assignment);
    }

    // hw/pci-bridge/pci_expander_bridge.c pxb_register_bus: an expander sits on the main root bus, and no two
    // expanders share a bus number.
    void check_expander(const DeviceSpec& device, int bus, const ExpanderSpec& expander) const {
        if (bus != 0) {
            throw QemuDeviceRefusal{fmt::format("-device {}: PXB devices can be attached only to root bus", written_option(device))};
        }
        for (const int root : machine_.pci.extra_roots()) {
            if (machine_.pci.bus(root).extra_root->bus_nr == expander.bus_nr) {
                throw QemuDeviceRefusal{fmt::format("-device {}: Bus {} is already in use", written_option(device), expander.bus_nr)};
            }
        }
        if (expander.express && expander.bus_nr == 0) {
            // QEMU accepts it, and then two root buses answer to bus number 0.
            throw UnsupportedError(fmt::format("{}: a pxb-pcie with bus_nr=0 (QEMU's default) shares bus number 0 with the main root "
                                               "bus; aperture does not model that: give bus_nr= a number above the buses the main "
                                               "root bus uses",
                                               device.where.text));
        }
    }

    // pxb_dev_realize_common: the expander's root bus, and for pxb the pci-bridge QEMU plugs into it at slot 0
    // (id = the pxb's id, chassis_nr = bus_nr, shpc off), so that bus=<pxb id> lands behind that bridge.
    void add_extra_root(const DeviceSpec& device, const ExpanderSpec& expander) {
        auto& pci = machine_.pci;
        ExtraRootBus extra;
        extra.bus_nr = expander.bus_nr;
        extra.numa_node = expander.numa_node;
        extra.expander_id = device.id;
        extra.expander_driver = device.driver;
        // pxb-pcie names its root bus after its id; pxb's root bus is "pxb-internal"
        const int root = pci.add_extra_root(0, expander.express ? device.id : "pxb-internal", expander.express, std::move(extra));
        newest_extra_root_ = root;
        if (expander.express) return;
        DeviceSpec internal;
        internal.driver = "pci-bridge";
        internal.id = device.id;
        internal.where = device.where;
        internal.written = device.written.empty() ? device.driver : device.written;
        internal.properties.entries.emplace_back("chassis_nr", std::to_string(expander.bus_nr));
        internal.properties.entries.emplace_back("shpc", "off");
        PlugContext context;
        context.qemu = &release_;
        context.machine = machine_.type.family;
        context.bus_is_root = true;
        PciFunctionSpec bridge;
        try {
            bridge = build_device(internal, context);
        } catch (const DeviceRefusal& refused) {
            throw QemuDeviceRefusal{refused.qemu_message(internal.written)};
        }
        PciNode node;
        node.id = device.id;
        node.devfn = DevFn{0, 0};
        node.function = std::move(bridge);
        node.where = device.where.text + " (the pci-bridge QEMU puts behind the pxb)";
        const BridgeSpec spec = *node.function.bridge;
        pci.add(root, std::move(node));
        handlers_[pci.buses().size() - 1] = child_hotplug_handler(hotplug_handler(root), spec);
    }

    // hw/pci/pcie.c pcie_cap_slot_init -> pcie_chassis_add_slot: a PCIe slot's (chassis, slot) pair must be unique.
    void check_chassis_slot(const DeviceSpec& device, const PciFunctionSpec& function) {
        if (!function.bridge || !function.bridge->slot_implemented) return;
        const auto key = std::make_pair(function.bridge->chassis, function.bridge->physical_slot);
        if (!chassis_slots_.insert(key).second) {
            throw DeviceRefusal(fmt::format("{}: chassis {} slot {} is already taken by another PCIe port", device.where.text,
                                            key.first, key.second),
                                DeviceRefusal::Kind::Error, "Can't add chassis slot, error -16");
        }
    }

    Machine& machine_;
    const VmSpec& spec_;
    const HostContext& host_;
    const QemuRelease& release_;
    BootOrder boot_order_;
    std::set<std::pair<unsigned, unsigned>> chassis_slots_;
    std::map<std::size_t, HotplugHandler> handlers_;  // per bridge-created bus
    std::optional<int> newest_extra_root_;            // the newest expander's root bus: the default bus from then on
};

u64 pci_hole64_size_from_globals(const VmSpec& spec, const MachineType& type, Machine& machine) {
    const char* host_driver = type.family == MachineFamily::Q35 ? "q35-pcihost" : "i440FX-pcihost";
    u64 size = type.family == MachineFamily::Q35 ? qemu_x86::Q35_PCI_HOLE64_SIZE_DEFAULT : qemu_x86::I440FX_PCI_HOLE64_SIZE_DEFAULT;
    for (const auto& g : spec.globals) {
        if (g.driver == host_driver && g.property == "pci-hole64-size") {
            auto parsed = parse_size(g.value);
            if (!parsed) throw InputError(fmt::format("{}: pci-hole64-size '{}' is not a size", g.where.text, g.value));
            size = *parsed;
        } else if (g.driver == "q35-pcihost" || g.driver == "i440FX-pcihost") {
            if (g.driver != host_driver) {
                machine.notes.push_back(fmt::format("{} does not apply to this machine type and is ignored", global_key(g)));
            } else {
                throw InputError(fmt::format("{}: -global {} is not modelled by aperture", g.where.text, global_key(g)));
            }
        } else if (!find_device_model(g.driver) && !contains(NEUTRAL_GLOBALS, global_key(g))) {
            throw InputError(fmt::format("{}: -global {} is not modelled by aperture", g.where.text, global_key(g)));
        }
    }
    return size;
}

// softmmu/vl.c: QEMU adds an empty CD-ROM (drive index 2 of the machine's IDE/AHCI) unless -nodefaults or
// a -device or -global names a driver of default_list that clears default_cdrom.
bool has_default_cdrom(const VmSpec& spec) {
    static constexpr std::array clears{"ide-cd", "ide-hd", "scsi-cd", "scsi-hd"};
    if (spec.defaults.nodefaults) return false;
    // vl.c default_drive: a drive the user put at index 2 takes the default CD-ROM's place.
    for (const auto& drive : spec.legacy_drives) {
        if (drive.index == 2) return false;
    }
    for (const auto& d : spec.devices) {
        if (contains(clears, d.driver)) return false;
    }
    for (const auto& g : spec.globals) {
        if (contains(clears, g.driver)) return false;
    }
    return true;
}

void check_machine_properties(const MachineSpec& machine) {
    // Machine properties known not to change the address map.
    static constexpr std::array neutral{"usb" /* modelled: the chipset's USB functions */, "vmport", "dump-guest-core", "mem-merge", "kernel-irqchip",
                                        "smm", "hpet", "graphics", "suppress-vmdesc", "nvdimm", "sata",
                                        "smbus", "pit", "pic", "i8042", "default-bus-bypass-iommu", "memory-backend",
                                        "vmport", "acpi", "confidential-guest-support"};
    for (const auto& [key, value] : machine.other.entries) {
        if (!contains(neutral, key)) {
            throw InputError(fmt::format("{}: machine property '{}' is not modelled by aperture", machine.where.text, key));
        }
    }
}

}  // namespace

std::string normalize_host_pci_address(const std::string& address) {
    // domain:bus:dev.fn has two colons; bus:dev.fn one.
    const auto colons = std::count(address.begin(), address.end(), ':');
    return colons == 1 ? "0000:" + address : address;
}

MachineBuild build_qemu_machine(const VmSpec& spec, const HostContext& host, const QemuRelease& release) {
    MachineBuild build;
    Machine machine;
    machine.type = resolve_machine_type(release, spec.machine.type);
    check_machine_properties(spec.machine);
    machine.accel = spec.machine.accel == "kvm" ? Accelerator::Kvm : Accelerator::Tcg;
    if (spec.machine.accel != "kvm" && spec.machine.accel != "tcg") {
        throw InputError(fmt::format("{}: accelerator '{}' is not modelled (tcg and kvm are)", spec.machine.where.text, spec.machine.accel));
    }
    machine.firmware = spec.firmware.kind == FirmwareKind::Default ? FirmwareKind::SeaBios : spec.firmware.kind;
    machine.fw_cfg = spec.fw_cfg;
    machine.cpus = spec.cpus;
    machine.smp = spec.smp;
    machine.memory_slots = spec.memory.slots;
    if (const std::string* acpi = spec.machine.other.find("acpi")) machine.acpi = *acpi != "off";
    if (const std::string* hpet = spec.machine.other.find("hpet")) machine.hpet = qemu_syntax::parse_bool(*hpet) != std::optional<bool>{false};
    // hw/core/numa.c numa_complete_configuration: pc and q35 (auto_enable_numa_with_memhp) make one node
    // themselves when memory hotplug slots exist and no -numa node was given.
    machine.numa_nodes = spec.numa_nodes == 0 && spec.memory.slots > 0 ? 1 : spec.numa_nodes;
    machine.default_cdrom = has_default_cdrom(spec);
    for (const auto& note : spec.notes) machine.notes.push_back(fmt::format("{}: {}", note.where.text, note.text));
    machine.pci = PciTopology(machine.type.root_bus_name(), machine.type.family == MachineFamily::Q35);

    std::string refusal;
    const CpuidRules cpuid_rules{release.guest_phys_bits_property, machine.type.guest_phys_bits_from_kvm, machine.type.intel_vendor_leaf_blank};
    machine.cpu = resolve_guest_cpu(spec.cpu, machine.accel, host.cpu, cpuid_rules, refusal);
    if (!refusal.empty()) {
        build.refusal = refusal;
        build.partial = std::move(machine);
        return build;
    }

    const u64 hole64_size = pci_hole64_size_from_globals(spec, machine.type, machine);

    // The devices are built before the memory layout only to report input errors first; QEMU creates
    // them after pc_memory_init, so a phys-bits refusal wins over a device QEMU would reject.
    TopologyBuilder topology(machine, spec, host, release);
    std::optional<std::string> device_refusal;
    try {
        topology.add_chipset();
        topology.add_default_devices();
        topology.add_user_devices();
    } catch (const QemuDeviceRefusal& refused) {
        // QEMU creates devices after pc_memory_init, so a memory refusal below is what it prints first.
        device_refusal = refused.message;
    }
    machine.pci.finish();
    machine.bootorder_halts = topology.bootorder_halts();

    MemoryLayoutRequest request{machine.type, machine.cpu, spec.memory, spec.machine.max_ram_below_4g, hole64_size};
    machine.memory = compute_memory_layout(request, refusal);
    if (refusal.empty() && device_refusal) refusal = *device_refusal;
    if (!refusal.empty()) {
        build.refusal = refusal;
        build.partial = std::move(machine);
        return build;
    }
    build.machine = std::move(machine);
    return build;
}

}  // namespace aperture
