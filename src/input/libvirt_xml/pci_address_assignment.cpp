#include "input/libvirt_xml/pci_address_assignment.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

#include "core/error.hpp"

namespace aperture::libvirt_xml {

namespace {

using namespace connect;

// src/util/virpci.h: VIR_PCI_ADDRESS_SLOT_LAST, VIR_PCI_ADDRESS_FUNCTION_LAST.
constexpr unsigned kSlotLast = 31;
constexpr unsigned kFunctionLast = 7;

// src/conf/domain_addr.h virDomainPCIAddressBus: what one bus accepts and which functions are taken.
struct Bus {
    std::optional<PciControllerModel> model;
    unsigned flags = 0;
    unsigned min_slot = 0;
    unsigned max_slot = kSlotLast;
    std::array<std::uint8_t, kSlotLast + 1> functions{};
    std::array<bool, kSlotLast + 1> aggregate{};

    bool empty() const {
        for (unsigned slot = min_slot; slot <= max_slot; ++slot) {
            if (functions[slot] != 0) return false;
        }
        return true;
    }
    bool fully_reserved() const {
        for (unsigned slot = min_slot; slot <= max_slot; ++slot) {
            if (functions[slot] == 0) return false;
        }
        return true;
    }
};

// src/conf/domain_addr.c virDomainPCIAddressBusSetModel: what can be plugged *below* each controller.
void set_bus_model(Bus& bus, PciControllerModel model, bool allow_hotplug) {
    const unsigned hotplug = allow_hotplug ? kHotpluggable : 0;
    bus.min_slot = 0;
    bus.max_slot = kSlotLast;
    switch (model) {
        case PciControllerModel::PciRoot:
            bus.flags = kAutoAssign | kPciDevice | kPciBridge | kPciExpanderBus | hotplug;
            bus.min_slot = 1;
            break;
        case PciControllerModel::PciBridge:
            bus.flags = kAutoAssign | kPciDevice | kPciBridge | hotplug;
            bus.min_slot = 1;
            break;
        case PciControllerModel::PciExpanderBus:
            bus.flags = kAutoAssign | kPciDevice | kPciBridge | hotplug;
            break;
        case PciControllerModel::PcieRoot:
            // No auto-assignment: endpoints go behind root ports unless the XML says otherwise.
            bus.flags = kPcieDevice | kPcieRootPort | kDmiToPciBridge | kPcieExpanderBus;
            bus.min_slot = 1;
            break;
        case PciControllerModel::DmiToPciBridge:
            bus.flags = kPciDevice | kPciBridge;
            break;
        case PciControllerModel::PcieToPciBridge:
            bus.flags = kAutoAssign | kPciDevice | kPciBridge | hotplug;
            bus.min_slot = 1;
            break;
        case PciControllerModel::PcieRootPort:
        case PciControllerModel::SwitchDownstreamPort:
            bus.flags = kAutoAssign | kPcieDevice | kSwitchUpstreamPort | kPcieToPciBridge | hotplug;
            bus.max_slot = 0;
            break;
        case PciControllerModel::SwitchUpstreamPort:
            bus.flags = kSwitchDownstreamPort;
            break;
        case PciControllerModel::PcieExpanderBus:
            bus.flags = kPcieRootPort | kDmiToPciBridge;
            break;
    }
    bus.model = model;
}

// virDomainPCIControllerConnectTypeToModel: the controller model a connect type stands for.
const char* controller_model_of(unsigned flags) {
    if (flags & kPcieRootPort) return "pcie-root-port";
    if (flags & kSwitchUpstreamPort) return "pcie-switch-upstream-port";
    if (flags & kSwitchDownstreamPort) return "pcie-switch-downstream-port";
    if (flags & kDmiToPciBridge) return "dmi-to-pci-bridge";
    if (flags & kPcieToPciBridge) return "pcie-to-pci-bridge";
    if (flags & kPciExpanderBus) return "pci-expander-bus";
    if (flags & kPcieExpanderBus) return "pcie-expander-bus";
    if (flags & kPciBridge) return "pci-bridge";
    return nullptr;
}

// The type a device needs, in the words of libvirt's message.
const char* connection_name(unsigned flags) {
    if (flags & kPciDevice) return "standard PCI device";
    if (flags & kPcieDevice) return "PCI Express device";
    if (const char* model = controller_model_of(flags)) return model;
    return "device";
}

class AddressSet {
public:
    AddressSet(std::size_t bus_count, bool dry_run) : buses_(bus_count), dry_run_(dry_run) {}

