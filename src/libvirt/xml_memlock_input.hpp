#pragma once
// LibvirtMemlockInput for a domain read by read_libvirt_memlock_domain (any architecture), with the host
// facts libvirt itself would look up: the IOMMU group of each PCI hostdev (it decides the pSeries PHB
// count) and whether a hostdev is an NVLink2 bridge (libvirt reads its of_node; a snapshot does not).

#include <string>
#include <vector>

#include "host/host_snapshot.hpp"
#include "input/libvirt_xml/memlock_reader.hpp"
#include "libvirt/memlock_limit.hpp"

namespace aperture {

struct XmlMemlockHost {
    const HostSnapshot* snapshot = nullptr;   // nullptr: the IOMMU-group assumption below
    std::vector<std::string> nvlink2_hostdevs;  // host addresses ("0004:04:00.0") of NVLink2 GPUs
};

struct XmlMemlockInput {
    LibvirtMemlockInput input;
    // How the PHB count was reached (ppc64 only): the IOMMU groups used and where they came from.
    std::string phb_note;
    // The host IOMMU group of each PCI hostdev, in LibvirtMemlockDomain::pci_hostdevs order (ppc64 only):
    // what decides its PHB.
    std::vector<std::optional<unsigned>> hostdev_groups;
};

// Without a snapshot, the functions of one host slot (domain:bus:slot) share an IOMMU group and different
// slots have different groups: how tests/virpcimock.c groups the devices qemumemlocktest and
// qemuxmlconftest use (0001:01:00.0 and .1 in group 5, 0005:90:01.0 in group 7). Throws InputError for
// an --nvlink2 address that is no PCI hostdev of the domain.
XmlMemlockInput xml_memlock_input(const LibvirtMemlockDomain& domain, const XmlMemlockHost& host);

}  // namespace aperture
