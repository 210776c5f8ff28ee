#include "libvirt/memlock_limit.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <vector>

#include "core/error.hpp"
#include "libvirt/libvirt_memlock_release.hpp"

namespace aperture {

namespace {

// --- Release boundaries: the first release of each branch (libvirt_memlock_release.hpp holds them) ---
bool has(const LibvirtVersion& version, LibvirtMemlockBranch branch) { return libvirt_has_memlock_branch(version, branch); }
// The newest release whose qemu_domain.c was read (deepin-community/libvirt develop/10.7.0).
constexpr LibvirtVersion kNewestRead{10, 7, 0};

// --- Terms of qemuDomainGetMemLockLimitBytes, all in KiB (qemu_domain.c, libvirt 8.1.0 – 10.7.0) ---
// The 1 GiB added once on x86 and every other non-ppc64 target: "space reserved for the MMIO region for
// the whole system" (comment citing libvir-list 2015-November/msg00329).
constexpr u64 kMmioAllowanceKiB = 1024 * 1024;

// getPPC64MemLockLimitBytes (qemu_domain.c, identical in 8.1.0, 9.0.0 and 10.7.0):
// (a) the guest's hash page table is 1/128 of its maximum memory.
constexpr u64 kHashPageTableDivisor = 128;
// (b) 4 MiB of TCE table per PHB covers a 2 GiB 32-bit DMA window, plus 8 MiB of slack for the TCE
//     table index and spapr-vlan/spapr-vscsi devices.
constexpr u64 kDma32TcePerPhbKiB = 4096;
constexpr u64 kPpc64SlackKiB = 8192;
// (c) pre-DDW VFIO accounting: a 2 GiB DMA window per PHB.
constexpr u64 kPreDdwWindowPerPhbKiB = 2 * 1024 * 1024;
// (e) a 64-bit DDW window mapping all RAM with 4 KiB IOMMU pages: 8 bytes of TCE per 4 KiB = 1/512.
constexpr u64 kDdwTceDivisor = 512;
// NVLink2: the guest's 64-bit DMA window reaches 128 TiB (GPU RAM sits at 64–128 TiB), so each PHB's TCE
// table is 128 TiB / 512 = 256 GiB, written in KiB as 128 * (1ULL<<30) / 512.
constexpr u64 kNvlink2TcePerPhbKiB = 128 * (u64{1} << 30) / kDdwTceDivisor;

struct Term {
    u64 kib;
    std::string text;
};

u64 add_kib(u64 a, u64 b, const char* what) {
    const auto sum = checked_add(a, b);
    if (!sum) throw ArithmeticError(fmt::format("libvirt memlock: {} overflows 64 bits ({} KiB + {} KiB)", what, a, b));
    return *sum;
}

u64 mul_kib(u64 a, u64 b, const char* what) {
    const auto product = checked_mul(a, b);
    if (!product) throw ArithmeticError(fmt::format("libvirt memlock: {} overflows 64 bits ({} × {} KiB)", what, b, a));
    return *product;
}

std::string kib_text(u64 kib) {
    const auto bytes = checked_mul(kib, KiB);
    return bytes ? human_size(*bytes) : fmt::format("{} KiB", kib);
}

std::string plural(unsigned n, const char* one, const char* many) { return fmt::format("{} {}", n, n == 1 ? one : many); }

// The byte count libvirt returns for `kib`, and what setrlimit then receives.
LibvirtMemlockLimit finish(LibvirtMemlockLimit limit, u64 kib, std::string explanation) {
    const auto bytes = checked_mul(kib, KiB);
    if (!bytes) throw ArithmeticError(fmt::format("libvirt memlock: {} KiB does not fit in 64 bits as bytes", kib));
    limit.bytes = *bytes;
    if (*bytes == 0) {
        limit.action = LibvirtMemlockAction::Leave;
    } else if (*bytes >= kLibvirtUnlimited) {
        // virProcessSetMaxMemLock: !virMemoryLimitIsSet(bytes) → RLIM_INFINITY.
        limit.action = LibvirtMemlockAction::Unlimited;
        explanation += " (at or past libvirt's 'unlimited' value: RLIM_INFINITY)";
    } else {
        limit.action = LibvirtMemlockAction::Set;
    }
    limit.explanation = std::move(explanation);
    return limit;
}

// The x86 (and every non-ppc64-KVM) rule: nothing, or factor × RAM + 1 GiB.
LibvirtMemlockLimit other_arch_limit(const LibvirtMemlockInput& in, const LibvirtVersion& version, LibvirtMemlockLimit limit) {
    const unsigned vdpa_net = has(version, LibvirtMemlockBranch::VdpaInterfaces) ? in.vdpa_interfaces : 0;
    const unsigned vdpa_disks = has(version, LibvirtMemlockBranch::VdpaDisks) ? in.vdpa_disks : 0;
    const unsigned vfio = in.pci_hostdevs + in.mdev_hostdevs;
    LibvirtMemlockInput counted = in;
    if (!has(version, LibvirtMemlockBranch::NvmeDisks)) counted.nvme_disks = 0;  // no <disk type='nvme'> before 6.0.0

    if (limit.formula == LibvirtMemlockFormula::RamPlusOneGiB) {
        // qemuDomainNeedsVFIO (PCI or mdev hostdev, NVMe disk) || virDomainDefHasVDPANet → RAM + 1 GiB once.
        if (vfio + counted.nvme_disks + vdpa_net == 0) return finish(limit, 0, "no VFIO, mdev, NVMe or vDPA device in the domain");
        const u64 kib = add_kib(in.memory_kib, kMmioAllowanceKiB, "RAM + 1 GiB");
        return finish(limit, kib, fmt::format("{} RAM + 1 GiB (one RAM whatever the number of devices) = {}", kib_text(in.memory_kib), kib_text(kib)));
    }

    // What each device class adds to the factor, in the order libvirt sums it.
    std::vector<std::string> reasons;
    u64 factor = vdpa_net + vdpa_disks;
    if (vdpa_net + vdpa_disks) reasons.push_back(plural(vdpa_net + vdpa_disks, "vDPA device", "vDPA devices"));
    // 8.7.0 – 9.2.x counted NVMe disks with the VFIO hostdevs (qemuDomainGetMemLockLimitBytes in Debian's
    // 9.0.0 build); from 9.3.0 each NVMe disk adds a RAM of its own.
    const bool nvme_apart = limit.formula == LibvirtMemlockFormula::PerDeviceFactorNvmeApart;
    const unsigned vfio_like = nvme_apart ? vfio : vfio + counted.nvme_disks;
    if (nvme_apart && counted.nvme_disks) {
        factor += counted.nvme_disks;
        reasons.push_back(plural(counted.nvme_disks, "NVMe disk", "NVMe disks"));
    }
    if (vfio_like) {
        const char* what = nvme_apart ? "VFIO device" : "VFIO/NVMe device";
        const char* whats = nvme_apart ? "VFIO devices" : "VFIO/NVMe devices";
        // With a vIOMMU each device has its own DMA address space, which may map all of RAM.
        factor += in.viommu ? vfio_like : 1;
        reasons.push_back(fmt::format("{} {}", plural(vfio_like, what, whats), in.viommu ? "with a vIOMMU" : "sharing one mapping without a vIOMMU"));
    }
    if (factor == 0) return finish(limit, 0, "no VFIO, mdev, NVMe or vDPA device in the domain");
    const u64 ram_kib = mul_kib(in.memory_kib, factor, "factor × RAM");
    const u64 kib = add_kib(ram_kib, kMmioAllowanceKiB, "factor × RAM + 1 GiB");
    return finish(limit, kib,
                  fmt::format("{} × {} RAM ({}) + 1 GiB = {}", factor, kib_text(in.memory_kib), fmt::join(reasons, ", "), kib_text(kib)));
}

// getPPC64MemLockLimitBytes: hash page table and 32-bit DMA windows always, plus the passthrough term.
LibvirtMemlockLimit ppc64_limit(const LibvirtMemlockInput& in, const LibvirtVersion& version, LibvirtMemlockLimit limit) {
    const u64 memory = in.memory_kib;
    const u64 max_memory = in.max_memory_kib.value_or(0) ? *in.max_memory_kib : memory;
    const u64 phbs = in.pseries_phbs;

    const u64 base = add_kib(add_kib(max_memory / kHashPageTableDivisor, mul_kib(kDma32TcePerPhbKiB, phbs, "4 MiB × PHBs"), "base limit"),
                             kPpc64SlackKiB, "base limit");
    std::string text = fmt::format("HPT {} (1/128 of {}) + 4 MiB × {} + 8 MiB", kib_text(max_memory / kHashPageTableDivisor), kib_text(max_memory),
                                   plural(in.pseries_phbs, "PHB", "PHBs"));

    // The passthrough term: qemuDomainNeedsVFIO (PCI or mdev hostdev, NVMe disk) || virDomainDefHasVDPANet.
    // vDPA disks do not enter it (10.7.0 tests only vDPA interfaces here).
    const bool vdpa_net = has(version, LibvirtMemlockBranch::VdpaInterfaces) && in.vdpa_interfaces > 0;
    const unsigned nvme = has(version, LibvirtMemlockBranch::NvmeDisks) ? in.nvme_disks : 0;
    const bool needs_vfio = in.pci_hostdevs + in.mdev_hostdevs + nvme > 0 || vdpa_net;
    // Before 5.3.0 libvirt has no NVLink2 branch: the GPU is one more VFIO device to it.
    const bool nvlink2 = in.nvlink2 && in.pci_hostdevs > 0;
    const bool nvlink2_branch = nvlink2 && has(version, LibvirtMemlockBranch::Ppc64Nvlink2);
    u64 passthrough = 0;
    if (nvlink2_branch) {
        passthrough = add_kib(add_kib(max_memory, mul_kib(kNvlink2TcePerPhbKiB, phbs, "256 GiB × PHBs"), "NVLink2 term"), kPpc64SlackKiB, "NVLink2 term");
        text += fmt::format(" + NVLink2 ({} max memory + 256 GiB of TCEs × {} + 8 MiB)", kib_text(max_memory), plural(in.pseries_phbs, "PHB", "PHBs"));
    } else if (needs_vfio) {
        const u64 pre_ddw = mul_kib(kPreDdwWindowPerPhbKiB, phbs, "2 GiB × PHBs");
        const u64 ddw = add_kib(add_kib(memory, mul_kib(memory / kDdwTceDivisor, phbs, "RAM/512 × PHBs"), "DDW term"), kPpc64SlackKiB, "DDW term");
        passthrough = std::max(pre_ddw, ddw);
        text += fmt::format(" + max(2 GiB × {}, {} RAM + RAM/512 × {} + 8 MiB) for passthrough", plural(in.pseries_phbs, "PHB", "PHBs"), kib_text(memory),
                            plural(in.pseries_phbs, "PHB", "PHBs"));
        if (nvlink2) {
            text += fmt::format(" (libvirt {} predates the NVLink2 term of {})", to_string(version),
                                to_string(libvirt_memlock_branch_since(LibvirtMemlockBranch::Ppc64Nvlink2)));
        }
    }
    const u64 kib = add_kib(base, passthrough, "ppc64 limit");
    return finish(limit, kib, fmt::format("{} = {}", text, kib_text(kib)));
}

}  // namespace

const char* to_string(LibvirtMemlockFormula formula) {
    switch (formula) {
        case LibvirtMemlockFormula::RamPlusOneGiB: return "RAM + 1 GiB (libvirt < 8.7.0)";
        case LibvirtMemlockFormula::PerDeviceFactor: return "factor × RAM + 1 GiB, NVMe counted with VFIO (libvirt 8.7.0 – 9.2.x)";
        case LibvirtMemlockFormula::PerDeviceFactorNvmeApart: return "factor × RAM + 1 GiB, NVMe counted apart (libvirt 9.3.0+)";
    }
    return "";
}

LibvirtVersion libvirt_memlock_newest_read() { return kNewestRead; }

LibvirtMemlockFormula libvirt_memlock_formula(const LibvirtVersion& version) {
    if (!has(version, LibvirtMemlockBranch::PerDeviceFactor)) return LibvirtMemlockFormula::RamPlusOneGiB;
    if (!has(version, LibvirtMemlockBranch::NvmeApart)) return LibvirtMemlockFormula::PerDeviceFactor;
    return LibvirtMemlockFormula::PerDeviceFactorNvmeApart;
}

LibvirtMemlockLimit libvirt_memlock_limit(const LibvirtMemlockInput& in, const LibvirtVersion& version) {
    LibvirtMemlockLimit limit;
    limit.formula = libvirt_memlock_formula(version);
    limit.verified = version <= kNewestRead;

    // 1. <memtune><hard_limit> wins over everything (virMemoryLimitIsSet: below kLibvirtUnlimited).
    if (in.hard_limit_kib && *in.hard_limit_kib < kLibvirtUnlimited) {
        return finish(limit, *in.hard_limit_kib, fmt::format("<hard_limit> {} (takes precedence over every other rule)", kib_text(*in.hard_limit_kib)));
    }
    // 2. <locked/>: libvirt cannot know what QEMU itself will lock, so it lifts the limit.
    if (in.locked) {
        limit.action = LibvirtMemlockAction::Unlimited;
        limit.bytes = kLibvirtUnlimited;
        limit.explanation = "<memoryBacking><locked/> without <hard_limit>: unlimited";
        return limit;
    }
    // 3. ppc64 with KVM has its own formula; ppc64 under TCG takes the generic one.
    if (in.arch == LibvirtGuestArch::Ppc64 && in.virt_type == LibvirtVirtType::Kvm) return ppc64_limit(in, version, limit);
    return other_arch_limit(in, version, limit);
}

}  // namespace aperture