    std::vector<Bus>& buses() { return buses_; }
    bool dry_run() const { return dry_run_; }

    // virDomainPCIAddressFlagsCompatible; an empty string when compatible, else libvirt's message.
    std::string incompatibility(const PciAddress& address, unsigned bus_flags, unsigned device_flags, bool from_config) const {
        const std::string text = format_pci_address(address);
        if (device_flags & kIntegrated) {
            if (address.bus != 0) return fmt::format("The device at PCI address {} needs to be an integrated device (bus=0)", text);
            bus_flags |= kPciDevice | kAutoAssign;
        }
        if (from_config) {
            // An address written in the XML may put a PCI device in a PCIe slot and the reverse.
            if (bus_flags & kEndpoint) bus_flags |= kEndpoint;
            if (device_flags & kPciBridge) device_flags |= kPciDevice;
        } else if ((device_flags & kAutoAssign) && !(bus_flags & kAutoAssign)) {
            return fmt::format("The device at PCI address {} was auto-assigned this address, but the PCI controller with "
                               "index='{}' doesn't allow auto-assignment",
                               text, address.bus);
        }
        if ((device_flags & kHotpluggable) && !(bus_flags & kHotpluggable)) {
            return fmt::format("The device at PCI address {} requires hotplug capability, but the PCI controller with "
                               "index='{}' doesn't support hotplug",
                               text, address.bus);
        }
        if (!(device_flags & bus_flags & kTypesMask)) {
            return fmt::format("The device at PCI address {} cannot be plugged into the PCI controller with index='{}'. "
                               "It requires a controller that accepts a {}.",
                               text, address.bus, connection_name(device_flags));
        }
        return "";
    }

    // virDomainPCIAddressValidate
    void validate(const PciAddress& address, unsigned flags, bool from_config, const SourceLocation& where) const {
        const std::string text = format_pci_address(address);
        if (buses_.empty()) fail(where, "No PCI buses available");
        if (address.domain != 0) fail(where, fmt::format("Invalid PCI address {}. Only PCI domain 0 is available", text));
        if (address.bus >= buses_.size()) {
            fail(where, fmt::format("Invalid PCI address {}. Only PCI buses up to {} are available", text, buses_.size() - 1));
        }
        const Bus& bus = buses_[address.bus];
        if (auto problem = incompatibility(address, bus.flags, flags, from_config); !problem.empty()) fail(where, problem);
        if (bus.min_slot != 0 && address.slot < bus.min_slot) {
            fail(where, fmt::format("Invalid PCI address {}. slot must be >= {}", text, bus.min_slot));
        }
        if (address.slot > bus.max_slot) fail(where, fmt::format("Invalid PCI address {}. slot must be <= {}", text, bus.max_slot));
        if (address.function > kFunctionLast) {
            fail(where, fmt::format("Invalid PCI address {}. function must be <= {}", text, kFunctionLast));
        }
    }

    // virDomainPCIAddressReserveAddrInternal
    void reserve(PciAddress& address, unsigned flags, bool from_config, const SourceLocation& where) {
        if (dry_run_) grow(address, flags, where);
        validate(address, flags, from_config, where);
        Bus& bus = buses_[address.bus];
        const auto bit = static_cast<std::uint8_t>(1U << address.function);
        if (bus.functions[address.slot] & bit) {
            fail(where, fmt::format("Attempted double use of PCI Address {}", format_pci_address(address)));
        }
        if (bus.functions[address.slot] == 0 && (flags & kAggregateSlot)) bus.aggregate[address.slot] = true;
        bus.functions[address.slot] |= bit;
    }

