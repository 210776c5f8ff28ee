#pragma once
// Reads a ppc64 pSeries libvirt domain into the VmSpec of the qemu-system-ppc64 command line libvirt 10.7.0
// generates for it (src/qemu/qemu_command.c): -nodefaults, -machine pseries-X, -m with maxmem and slots,
// one spapr-pci-host-bridge per extra pci-root controller, and each PCI device on the PHB and slot
// libvirt's address assignment gives it (libvirt/pseries_phb.hpp, host devices isolated by IOMMU group).
// The x86 reader (domain.hpp) refuses these domains; this one refuses what it does not map, naming the
// element, and what libvirt refuses on pSeries.
//
// What libvirt's memlock formula reads comes from the one memlock reader (memlock_reader.hpp), so
// `check --xml`, `fix --xml` and `memlock --xml` count a domain alike; only nPHB is taken from this
// reader's address assignment, which also counts the emulated devices that need a slot.

#include <string>
#include <string_view>
#include <vector>

#include "config/vm_spec.hpp"
#include "input/libvirt_xml/memlock_reader.hpp"
#include "libvirt/xml_memlock_input.hpp"

namespace aperture {

struct LibvirtPseriesDomain {
    VmSpec spec;
    LibvirtMemlockDomain memlock;
    XmlMemlockInput memlock_input;  // pseries_phbs: the PHBs this reader's assignment ends with
    std::vector<std::string> notes;  // what the reader assumed ("FILE:LINE: ...")
};

// True when <os><type arch=> is ppc64 or ppc64le (libvirt's ARCH_IS_PPC64). Throws InputError for XML that
// does not parse.
bool libvirt_domain_is_ppc64(std::string_view xml_text, const std::string& file_name);

// `host` gives the hostdevs' IOMMU groups and the NVLink2 ones, as for `aperture memlock`. Throws
// InputError (malformed, or libvirt refuses it) and UnsupportedError (not modelled), each naming the file
// and line.
LibvirtPseriesDomain read_libvirt_pseries_domain(std::string_view xml_text, const std::string& file_name, const XmlMemlockHost& host);

}  // namespace aperture
