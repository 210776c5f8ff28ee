#pragma once
// Reads only what libvirt's qemuDomainGetMemLockLimitBytes looks at from a domain XML, for any
// architecture: the full reader (read_libvirt_domain) builds an x86 VmSpec and refuses the rest, but the
// memlock limit of a ppc64 pSeries domain is just as much libvirt's business. This is the only reading of
// those elements: the full reader keeps its result (LibvirtDomain::memlock), so `check --xml` and
// `memlock --xml` cannot count a domain's devices differently.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.hpp"
#include "libvirt/pseries_phb.hpp"

namespace aperture {

namespace libvirt_xml {
class XmlDocument;
}

// A <hostdev type='pci'> (or <interface type='hostdev'>): the host function and, when written, its guest
// address.
struct LibvirtMemlockHostdev {
    std::string source;  // "0001:01:00.0", as sysfs names the host function
    std::optional<PseriesGuestAddress> guest_address;
    std::string where;   // "file.xml:12 (<hostdev ...>)"
};

struct LibvirtMemlockDomain {
    std::string arch;  // <os><type arch=> ("x86_64" when absent, as the full reader assumes)
    bool kvm = false;  // <domain type='kvm'>
    u64 memory_kib = 0;
    std::optional<u64> max_memory_kib;
    std::optional<u64> hard_limit_kib;
    bool locked = false;
    // PCI hostdevs in the order libvirt assigns their addresses: <interface type='hostdev'> first.
    std::vector<LibvirtMemlockHostdev> pci_hostdevs;
    unsigned mdev_hostdevs = 0;
    unsigned nvme_disks = 0;       // <disk type='nvme'>, and <source type='nvme'> in a backing chain
    unsigned vdpa_interfaces = 0;  // <interface type='vdpa'>
    unsigned vdpa_disks = 0;       // <disk type='vhostvdpa'>
    bool viommu = false;           // <devices><iommu>
    // Indices of the <controller type='pci' model='pci-root'> elements (spapr-pci-host-bridge on pSeries).
    std::vector<unsigned> pci_root_indices;
    // Guest PCI addresses written on every other device: they occupy PHB slots in the default group.
    std::vector<PseriesGuestAddress> emulated_addresses;
};

// `file_name` is used in messages only; errors are InputError "FILE:LINE: ...".
LibvirtMemlockDomain read_libvirt_memlock_domain(const libvirt_xml::XmlDocument& xml);
LibvirtMemlockDomain read_libvirt_memlock_domain(std::string_view xml_text, const std::string& file_name);
LibvirtMemlockDomain read_libvirt_memlock_domain_file(const std::string& path);

}  // namespace aperture
