#include "firmware/seabios/usb_boot_devices.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/size_parse.hpp"
#include "firmware/seabios/seabios_layout.hpp"

namespace aperture::seabios {

namespace {

// QEMU 7.2 hw/usb/hcd-ehci.h NB_PORTS: the root ports of usb-ehci and ich9-usb-ehci1/2.
constexpr unsigned EHCI_ROOT_PORTS = 6;
// hw/usb/hcd-uhci.c NB_PORTS: the root ports of a UHCI, and of each ICH9 companion (firstport .. +1).
constexpr unsigned UHCI_ROOT_PORTS = 2;
// src/hw/blockcmd.c scsi_drive_setup: DISK_SECTOR_SIZE, the only block size a usb-storage disk is taken with.
constexpr u64 USB_MSC_SECTOR_SIZE = 512;

// What configure_usb_device makes of a QEMU device: the interface it reports (hw/usb/dev-hid.c,
// dev-storage-classic.c, dev-hub.c) and the driver SeaBIOS has for it.
enum class UsbFunction {
    BootKeyboard,  // HID, boot subclass, keyboard protocol: usb_kbd_setup
    BootMouse,     // HID, boot subclass, mouse protocol: usb_mouse_setup
    Tablet,        // HID without the boot subclass: "Not a supported device"
    MassStorage,   // bulk-only mass storage: usb_msc_setup, taken when its disk registers
    Hub,           // usb_hub_setup, taken when a device behind it is
};

// QEMU 7.2 speeds (USBDevice speedmask): usb-hub is full speed only; the HID devices (usb_version=2) and
// usb-storage also run at high speed, so they stay on an EHCI port (measured on real boots).
enum class UsbSpeeds { FullOnly, FullAndHigh };

struct Placed {
    const DeviceSpec* device = nullptr;
    UsbFunction function = UsbFunction::Tablet;
    const PciNode* root = nullptr;  // the controller owning the bus it is plugged into
    unsigned root_port = 0;         // 1-based, as QEMU's port= counts
    std::string path;               // port= as QEMU numbers it: "1", "1.2" (behind the hub on port 1)
    const PciNode* controller = nullptr;
    bool taken = false;
};

std::optional<UsbFunction> function_of(const DeviceSpec& d) {
    if (d.driver == "usb-kbd") return UsbFunction::BootKeyboard;
    if (d.driver == "usb-mouse") return UsbFunction::BootMouse;
    if (d.driver == "usb-tablet") return UsbFunction::Tablet;
    if (d.driver == "usb-storage") return UsbFunction::MassStorage;
    if (d.driver == "usb-hub") return UsbFunction::Hub;
    return std::nullopt;
}

std::vector<const PciNode*> usb_nodes(const Machine& machine) {
    std::vector<const PciNode*> out;
    for (const auto& bus : machine.pci.buses()) {
        for (const auto& node : bus.devices) {
            if (usb_controller_kind(node) != UsbControllerKind::None) out.push_back(&node);
        }
    }
    return out;
}

bool is_ich9_ehci(const PciNode& n) { return n.function.driver.starts_with("ich9-usb-ehci"); }
bool is_ich9_uhci(const PciNode& n) { return n.function.driver.starts_with("ich9-usb-uhci"); }

std::string bus_name(const PciNode& controller) { return controller.id.empty() ? std::string{} : controller.id + ".0"; }

class Enumeration {
public:
    Enumeration(const Machine& machine, const std::vector<const PciNode*>& driven, SeabiosUsbHid hid)
        : machine_(machine), driven_(driven), hid_(hid), nodes_(usb_nodes(machine)) {}

    std::vector<UsbBootDevice> run() {
        place_on_buses();
        choose_controllers();
        take_devices();
        std::vector<UsbBootDevice> out;
        for (const Placed& p : placed_) {
            if (p.controller == nullptr || !driven(*p.controller)) continue;
            UsbBootDevice d;
            d.device = p.device;
            d.controller = p.controller;
            d.taken = p.taken;
            if (p.taken && usb_controller_kind(*p.controller) == UsbControllerKind::Xhci) {
                if (p.function == UsbFunction::BootKeyboard) d.interrupt_buffer = USB_KBD_MAXPACKET;
                if (p.function == UsbFunction::BootMouse) d.interrupt_buffer = USB_MOUSE_MAXPACKET;
            }
            out.push_back(d);
        }
        return out;
    }

private:
    bool driven(const PciNode& n) const { return std::find(driven_.begin(), driven_.end(), &n) != driven_.end(); }

    // A UHCI that registers its ports with an EHCI (hw/usb/hcd-uhci.c masterbus=; the three QEMU's q35 usb=on
    // creates beside its EHCI at 00:1d, which have no id) owns no bus of its own.
    const PciNode* companion_master(const PciNode& uhci) const {
        const std::string* masterbus = uhci.properties.find("masterbus");
        for (const PciNode* n : nodes_) {
            if (!is_ich9_ehci(*n)) continue;
            if (masterbus != nullptr && !n->id.empty() && *masterbus == bus_name(*n)) return n;
            if (masterbus == nullptr && is_ich9_uhci(uhci) && uhci.id.empty() && n->id.empty() &&
                n->devfn.device == uhci.devfn.device) {
                return n;
            }
        }
        return nullptr;
    }