    bool slot_in_use(const PciAddress& address) const {
        return address.bus < buses_.size() && buses_[address.bus].functions[address.slot] != 0;
    }

    // virDomainPCIAddressReserveNextAddr with function -1: the first free compatible slot (or a free
    // function of a slot of root ports), growing the bus list in the dry run.
    PciAddress reserve_next(unsigned flags, const SourceLocation& where) {
        PciAddress address = next_address(flags, where);
        reserve(address, flags, false, where);
        return address;
    }

    // virDomainPCIAddressSetGrow: adds buses so that `address.bus` exists; returns how many were added.
    std::size_t grow(PciAddress& address, unsigned flags, const SourceLocation& where) {
        if (address.bus < buses_.size()) return 0;
        std::size_t add = address.bus - buses_.size() + 1;
        PciControllerModel model = PciControllerModel::PciBridge;
        bool need_pcie_to_pci_bridge = false;
        if (flags & kPciDevice) {
            model = PciControllerModel::PciBridge;
            need_pcie_to_pci_bridge = std::none_of(buses_.begin(), buses_.end(), [](const Bus& b) { return (b.flags & kPciBridge) != 0; });
            // QEMU 7.2 has pcie-pci-bridge, so libvirt prefers it over dmi-to-pci-bridge.
            if (need_pcie_to_pci_bridge && add == 1) {
                ++add;
                ++address.bus;
            }
        } else if (flags & (kPcieDevice | kSwitchUpstreamPort)) {
            model = PciControllerModel::PcieRootPort;
        } else if (const char* controller = controller_model_of(flags)) {
            fail(where, fmt::format("a PCI slot is needed to connect a PCI controller model='{}', but none is available, "
                                    "and it cannot be automatically added",
                                    controller));
        } else {
            fail(where, fmt::format("Cannot automatically add a new PCI bus for a device with connect flags {:02x}", flags));
        }
        std::size_t next = buses_.size();
        buses_.resize(buses_.size() + add);
        if (need_pcie_to_pci_bridge) {
            // A root port that takes only the pcie-to-pci-bridge, so the spare hotplug port is another one.
            set_bus_model(buses_[next], PciControllerModel::PcieRootPort, true);
            buses_[next].flags = kPcieToPciBridge;
            ++next;
            set_bus_model(buses_[next++], PciControllerModel::PcieToPciBridge, true);
        }
        for (; next < buses_.size(); ++next) set_bus_model(buses_[next], model, true);
        return add;
    }

private:
    [[noreturn]] static void fail(const SourceLocation& where, const std::string& message) {
        throw InputError(where.text + ": libvirt refuses the PCI addresses: " + message);
    }

    // virDomainPCIAddressGetNextAddr (isolation groups are pSeries-only and left out).
    PciAddress next_address(unsigned flags, const SourceLocation& where) {
        if (buses_.empty()) fail(where, "No PCI buses available");
        PciAddress address;
        for (address.bus = 0; address.bus < buses_.size(); ++address.bus) {
            if (find_unused_function(buses_[address.bus], address, flags)) return address;
        }
        if (!dry_run_) fail(where, "No more available PCI slots");
        grow(address, flags, where);
        address.slot = buses_[address.bus].min_slot;
        address.function = 0;
        return address;
    }

    // virDomainPCIAddressFindUnusedFunctionOnBus with function -1.
    bool find_unused_function(const Bus& bus, PciAddress& address, unsigned flags) const {
        address.slot = bus.min_slot;
        address.function = 0;
        if (!incompatibility(address, bus.flags, flags, false).empty()) return false;
        for (; address.slot <= bus.max_slot; ++address.slot) {
            if (bus.functions[address.slot] == 0) return true;
            if ((flags & kAggregateSlot) && bus.aggregate[address.slot]) {
                for (address.function = 0; address.function <= kFunctionLast; ++address.function) {
                    if ((bus.functions[address.slot] & (1U << address.function)) == 0) return true;
                }
                address.function = 0;
            }
        }
        return false;
    }

