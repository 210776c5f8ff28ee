#pragma once
// The PCI functions on bus 0 of a Xen HVM guest, in the slots qemu-xen gives them: the i440FX/PIIX3
// chipset of QEMU's "xenfv" machine, the Xen platform device, the devices libxl adds to qemu's command
// line (tools/libs/light/libxl_dm.c libxl__build_device_model_args_new: VGA, USB, NICs, AHCI, in that
// order) and then the host devices of pci=[...], which libxl hot-adds over QMP once qemu runs
// (libxl_pci.c), so they take the first free slots after everything else unless a vslot says where.
// hvmloader scans only bus 0 (tools/firmware/hvmloader/pci.c pci_setup), so there are no bridges.

#include <map>
#include <string>
#include <vector>

#include "devices/pci_function.hpp"
#include "input/xl_cfg/xl_domain_config.hpp"
#include "machine/pci_topology.hpp"

namespace aperture {

struct XenBus {
    std::vector<PciNode> functions;  // ascending devfn: the order hvmloader scans them
    // The host address of every passed-through function, by its index in `functions`.
    std::map<std::size_t, std::string> host_addresses;
};

// `passthrough` maps a host address ("0000:41:00.0") to the function xen-pci-passthrough exposes (its
// BARs are the host's: hw/xen/xen_pt.c xen_pt_register_regions). Throws InputError for a host device it
// does not know (naming --host / --passthrough) or two devices in one slot, UnsupportedError for an
// emulated device aperture does not model.
// `not_passable` says why a host device that exists cannot be passed through (a bridge, an odd BAR size).
XenBus build_xenfv_bus(const XlDomainConfig& config, const std::map<std::string, PciFunctionSpec>& passthrough,
                       const std::map<std::string, std::string>& not_passable = {});

// The Xen platform PCI device (hw/i386/xen/xen_platform.c): vendor 0x5853, device 0x0001.
PciFunctionSpec make_xen_platform_device();
inline constexpr std::uint16_t kXenVendorId = 0x5853;

}  // namespace aperture
