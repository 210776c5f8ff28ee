#pragma once
// The USB devices SeaBIOS finds at boot: on which controller it enumerates each one, and whether a driver
// takes it (src/hw/usb.c configure_usb_device). Both decide what its USB drivers keep in ZoneHigh
// (firmware/seabios/high_zone.cpp): a controller with no device taken frees its schedule again, and on
// xHCI every enumerated device keeps a control pipe and a slot context, and a boot keyboard or mouse the
// buffer of its interrupt pipe.

#include <vector>

#include "core/address.hpp"
#include "firmware/seabios/seabios_release.hpp"
#include "machine/machine.hpp"

namespace aperture::seabios {

enum class UsbControllerKind { None, Xhci, Ehci, Uhci };

// The controller kinds SeaBIOS drives (src/hw/usb-xhci.c, usb-ehci.c, usb-uhci.c), from QEMU's driver name.
UsbControllerKind usb_controller_kind(const PciNode& node);

// A USB device QEMU attaches before the firmware runs. usb-redir is attached only when a client redirects
// a device to it (hw/usb/redirect.c usbredir_realize clears auto_attach), which no client has done while
// the firmware runs, so virt-manager's two spicevmc redirectors are not there.
bool enumerated_at_boot(const DeviceSpec& device);

struct UsbBootDevice {
    const DeviceSpec* device = nullptr;
    const PciNode* controller = nullptr;  // where SeaBIOS enumerates it (a UHCI companion for a full-speed-only
                                          // device on an ICH9 EHCI port)
    bool taken = false;                   // configure_usb_device found a driver that set it up
    u32 interrupt_buffer = 0;             // xhci_alloc_pipe's malloc_high(maxpacket) for a boot keyboard or
                                          // mouse's interrupt pipe; 0 for none
};

// The devices SeaBIOS enumerates on `driven` (the USB controllers whose BAR it could enable), in
// command-line order. Throws UnsupportedError where the outcome is not modelled: a device kind SeaBIOS's
// answer to is unmeasured (usb-host, usb-serial, ...), a device whose controller QEMU picks among several,
// 1.16's single boot keyboard (or mouse) when two on different controllers race for it.
std::vector<UsbBootDevice> usb_boot_devices(const Machine& machine, const std::vector<const PciNode*>& driven,
                                            SeabiosUsbHid hid);

}  // namespace aperture::seabios
