#pragma once
// The locked-memory limit (RLIMIT_MEMLOCK) libvirt sets on the QEMU process it starts, as libvirt's
// qemuDomainGetMemLockLimitBytes (src/qemu/qemu_domain.c) computes it from the domain definition.
// libvirt applies it with setrlimit before exec (qemuProcessLaunch → virCommandSetMaxMemLock) and again on
// every hotplug (qemuDomainAdjustMaxMemLock, which only ever raises it). The formula changed between
// releases; LibvirtMemlockFormula names each one, and docs/libvirt-memlock.md gives their sources.

#include <optional>
#include <string>

#include "core/address.hpp"
#include "libvirt/libvirt_version.hpp"

namespace aperture {

// libvirt's "no limit" value, VIR_DOMAIN_MEMORY_PARAM_UNLIMITED = INT64_MAX >> 10 (include/libvirt/
// libvirt-domain.h). qemuDomainGetMemLockLimitBytes returns it for <locked/>; virProcessSetMaxMemLock turns
// any byte count >= it into RLIM_INFINITY (virMemoryLimitIsSet compares against it); and a <hard_limit>
// of this many KiB is libvirt's "not set".
inline constexpr u64 kLibvirtUnlimited = 9007199254740991;

// Only the architecture test libvirt makes: ARCH_IS_PPC64 (ppc64 and ppc64le) or anything else.
enum class LibvirtGuestArch { Ppc64, Other };
// <domain type=...>: only 'kvm' selects the ppc64 formula.
enum class LibvirtVirtType { Kvm, Other };

// What qemuDomainGetMemLockLimitBytes reads from a domain definition (after libvirt's post-parse and PCI
// address assignment, which is when libvirt calls it).
struct LibvirtMemlockInput {
    LibvirtGuestArch arch = LibvirtGuestArch::Other;
    LibvirtVirtType virt_type = LibvirtVirtType::Kvm;
    // virDomainDefGetMemoryTotal: <memory>, which includes <memory> modules (DIMMs, virtio-mem).
    u64 memory_kib = 0;
    // <maxMemory>: the ppc64 formula sizes the hash page table from it; 0 or absent: <memory>.
    std::optional<u64> max_memory_kib;
    std::optional<u64> hard_limit_kib;  // <memtune><hard_limit>
    bool locked = false;                // <memoryBacking><locked/>
    // <hostdev mode='subsystem' type='pci'>, including the hostdev behind each <interface type='hostdev'>.
    unsigned pci_hostdevs = 0;
    unsigned mdev_hostdevs = 0;    // <hostdev mode='subsystem' type='mdev'>
    unsigned nvme_disks = 0;       // disks whose source chain holds a <source type='pci'> NVMe namespace
    unsigned vdpa_interfaces = 0;  // <interface type='vdpa'> (the actual type, after network resolution)
    unsigned vdpa_disks = 0;       // <disk type='vhostvdpa'> sources (libvirt 9.8.0+)
    bool viommu = false;           // <devices><iommu>
    // ppc64: spapr-pci-host-bridge controllers after address assignment, the implicit PHB 0 included
    // (pseries_phb_count computes it the way libvirt adds them).
    unsigned pseries_phbs = 1;
    // ppc64: a PCI hostdev is an NVLink2 bridge (NVIDIA V100 SXM2 on POWER9): its host
    // /sys/bus/pci/devices/<addr>/of_node holds ibm,gpu, ibm,nvlink, ibm,nvlink-speed and memory-region.
    bool nvlink2 = false;
};

// The formulas libvirt has used, by release (docs/libvirt-memlock.md has the evidence for each).
enum class LibvirtMemlockFormula {
    // < 8.7.0: RAM + 1 GiB once, whatever the number of devices. Read in the 8.1.0 source.
    RamPlusOneGiB,
    // 8.7.0 – 9.2.x: a factor per device; NVMe disks counted with the VFIO devices. Read in Debian 12's
    // 9.0.0-4+deb12u2 build (the function disassembled from libvirt_driver_qemu.so).
    PerDeviceFactor,
    // 9.3.0 onwards: NVMe disks count on their own. Read in the 9.8.0, 9.10.0, 10.4.0, 10.5.0 and 10.7.0
    // sources; releases after 10.7.0 are assumed to keep it (unverified).
    PerDeviceFactorNvmeApart,
};
const char* to_string(LibvirtMemlockFormula formula);

// What libvirt does with the limit.
enum class LibvirtMemlockAction {
    Leave,      // the function returned 0: QEMU inherits libvirtd's own limit
    Set,        // setrlimit(RLIMIT_MEMLOCK, bytes)
    Unlimited,  // RLIM_INFINITY (<locked/>, or a computed value at or past kLibvirtUnlimited)
};

struct LibvirtMemlockLimit {
    LibvirtMemlockAction action = LibvirtMemlockAction::Leave;
    u64 bytes = 0;  // what qemuDomainGetMemLockLimitBytes returns (0 for Leave)
    LibvirtMemlockFormula formula = LibvirtMemlockFormula::PerDeviceFactorNvmeApart;
    bool verified = true;     // false: a release after the newest one read (10.7.0)
    std::string explanation;  // "2 × 4 GiB RAM (2 VFIO devices with a vIOMMU) + 1 GiB = 9 GiB"
};

// The newest release whose qemu_domain.c was read (10.7.0): the formula as aperture knows it best, which
// is also what a guest needs (every branch libvirt has added since is a need it found).
LibvirtVersion libvirt_memlock_newest_read();

// The formula `version` used, and whether it was read for that release range.
LibvirtMemlockFormula libvirt_memlock_formula(const LibvirtVersion& version);

// The limit libvirt `version` sets for the domain. Throws ArithmeticError where libvirt's unsigned
// arithmetic would wrap (libvirt itself wraps silently), so a result is never a wrapped value.
LibvirtMemlockLimit libvirt_memlock_limit(const LibvirtMemlockInput& input, const LibvirtVersion& version);

}  // namespace aperture