    std::vector<const PciNode*> roots() const {
        std::vector<const PciNode*> out;
        for (const PciNode* n : nodes_) {
            if (usb_controller_kind(*n) == UsbControllerKind::Uhci && companion_master(*n) != nullptr) continue;
            out.push_back(n);
        }
        return out;
    }

    unsigned root_ports(const PciNode& root) const {
        return usb_controller_kind(root) == UsbControllerKind::Ehci ? EHCI_ROOT_PORTS : UHCI_ROOT_PORTS;
    }

    // hw/usb/bus.c usb_claim_port: bus= names the controller (its id plus ".0"); without it the device goes to
    // the first USB bus, which aperture follows only when there is one. port= picks the port, else the
    // first free one.
    void place_on_buses() {
        const auto all_roots = roots();
        for (const auto& d : machine_.bus_devices) {
            if (!enumerated_at_boot(d)) continue;
            const auto function = function_of(d);
            if (!function) {
                throw UnsupportedError(fmt::format("{}: what SeaBIOS's USB enumeration makes of {} (and so what its "
                                                   "controller keeps in ZoneHigh) is not modelled; usb-kbd, usb-mouse, "
                                                   "usb-tablet, usb-storage and usb-hub are",
                                                   d.where.text, d.driver));
            }
            if (*function == UsbFunction::MassStorage) check_storage(d);
            Placed p;
            p.device = &d;
            p.function = *function;
            if (d.bus) {
                for (const PciNode* r : all_roots) {
                    if (!r->id.empty() && bus_name(*r) == *d.bus) p.root = r;
                }
                if (p.root == nullptr) {
                    throw UnsupportedError(fmt::format("{}: bus={} names no USB controller aperture knows", d.where.text, *d.bus));
                }
            } else if (all_roots.size() == 1) {
                p.root = all_roots.front();
            } else {
                throw UnsupportedError(fmt::format("{}: {} without bus= next to {} USB controllers: which one QEMU "
                                                   "gives it is not modelled; name the controller's bus (bus=<id>.0)",
                                                   d.where.text, d.driver, all_roots.size()));
            }
            if (const std::string* port = d.properties.find("port")) p.path = *port;
            placed_.push_back(p);
        }
        for (Placed& p : placed_) {
            if (!p.path.empty()) {
                const auto root = parse_uint(p.path.substr(0, p.path.find('.')));
                if (!root || *root == 0) {
                    throw UnsupportedError(fmt::format("{}: port={} is not a USB port path aperture can read", p.device->where.text, p.path));
                }
                p.root_port = static_cast<unsigned>(*root);
                continue;
            }
            // Only EHCI ports decide anything (which companion takes a full-speed device); elsewhere the
            // port makes no difference to ZoneHigh.
            if (usb_controller_kind(*p.root) != UsbControllerKind::Ehci) continue;
            const bool hub_on_bus = std::any_of(placed_.begin(), placed_.end(), [&](const Placed& o) {
                return o.root == p.root && o.function == UsbFunction::Hub;
            });
            if (hub_on_bus) {
                throw UnsupportedError(fmt::format("{}: {} without port= on a bus with a usb-hub: QEMU may plug it "
                                                   "into the hub, which aperture does not follow; give port=",
                                                   p.device->where.text, p.device->driver));
            }
            for (unsigned port = 1; port <= root_ports(*p.root) && p.root_port == 0; ++port) {
                const std::string name = std::to_string(port);
                const bool used = std::any_of(placed_.begin(), placed_.end(), [&](const Placed& o) {
                    return o.root == p.root && o.path == name;
                });
                if (!used) {
                    p.root_port = port;
                    p.path = name;
                }
            }
        }
    }

    void check_storage(const DeviceSpec& d) const {
        const std::string* block = d.properties.find("logical_block_size");
        if (block != nullptr && parse_size(*block) != std::optional<u64>{USB_MSC_SECTOR_SIZE}) {
            throw UnsupportedError(fmt::format("{}: usb-storage with logical_block_size={}: SeaBIOS rejects the disk, "
                                               "which aperture does not model",
                                               d.where.text, *block));
        }
    }

    static UsbSpeeds speeds(const Placed& p) {
        // A device behind a hub talks through it at full speed (usb-hub is a USB 1.1 hub).
        if (p.function == UsbFunction::Hub || p.path.find('.') != std::string::npos) return UsbSpeeds::FullOnly;
        return UsbSpeeds::FullAndHigh;
    }

