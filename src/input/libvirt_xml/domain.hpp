#pragma once
// Reads a libvirt domain XML (`virsh dumpxml`, or a file given to `virsh define`) into the VmSpec QEMU
// would be started with: the same VmSpec the QEMU command line libvirt generates from it gives.
//
// The mapping follows libvirt 10.7.0 (src/qemu/qemu_command.c builds the QEMU arguments,
// src/qemu/qemu_domain_address.c places devices that have no <address>); docs/libvirt-xml.md lists what
// is read, what is approximated and where older libvirt (Debian 12 ships 9.0.0) differs.
//
// Errors name the file and line of the element: "vm.xml:42: <memory unit='XiB'>: unknown unit 'XiB'".
// InputError: the XML is malformed or libvirt itself would refuse it. UnsupportedError: libvirt accepts
// it but aperture does not model it (another architecture, a device whose QEMU mapping is not known).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/vm_spec.hpp"

namespace aperture {

// What the domain says about locked memory and the devices that pin it, as written: the memlock limit
// libvirt sets (qemuDomainGetMemLockLimitBytes) is computed from these elsewhere.
struct LibvirtDomainFacts {
    std::string arch;                       // <os><type arch=>: "x86_64"
    std::string machine;                    // <os><type machine=> as written ("pc" when absent)
    u64 memory = 0;                         // <memory> in bytes, before libvirt's 1 MiB rounding
    std::optional<u64> max_memory;          // <maxMemory> in bytes
    unsigned max_memory_slots = 0;          // <maxMemory slots=>
    std::optional<u64> hard_limit;          // <memtune><hard_limit> in bytes
    bool memory_locked = false;             // <memoryBacking><locked/>
    std::optional<std::string> iommu_model; // <iommu model=>: "intel", "virtio", "smmuv3"
    unsigned vfio_pci_hostdevs = 0;         // <hostdev type='pci'> and <interface type='hostdev'>
    unsigned mdev_hostdevs = 0;             // <hostdev type='mdev'>
    unsigned nvme_disks = 0;                // <disk type='nvme'>: a host NVMe the QEMU block layer drives via VFIO
    unsigned vdpa_interfaces = 0;           // <interface type='vdpa'>
    std::vector<std::string> hostdev_aliases;  // the QEMU ids of the VFIO devices, in command-line order
};

struct LibvirtDomain {
    VmSpec spec;
    LibvirtDomainFacts facts;
};

struct LibvirtReadOptions {
    // A PCI device libvirt would create that aperture's device catalog lacks (qxl-vga, rtl8139, ...) is
    // an UnsupportedError naming its element. Off, the VmSpec keeps it (to compare the mapping alone).
    bool refuse_unmodelled_devices = true;
};

// `file_name` is used in messages only.
LibvirtDomain read_libvirt_domain(std::string_view xml_text, const std::string& file_name, const LibvirtReadOptions& options = {});
// Reads the file; InputError naming it when it cannot be read.
LibvirtDomain read_libvirt_domain_file(const std::string& path, const LibvirtReadOptions& options = {});

}  // namespace aperture