    std::vector<Bus> buses_;
    bool dry_run_;
};

bool wants_address(const GuestDevice& device) { return device.connect != 0 && !device.address && !device.unassigned; }

class Assigner {
public:
    explicit Assigner(const AddressAssignmentInput& input) : in_(input) {}

    void run() {
        int max_index = -1;
        for (const auto& c : *in_.controllers) {
            if (c.pci_model) max_index = std::max(max_index, c.controller_index);
        }
        std::size_t bus_count = static_cast<std::size_t>(max_index + 1);
        if (bus_count > 0) {
            // The dry run: how many buses the devices need, and the controllers that make them.
            AddressSet dry = create(bus_count, true);
            validate_chipset(dry);
            if (has_model(PciControllerModel::PciRoot)) {
                // A slot kept free for a pci-bridge added later, unless every bus is already full.
                const bool all_full = std::all_of(dry.buses().begin(), dry.buses().end(), [](const Bus& b) { return b.fully_reserved(); });
                if (!all_full) dry.reserve_next(kAutoAssign | kPciDevice, {"libvirt's spare slot for a future pci-bridge"});
            }
            assign_slots(dry);
            if (max_index <= 0 && dry.buses().size() > static_cast<std::size_t>(max_index + 1) && has_model(PciControllerModel::PcieRoot)) {
                // libvirt added root ports itself: one more, empty, for hotplug.
                dry.reserve_next(kAutoAssign | kPcieDevice, {"libvirt's spare pcie-root-port for hotplug"});
            }
            for (std::size_t index = 1; index < dry.buses().size(); ++index) {
                if (find_pci_controller(static_cast<int>(index)) != nullptr) continue;
                GuestDevice added = in_.make_controller(static_cast<int>(index), *dry.buses()[index].model);
                const SourceLocation where = added.spec.where;
                const unsigned flags = added.connect;
                insert_controller(std::move(added));
                dry.reserve_next(flags, where);
            }
            bus_count = dry.buses().size();
        }
        AddressSet set = create(bus_count, false);
        validate_chipset(set);
        assign_slots(set);
        set_multifunction(set);
        set_controller_defaults();
    }

private:
    bool has_model(PciControllerModel model) const {
        return std::any_of(in_.controllers->begin(), in_.controllers->end(), [&](const GuestDevice& c) { return c.pci_model == model; });
    }

    GuestDevice* find_pci_controller(int index) const {
        for (auto& c : *in_.controllers) {
            if (c.pci_model && c.controller_index == index) return &c;
        }
        return nullptr;
    }

    GuestDevice* find_controller(const std::string& type, int index) const {
        for (auto& c : *in_.controllers) {
            if (c.controller_type == type && c.controller_index == index) return &c;
        }
        return nullptr;
    }

    void insert_controller(GuestDevice controller) { libvirt_xml::insert_controller(*in_.controllers, std::move(controller)); }

    template <typename F>
    void for_each_device(F&& f) {
        for (auto& c : *in_.controllers) f(c);
        for (auto& d : *in_.devices) f(d);
    }

    // qemuDomainPCIAddressSetCreate: a bus per PCI controller index; missing ones get the default model;
    // then every address written in the XML is reserved (qemuDomainCollectPCIAddress).
    AddressSet create(std::size_t bus_count, bool dry_run) {
        AddressSet set(bus_count, dry_run);
        bool pcie_root = false;
        for (const auto& c : *in_.controllers) {
            if (!c.pci_model) continue;
            set_bus_model(set.buses()[static_cast<std::size_t>(c.controller_index)], *c.pci_model, c.hotplug);
            pcie_root = pcie_root || *c.pci_model == PciControllerModel::PcieRoot;
        }
        if (bus_count > 0 && !set.buses()[0].model) set_bus_model(set.buses()[0], PciControllerModel::PciRoot, true);
        const PciControllerModel default_model = pcie_root ? PciControllerModel::PcieRootPort : PciControllerModel::PciBridge;
        for (std::size_t i = 1; i < bus_count; ++i) {
            if (!set.buses()[i].model) set_bus_model(set.buses()[i], default_model, true);
        }
        for_each_device([&](GuestDevice& device) {
            if (!device.address || device.unassigned) return;
            if (is_piix3_builtin(device)) return;  // reserved with the chipset
            const unsigned flags = device.connect != 0 ? device.connect : kPciDevice;
            PciAddress address = *device.address;
            set.reserve(address, flags, true, device.spec.where);
        });
        return set;
    }

