#pragma once
// Everything the host probe learns about the machine VMs will run on, in one value: the CPU, whether KVM
// uses EPT/NPT and the GuestPhysBits it reports, the IOMMU's widths and reserved ranges, every PCI function with its BARs, the memlock limit,
// /proc/iomem, the kernel release and the installed QEMU and firmware packages. A snapshot serialises to
// JSON (host_snapshot_json.hpp) so every command can later read a saved host (--host FILE) instead of the
// live one.

#include <optional>
#include <string>
#include <vector>

#include "host/cpuinfo.hpp"
#include "host/host_files.hpp"
#include "host/installed_packages.hpp"
#include "host/iomem.hpp"
#include "host/iommu.hpp"
#include "host/kvm_device.hpp"
#include "host/kvm_guest_phys_bits.hpp"
#include "host/kvm_paging.hpp"
#include "host/memlock.hpp"
#include "host/pci_device.hpp"

namespace aperture {

inline constexpr const char* kCpuinfoFile = "/proc/cpuinfo";

struct HostSnapshot {
    std::string root;                   // the tree the probe read: "/" or a copy of one (HostFiles::describe("/"))
    std::optional<HostCpuDetails> cpu;  // nullopt when /proc/cpuinfo cannot be read
    KvmPaging kvm;
    // What KVM_GET_SUPPORTED_CPUID reports (or would) as GuestPhysBits; nullopt in a snapshot saved before
    // aperture recorded it.
    std::optional<KvmGuestPhysBits> kvm_guest_phys_bits;
    IommuInfo iommu;
    std::vector<HostPciDevice> pci;  // ascending by address
    std::optional<MemlockLimit> memlock;
    std::optional<Iomem> iomem;  // nullopt when /proc/iomem cannot be read
    // The kernel release and the installed QEMU and firmware packages; nullopt in a snapshot saved before
    // aperture recorded them.
    std::optional<HostSoftware> software;

    const HostPciDevice* device(const std::string& address) const;
    friend bool operator==(const HostSnapshot&, const HostSnapshot&) = default;
};

// Where the memlock limit comes from. The live host's is this process's (getrlimit, falling back to
// /proc/self/limits); a copied tree stands for another process, so only its limits file counts.
enum class MemlockQuery { ThisProcess, LimitsFileOnly };

// Reads, never writes. Throws InputError naming the file (and line) for content not in the kernel's form;
// facts whose files are absent stay unknown (host_notes says which matter). `kvm` is asked for the
// supported CPUID (host/kvm_device.hpp); nullptr asks nothing and infers GuestPhysBits from the files.
HostSnapshot probe_host(const HostFiles& files, MemlockQuery memlock, const KvmDevice* kvm = nullptr);
// The tree under `root`: for "/" this process's memlock limit and /dev/kvm; for a copied tree its limits
// file, and no device (a device node belongs to the running host, not to the copy).
HostSnapshot probe_host(const std::string& root = "/");

// Whether vfio-pci can pass any device through: it binds only devices in an IOMMU group, and the kernel makes
// groups only with an IOMMU enabled (drivers/vfio/vfio_main.c refuses a device without one).
enum class PassthroughReadiness { Possible, NoIommuGroups };
PassthroughReadiness passthrough_readiness(const HostSnapshot& snapshot);

// What a reader of the snapshot should know: unknowns and their consequences (KVM module not loaded,
// iomem addresses hidden, no IOMMU groups, config space unreadable, iomem disagreeing with sysfs).
std::vector<std::string> host_notes(const HostSnapshot& snapshot);

}  // namespace aperture
