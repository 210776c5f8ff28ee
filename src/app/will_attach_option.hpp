#pragma once
// --will-attach: a device the user will hot-plug later, checked against the room the VM leaves for it.
// One reading and one set of messages for QEMU x86 (PORT=DEVICE, behind the port or controller alias
// PORT) and Xen (DEVICE, on hvmloader's root bus). DEVICE is one of:
//   SIZE                   one 64-bit prefetchable BAR of that size, a power of two (a GPU's VRAM): 32G
//   NAME                   a passthrough catalog device (aperture devices), every one of its BARs: h100
//   HOSTBDF                a device of the --host snapshot or a --passthrough, every one of its BARs: 0000:41:00.0
//   mem32=SIZE,mem64=SIZE  BARs listed in order: mem32 non-prefetchable, mem64 prefetchable

#include <map>
#include <optional>
#include <string>

#include "devices/pci_function.hpp"

namespace aperture::app {

// How DEVICE named the device.
enum class AttachedKind { LargestBar, Catalog, HostDevice, BarList };

struct AttachedDevice {
    AttachedKind kind = AttachedKind::LargestBar;
    std::string what;                         // DEVICE as written, for the report
    PciFunctionSpec function;                 // its BARs
    std::optional<std::string> host_address;  // a host device: its sysfs address ("0000:41:00.0")
};

// The devices a host BDF may name: the functions that can be passed through (host snapshot, --passthrough)
// and, for the others in the snapshot, why not.
struct KnownHostDevices {
    const std::map<std::string, PciFunctionSpec>& passable;
    const std::map<std::string, std::string>& not_passable;
};

// DEVICE of the option written `option` (for messages). Throws InputError naming the option and what was
// expected.
AttachedDevice parse_attached_device(const std::string& option, const std::string& device, const KnownHostDevices& host);

struct PortAttachment {
    std::string port;  // the port's id= (a libvirt domain: its controller alias)
    AttachedDevice device;
};

// PORT=DEVICE (QEMU x86). Throws InputError naming the option and what was expected.
PortAttachment parse_port_attachment(const std::string& option, const KnownHostDevices& host);

}  // namespace aperture::app