    bool is_piix3_builtin(const GuestDevice& device) const {
        if (!device.address || device.address->bus != 0 || device.address->slot != 1) return false;
        if (device.controller_type == "ide" && device.controller_index == 0 && device.address->function == 1) return true;
        return device.controller_type == "usb" && device.controller_index == 0 &&
               (device.controller_model.empty() || device.controller_model == "piix3-uhci") && device.address->function == 2;
    }

    // qemuDomainValidateDevicePCISlotsChipsets: the functions the chipset owns, and the primary video at
    // the slot QEMU would give it.
    void validate_chipset(AddressSet& set) {
        if (in_.chipset == ChipsetKind::I440fx) validate_piix3(set);
        else validate_q35(set);
    }

    void validate_piix3(AddressSet& set) {
        const unsigned flags = kAutoAssign | kPciDevice;
        for (auto& c : *in_.controllers) {
            PciAddress fixed{0, 0, 1, 0, std::nullopt};
            if (c.controller_type == "ide" && c.controller_index == 0) {
                fixed.function = 1;
            } else if (c.controller_type == "usb" && c.controller_index == 0 &&
                       (c.controller_model.empty() || c.controller_model == "piix3-uhci")) {
                fixed.function = 2;
            } else {
                continue;
            }
            if (c.address) {
                if (c.address->bus != 0 || c.address->slot != 1 || c.address->function != fixed.function) {
                    throw InputError(c.spec.where.text + ": " +
                                     (fixed.function == 1 ? "Primary IDE controller must have PCI address 0:0:1.1"
                                                          : "PIIX3 USB controller at index 0 must have PCI address 0:0:1.2"));
                }
            } else {
                c.address = fixed;
            }
            if (!set.buses().empty()) {
                PciAddress reserved = fixed;
                set.reserve(reserved, flags, true, c.spec.where);
            }
        }
        if (!set.buses().empty()) {
            // The PIIX3 ISA bridge (00:01.0) and ACPI/PM function (00:01.3).
            PciAddress isa{0, 0, 1, 0, std::nullopt};
            set.reserve(isa, flags, true, {"the PIIX3 ISA bridge"});
            PciAddress pm{0, 0, 1, 3, std::nullopt};
            set.reserve(pm, flags, true, {"the PIIX4 power management function"});
        }
        place_primary_video(set, 2, flags);
    }

    void validate_q35(AddressSet& set) {
        const unsigned flags = kPcieDevice;
        for (auto& c : *in_.controllers) {
            if (c.controller_type == "sata" && c.controller_index == 0) {
                const PciAddress ahci{0, 0, 0x1f, 2, std::nullopt};
                if (c.address) {
                    if (c.address->bus != 0 || c.address->slot != 0x1f || c.address->function != 2) {
                        throw InputError(c.spec.where.text + ": Primary SATA controller must have PCI address 0:0:1f.2");
                    }
                } else {
                    c.address = ahci;
                }
            } else if (c.controller_type == "usb" && c.controller_model == "ich9-uhci1" && !c.address) {
                for (unsigned slot : {0x1dU, 0x1aU}) {
                    PciAddress candidate{0, 0, slot, 0, true};
                    if (set.slot_in_use(candidate)) continue;
                    set.reserve(candidate, flags, true, c.spec.where);
                    c.address = candidate;
                    break;
                }
            } else if (c.pci_model == PciControllerModel::DmiToPciBridge && !c.address) {
                PciAddress candidate{0, 0, 0x1e, 0, std::nullopt};
                if (!set.slot_in_use(candidate)) {
                    set.reserve(candidate, flags, true, c.spec.where);
                    c.address = candidate;
                }
            }
        }
        if (!set.buses().empty()) {
            // The ICH9 LPC (00:1f.0) and SMBus (00:1f.3) functions.
            PciAddress lpc{0, 0, 0x1f, 0, true};
            set.reserve(lpc, flags, true, {"the ICH9 LPC bridge"});
            PciAddress smbus{0, 0, 0x1f, 3, std::nullopt};
            set.reserve(smbus, flags, true, {"the ICH9 SMBus controller"});
        }
        place_primary_video(set, 1, flags);
        PciAddress audio{0, 0, 0x1b, 0, std::nullopt};
        if (!set.slot_in_use(audio)) {
            for (auto& d : *in_.devices) {
                if (d.kind != DeviceClass::Sound || d.spec.driver != "ich9-intel-hda" || !wants_address(d)) continue;
                set.reserve(audio, flags, true, d.spec.where);
                d.address = audio;
                break;
            }
        }
    }