    // An EHCI owns every port SeaBIOS's configflag write routes to it; a full-speed-only device fails its
    // high-speed reset and is handed to the port's companion (usb-ehci.c ehci_hub_reset: PORT_OWNER).
    void choose_controllers() {
        for (Placed& p : placed_) {
            if (usb_controller_kind(*p.root) != UsbControllerKind::Ehci || speeds(p) == UsbSpeeds::FullAndHigh) {
                p.controller = p.root;
                continue;
            }
            for (const PciNode* n : nodes_) {
                if (usb_controller_kind(*n) != UsbControllerKind::Uhci || companion_master(*n) != p.root) continue;
                const auto first = parse_uint(n->properties.find("firstport") ? *n->properties.find("firstport") : std::string{"0"});
                if (!first) {
                    throw UnsupportedError(fmt::format("{}: firstport={} is not a number", n->where, *n->properties.find("firstport")));
                }
                const u64 port = p.root_port - 1;  // firstport counts from 0
                if (port >= *first && port < *first + UHCI_ROOT_PORTS) p.controller = n;
            }
            if (p.controller == nullptr) {
                throw UnsupportedError(fmt::format("{}: {} is full speed only and port {} of the EHCI {} has no companion "
                                                   "controller: QEMU refuses it (\"speed mismatch trying to attach usb "
                                                   "device\"), which aperture does not model",
                                                   p.device->where.text, p.device->driver, p.path, p.root->where));
            }
            if (!driven(*p.root) && driven(*p.controller)) {
                // Without its EHCI's configflag write every port stays with the companions, high-speed devices too.
                throw UnsupportedError(fmt::format("{}: SeaBIOS does not drive the EHCI {} (its BAR), so its companions "
                                                   "own every port; that is not modelled",
                                                   p.device->where.text, p.root->where));
            }
        }
    }

    // configure_usb_device: a boot keyboard or mouse, a disk, a hub with a taken device behind it.
    void take_devices() {
        for (Placed& p : placed_) {
            if (p.function == UsbFunction::MassStorage) p.taken = true;
        }
        take_hid(UsbFunction::BootKeyboard, "keyboard");
        take_hid(UsbFunction::BootMouse, "mouse");
        // Hubs, innermost first: a hub is taken when any device on its ports is.
        std::vector<Placed*> hubs;
        for (Placed& p : placed_) {
            if (p.function == UsbFunction::Hub) hubs.push_back(&p);
        }
        std::sort(hubs.begin(), hubs.end(), [](const Placed* a, const Placed* b) { return a->path.size() > b->path.size(); });
        for (Placed* hub : hubs) {
            hub->taken = std::any_of(placed_.begin(), placed_.end(), [&](const Placed& o) {
                return o.root == hub->root && o.taken && o.path.size() > hub->path.size() &&
                       o.path.starts_with(hub->path + ".") && o.path.find('.', hub->path.size() + 1) == std::string::npos;
            });
        }
    }

    void take_hid(UsbFunction function, const char* what) {
        std::vector<Placed*> found;
        for (Placed& p : placed_) {
            if (p.function == function && p.controller != nullptr && driven(*p.controller)) found.push_back(&p);
        }
        if (found.empty()) return;
        if (hid_ == SeabiosUsbHid::EveryKeyboardAndMouse) {
            for (Placed* p : found) p->taken = true;
            return;
        }
        // 1.16: the first to finish its setup gets the driver. On one controller that decides only which of
        // identical devices it is; across controllers it decides which controller keeps its memory.
        for (Placed* p : found) {
            if (p->controller != found.front()->controller) {
                throw UnsupportedError(fmt::format("{}: SeaBIOS 1.16 drives only the first USB {} to finish its setup, and "
                                                   "with {}s on two controllers which one is first (and so which "
                                                   "controller keeps its memory) depends on timing; not modelled",
                                                   p->device->where.text, what, what));
            }
        }
        found.front()->taken = true;
    }

    const Machine& machine_;
    const std::vector<const PciNode*>& driven_;
    SeabiosUsbHid hid_;
    std::vector<const PciNode*> nodes_;
    std::vector<Placed> placed_;
};

}  // namespace

UsbControllerKind usb_controller_kind(const PciNode& node) {
    const std::string& d = node.function.driver;
    if (d == "qemu-xhci" || d == "nec-usb-xhci") return UsbControllerKind::Xhci;
    if (d == "usb-ehci" || d.starts_with("ich9-usb-ehci")) return UsbControllerKind::Ehci;
    if (d == "piix3-usb-uhci" || d == "piix4-usb-uhci" || d == "vt82c686b-usb-uhci" || d.starts_with("ich9-usb-uhci")) {
        return UsbControllerKind::Uhci;
    }
    return UsbControllerKind::None;
}

bool enumerated_at_boot(const DeviceSpec& device) { return device.driver.starts_with("usb-") && device.driver != "usb-redir"; }

std::vector<UsbBootDevice> usb_boot_devices(const Machine& machine, const std::vector<const PciNode*>& driven, SeabiosUsbHid hid) {
    return Enumeration(machine, driven, hid).run();
}

}  // namespace aperture::seabios
