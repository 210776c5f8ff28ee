#include "host/host_snapshot.hpp"

#include <fmt/format.h>

namespace aperture {

namespace {

std::optional<MemlockLimit> read_memlock(const HostFiles& files, MemlockQuery query) {
    if (query == MemlockQuery::ThisProcess) {
        if (auto limit = process_memlock_limit()) return limit;
    }
    const auto text = files.read(kProcessLimitsFile, kKernelAttributeMaxBytes);
    if (!text) return std::nullopt;
    return parse_limits_memlock(*text, files.describe(kProcessLimitsFile));
}

void cpu_notes(const HostSnapshot& snapshot, std::vector<std::string>& notes) {
    if (!snapshot.cpu) {
        notes.push_back(
            "/proc/cpuinfo could not be read: the host CPU's vendor and physical address width are unknown");
        return;
    }
    if (!snapshot.cpu->phys_bits) {
        notes.push_back("/proc/cpuinfo has no 'address sizes' line: the host's phys-bits are unknown");
    }
    const KvmPaging& kvm = snapshot.kvm;
    if (!kvm.ept && !kvm.npt) {
        notes.push_back("neither kvm_intel nor kvm_amd is loaded: whether KVM uses EPT/NPT is unknown");
    }
    const auto off = [](const std::optional<bool>& parameter) { return parameter.has_value() && !*parameter; };
    if (off(kvm.ept) || off(kvm.npt)) {
        notes.push_back(
            fmt::format("KVM runs with {}=N: guests get shadow page tables instead of two-dimensional paging",
                        off(kvm.ept) ? "ept" : "npt"));
    }
}

void guest_phys_bits_notes(const HostSnapshot& snapshot, std::vector<std::string>& notes) {
    if (!snapshot.kvm_guest_phys_bits) return;  // not recorded: the notes of such a snapshot stay as saved
    const KvmGuestPhysBits& guest_phys_bits = *snapshot.kvm_guest_phys_bits;
    switch (guest_phys_bits.source()) {
        case GuestPhysBitsSource::Measured: return;
        case GuestPhysBitsSource::InferredFromKernel:
            if (guest_phys_bits.device == KvmDeviceOutcome::NoPermission) {
                notes.push_back("KVM's GuestPhysBits is inferred from the kernel release: this user may not open /dev/kvm "
                                "(as a member of its group the probe asks KVM instead)");
            }
            return;
        case GuestPhysBitsSource::Unknown:
            notes.push_back("KVM's GuestPhysBits is unknown: KVM plans of QEMU 9.1+ machine types assume 0 unless "
                            "--host-guest-phys-bits gives it");
            return;
    }
}

void iommu_notes(const HostSnapshot& snapshot, std::vector<std::string>& notes) {
    const IommuInfo& iommu = snapshot.iommu;
    if (passthrough_readiness(snapshot) == PassthroughReadiness::NoIommuGroups) {
        notes.push_back("no IOMMU groups: the IOMMU is off or absent, so vfio-pci cannot pass devices through");
    }
    for (const auto& unit : iommu.units) {
        if (unit.vendor == IommuVendor::Amd) {
            notes.push_back(unit.name + ": AMD IOMMU; sysfs does not give its address width, so it is unknown");
        }
        if (unit.vendor == IommuVendor::Intel && !unit.cap) {
            notes.push_back(unit.name + ": intel-iommu/cap could not be read; its address width is unknown");
        }
    }
}

void pci_notes(const HostSnapshot& snapshot, std::vector<std::string>& notes) {
    for (const auto& device : snapshot.pci) {
        if (!device.header_type) {
            notes.push_back(device.address +
                            ": config space could not be read; bridge or not is taken from the class code");
        }
    }
}

void limit_notes(const HostSnapshot& snapshot, std::vector<std::string>& notes) {
    if (!snapshot.memlock) notes.push_back("the memlock limit could not be read");
    if (!snapshot.iomem) {
        notes.push_back("/proc/iomem could not be read: BAR addresses were not cross-checked");
        return;
    }
    if (snapshot.iomem->addresses_hidden()) {
        notes.push_back(
            "/proc/iomem shows every address as 0 (read without CAP_SYS_ADMIN): BAR addresses were not "
            "cross-checked");
        return;
    }
    const IomemAgreement agreement = check_iomem_agreement(*snapshot.iomem, snapshot.pci);
    for (const auto& disagreement : agreement.disagreements) {
        notes.push_back("sysfs and /proc/iomem disagree: " + disagreement);
    }
}

void software_notes(const HostSnapshot& snapshot, std::vector<std::string>& notes) {
    if (snapshot.software && !snapshot.software->packages) {
        notes.push_back(fmt::format("no dpkg database ({}): the installed QEMU and firmware are unknown, so plans model "
                                    "the defaults unless --qemu and --firmware name a stack",
                                    kDpkgStatusFile));
    }
}

}  // namespace

const HostPciDevice* HostSnapshot::device(const std::string& address) const {
    for (const auto& d : pci) {
        if (d.address == address) return &d;
    }
    return nullptr;
}

HostSnapshot probe_host(const HostFiles& files, MemlockQuery memlock, const KvmDevice* kvm) {
    HostSnapshot snapshot;
    snapshot.root = files.describe("/");
    if (const auto cpuinfo = files.read(kCpuinfoFile, kProcTableMaxBytes)) snapshot.cpu = parse_cpuinfo_details(*cpuinfo);
    snapshot.kvm = read_kvm_paging(files);
    snapshot.iommu = read_iommu(files);
    snapshot.pci = read_pci_devices(files);
    snapshot.memlock = read_memlock(files, memlock);
    if (const auto iomem = files.read(kIomemFile, kProcTableMaxBytes)) snapshot.iomem = parse_iomem(*iomem, files.describe(kIomemFile));
    snapshot.software = read_host_software(files);
    snapshot.kvm_guest_phys_bits =
        probe_kvm_guest_phys_bits(guest_phys_bits_facts(snapshot.cpu, snapshot.kvm, snapshot.software->kernel_release), kvm);
    return snapshot;
}

HostSnapshot probe_host(const std::string& root) {
    const RootedHostFiles files(root);
    if (root != "/") return probe_host(files, MemlockQuery::LimitsFileOnly);
    const DevKvm device;
    return probe_host(files, MemlockQuery::ThisProcess, &device);
}

PassthroughReadiness passthrough_readiness(const HostSnapshot& snapshot) {
    return snapshot.iommu.groups.empty() ? PassthroughReadiness::NoIommuGroups : PassthroughReadiness::Possible;
}

std::vector<std::string> host_notes(const HostSnapshot& snapshot) {
    std::vector<std::string> notes;
    cpu_notes(snapshot, notes);
    guest_phys_bits_notes(snapshot, notes);
    iommu_notes(snapshot, notes);
    pci_notes(snapshot, notes);
    limit_notes(snapshot, notes);
    software_notes(snapshot, notes);
    return notes;
}

}  // namespace aperture