    // QEMU puts the first VGA after the chipset's functions: slot 2 on i440fx, slot 1 on q35.
    void place_primary_video(AddressSet& set, unsigned slot, unsigned flags) {
        for (auto& d : *in_.devices) {
            if (!d.primary_video) continue;
            if (d.connect == 0 || !wants_address(d)) return;
            PciAddress candidate{0, 0, slot, 0, std::nullopt};
            set.validate(candidate, flags, true, d.spec.where);
            if (set.slot_in_use(candidate)) {
                PciAddress next = set.reserve_next(d.connect, d.spec.where);
                if (!set.dry_run()) d.address = next;
            } else {
                set.reserve(candidate, flags, true, d.spec.where);
                d.address = candidate;
            }
            return;
        }
    }

    void reserve_next(AddressSet& set, GuestDevice& device) {
        if (!wants_address(device)) return;
        PciAddress address = set.reserve_next(device.connect, device.spec.where);
        if (!set.dry_run()) device.address = address;
    }

    // qemuDomainAssignDevicePCISlots: the order in which devices without an address get one.
    void assign_slots(AddressSet& set) {
        for (auto& c : *in_.controllers) {
            if (!c.pci_model || *c.pci_model == PciControllerModel::PciRoot || *c.pci_model == PciControllerModel::PcieRoot) continue;
            reserve_next(set, c);
        }
        assign_class(set, DeviceClass::Filesystem);
        assign_class(set, DeviceClass::Net);
        assign_class(set, DeviceClass::Sound);
        for (auto& c : *in_.controllers) {
            if (c.pci_model) continue;
            if (c.controller_type == "ide" && c.controller_index == 0) continue;
            if (is_usb2_companion_set(c)) {
                assign_usb2(set, c);
                continue;
            }
            reserve_next(set, c);
        }
        for (DeviceClass kind : {DeviceClass::Disk, DeviceClass::Hostdev, DeviceClass::Memballoon, DeviceClass::Rng,
                                 DeviceClass::Watchdog, DeviceClass::Video, DeviceClass::Shmem, DeviceClass::Input,
                                 DeviceClass::Serial, DeviceClass::Iommu, DeviceClass::Vsock, DeviceClass::Memory,
                                 DeviceClass::Crypto, DeviceClass::Panic, DeviceClass::Pstore}) {
            assign_class(set, kind);
        }
    }

    void assign_class(AddressSet& set, DeviceClass kind) {
        for (auto& d : *in_.devices) {
            if (d.kind == kind) reserve_next(set, d);
        }
    }

    static bool is_usb2_companion_set(const GuestDevice& c) {
        return c.controller_type == "usb" && (c.controller_model == "ich9-ehci1" || c.controller_model.starts_with("ich9-uhci"));
    }

