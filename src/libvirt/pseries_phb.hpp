#pragma once
// How many PCI host bridges (spapr-pci-host-bridge) a pSeries guest ends up with once libvirt has
// assigned PCI addresses, which the ppc64 memlock limit multiplies by. libvirt 10.7.0 keeps host devices
// from different host IOMMU groups on different PHBs: qemuDomainFillDeviceIsolationGroup gives each PCI
// hostdev the isolation group "IOMMU group + 1" (0 is every emulated device's), PHB 0 is locked to group 0
// (qemuDomainSetupIsolationGroups), and virDomainPCIAddressGetNextAddr (src/conf/domain_addr.c) puts a
// device on a PHB of its own group, else on an empty unlocked PHB, else on a new PHB it adds.

#include <optional>
#include <vector>

namespace aperture {

// A guest PCI address written in the domain XML (<address type='pci' bus= slot= function=>).
struct PseriesGuestAddress {
    unsigned bus = 0;  // the PHB's index
    unsigned slot = 0;
    unsigned function = 0;
};

struct PseriesPciDevice {
    // For a PCI hostdev, the host IOMMU group of its source device; nullopt for an emulated device, and
    // for a hostdev whose group libvirt cannot read (it then stays in the default group and warns).
    std::optional<unsigned> host_iommu_group;
    std::optional<PseriesGuestAddress> address;  // nullopt: libvirt assigns one
};

struct PseriesPhbInput {
    // Indices of the <controller type='pci' model='pci-root'> PHBs in the XML; PHB 0 is always there.
    std::vector<unsigned> explicit_phbs;
    // Every device that takes a PCI slot, in the order libvirt assigns addresses: devices with an
    // address first as they appear, then the rest in qemuDomainAssignDevicePCISlots order (controllers,
    // filesystems, interfaces, sound, disks, hostdevs with <interface type='hostdev'> ones first, ...).
    std::vector<PseriesPciDevice> devices;
};

// The number of PHBs after address assignment, PHB 0 included: libvirt 10.7.0's first (dry-run) pass of
// qemuDomainAssignPCIAddresses, including the one slot it keeps free on a pci-root guest for a future
// bridge. pci-bridge controllers are not modelled. Throws InputError for an address libvirt rejects
// (slot 0 or past 31, function past 7, or one used twice).
unsigned pseries_phb_count(const PseriesPhbInput& input);

struct PseriesPhbAssignment {
    unsigned phbs = 1;                              // PHB 0 included
    std::vector<PseriesGuestAddress> addresses;     // one per input device: as written, or where libvirt puts it
};

// Where libvirt 10.7.0 puts each device (qemuDomainAssignPCIAddresses' second pass, with the PHBs the dry
// run counted): a device without an address takes a whole slot, function 0. Throws as pseries_phb_count.
PseriesPhbAssignment pseries_phb_assignment(const PseriesPhbInput& input);

}  // namespace aperture
