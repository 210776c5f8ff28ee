#pragma once
// Reads a libvirt domain XML (`virsh dumpxml`, or a file given to `virsh define`) into the VmSpec QEMU
// would be started with: the same VmSpec the QEMU command line libvirt generates from it gives.
//
// The mapping follows libvirt 10.7.0 (src/qemu/qemu_command.c builds the QEMU arguments,
// src/qemu/qemu_domain_address.c places devices that have no <address>); where Debian 12's libvirt 9.0.0
// reads a domain differently (found by running it, tests/oracle/libvirt), the release the options name
// decides (libvirt_release.hpp). docs/libvirt-xml.md lists what is read and what is approximated.
//
// Errors name the file and line of the element: "vm.xml:42: <memory unit='XiB'>: unknown unit 'XiB'".
// InputError: the XML is malformed or libvirt itself would refuse it. UnsupportedError: libvirt accepts
// it but aperture does not model it (another architecture, a device whose QEMU mapping is not known).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/vm_spec.hpp"
#include "input/libvirt_xml/libvirt_release.hpp"
#include "input/libvirt_xml/memlock_reader.hpp"
#include "machine/qemu_release.hpp"

namespace aperture {

// What the domain says as written that the VmSpec does not carry.
struct LibvirtDomainFacts {
    std::string arch;                       // <os><type arch=>: "x86_64"
    std::string machine;                    // <os><type machine=> as written ("pc" when absent)
    unsigned max_memory_slots = 0;          // <maxMemory slots=>
    std::vector<std::string> hostdev_aliases;  // the QEMU ids of the VFIO devices, in command-line order
};

struct LibvirtDomain {
    VmSpec spec;
    LibvirtDomainFacts facts;
    // What libvirt's memlock formula reads, by the one reader `aperture memlock --xml` uses too.
    LibvirtMemlockDomain memlock;
};

struct LibvirtReadOptions {
    // The release the emulator runs: its default machine type, the machine types it offers, and how
    // messages name it.
    const QemuRelease* qemu = &default_qemu_release();
    // A PCI device libvirt would create that aperture's device catalog lacks (qxl-vga, rtl8139, ...) is
    // an UnsupportedError naming its element. Off, the VmSpec keeps it (to compare the mapping alone).
    bool refuse_unmodelled_devices = true;
    // The libvirt that will start the domain (default: Debian 12's 9.0.0).
    LibvirtVersion libvirt = default_libvirt_version();

    const LibvirtReaderRelease& release() const { return libvirt_reader_release(libvirt); }
};

// `file_name` is used in messages only.
LibvirtDomain read_libvirt_domain(std::string_view xml_text, const std::string& file_name, const LibvirtReadOptions& options = {});
// Reads the file; InputError naming it when it cannot be read.
LibvirtDomain read_libvirt_domain_file(const std::string& path, const LibvirtReadOptions& options = {});

}  // namespace aperture