    // USB2 EHCI and its UHCI companions share one slot: EHCI at function 7, UHCI1-3 at 0-2.
    void assign_usb2(AddressSet& set, GuestDevice& c) {
        if (!wants_address(c)) return;
        unsigned function = 7;
        std::optional<bool> multifunction;
        if (c.controller_model == "ich9-uhci1") {
            function = 0;
            multifunction = true;
        } else if (c.controller_model == "ich9-uhci2") {
            function = 1;
        } else if (c.controller_model == "ich9-uhci3") {
            function = 2;
        }
        for (auto& other : *in_.controllers) {
            if (&other == &c || !is_usb2_companion_set(other) || other.controller_index != c.controller_index || !other.address) continue;
            PciAddress address = *other.address;
            address.function = function;
            address.multifunction = multifunction;
            set.reserve(address, c.connect, true, c.spec.where);
            c.address = address;
            return;
        }
        // The first of the set: a free slot, this function reserved in it.
        PciAddress address = set.reserve_next(c.connect, c.spec.where);
        if (function != 0) {
            // libvirt reserves the function it asked for; the search already found a wholly free slot.
            set.buses()[address.bus].functions[address.slot] = static_cast<std::uint8_t>(1U << function);
            address.function = function;
        }
        address.multifunction = multifunction;
        if (!set.dry_run()) c.address = address;
    }

    // virDomainPCIAddressSetAllMulti: function 0 of a slot with more functions in use is multifunction.
    void set_multifunction(AddressSet& set) {
        for_each_device([&](GuestDevice& device) {
            if (!device.address || device.unassigned || device.address->function != 0 || device.address->multifunction) return;
            if (device.address->bus >= set.buses().size()) return;
            if (set.buses()[device.address->bus].functions[device.address->slot] & ~1U) device.address->multifunction = true;
        });
    }

    // qemuDomainAssignPCIAddresses: chassis and port numbers libvirt derives from index and address.
    void set_controller_defaults() {
        for (auto& c : *in_.controllers) {
            if (!c.pci_model || !c.address) continue;
            auto& props = c.spec.properties;
            switch (*c.pci_model) {
                case PciControllerModel::PciBridge:
                    if (!props.has("chassis_nr")) props.entries.emplace_back("chassis_nr", std::to_string(c.controller_index));
                    break;
                case PciControllerModel::PcieRootPort:
                    if (!props.has("port")) props.entries.emplace_back("port", std::to_string((c.address->slot << 3) + c.address->function));
                    if (!props.has("chassis")) props.entries.emplace_back("chassis", std::to_string(c.controller_index));
                    break;
                case PciControllerModel::SwitchDownstreamPort:
                    if (!props.has("port")) props.entries.emplace_back("port", std::to_string(c.address->slot));
                    if (!props.has("chassis")) props.entries.emplace_back("chassis", std::to_string(c.controller_index));
                    break;
                default:
                    break;
            }
        }
    }

    const AddressAssignmentInput& in_;
};

}  // namespace

const char* to_string(PciControllerModel model) {
    switch (model) {
        case PciControllerModel::PciRoot: return "pci-root";
        case PciControllerModel::PcieRoot: return "pcie-root";
        case PciControllerModel::PciBridge: return "pci-bridge";
        case PciControllerModel::DmiToPciBridge: return "dmi-to-pci-bridge";
        case PciControllerModel::PcieToPciBridge: return "pcie-to-pci-bridge";
        case PciControllerModel::PcieRootPort: return "pcie-root-port";
        case PciControllerModel::SwitchUpstreamPort: return "pcie-switch-upstream-port";
        case PciControllerModel::SwitchDownstreamPort: return "pcie-switch-downstream-port";
        case PciControllerModel::PciExpanderBus: return "pci-expander-bus";
        case PciControllerModel::PcieExpanderBus: return "pcie-expander-bus";
    }
    return "?";
}

std::string format_pci_address(const PciAddress& address) {
    return fmt::format("{:04x}:{:02x}:{:02x}.{:x}", address.domain, address.bus, address.slot, address.function);
}

void assign_pci_addresses(const AddressAssignmentInput& input) { Assigner(input).run(); }

}  // namespace aperture::libvirt_xml
