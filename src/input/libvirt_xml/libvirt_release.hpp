#pragma once
// The libvirt releases the XML reader models, and what it reads differently in each. The reader follows
// libvirt 10.7.0's source; 9.0.0 (Debian 12's) is what `virsh domxml-to-native qemu-argv` of the real
// 9.0.0 showed where it differs (tests/oracle/libvirt, docs/libvirt-xml.md "libvirt versions").

#include <string>

#include "libvirt/libvirt_version.hpp"

namespace aperture {

// The model of an explicit <controller type='usb'> without a model attribute on q35.
enum class ExplicitUsbDefault {
    Piix3Uhci,  // 9.0.0: qemuDomainControllerDefPostParse takes piix3-uhci whenever QEMU has it
    QemuXhci,   // 10.7.0: qemuDomainDefaultUSBControllerModel takes qemu-xhci on q35
};

// <maxphysaddr mode='passthrough' limit='N'/>.
enum class MaxPhysAddrLimit {
    Ignored,  // 9.0.0 does not know the attribute: host-phys-bits=on without host-phys-bits-limit
    Applied,  // 10.7.0: host-phys-bits-limit=N
};

// <maxphysaddr mode='emulate'/> without bits.
enum class EmulateWithoutBits {
    Refused,          // 9.0.0: "if using CPU maximum physical address mode='emulate', bits= must be specified too"
    HostPhysBitsOff,  // 10.7.0: host-phys-bits=off
};

struct LibvirtReaderRelease {
    LibvirtVersion version;
    ExplicitUsbDefault q35_explicit_usb_default;
    MaxPhysAddrLimit maxphysaddr_limit;
    EmulateWithoutBits emulate_without_bits;
};

// The newest modelled release not newer than `version` (the oldest for one older than all): the changes
// lie between the two modelled releases, at releases not pinned down, so 9.x and 10.0-10.6 read as 9.0.0.
const LibvirtReaderRelease& libvirt_reader_release(const LibvirtVersion& version);

// The release the reader models unless told otherwise: Debian 12's.
LibvirtVersion default_libvirt_version();

}  // namespace aperture
