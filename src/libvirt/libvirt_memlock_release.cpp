#include "libvirt/libvirt_memlock_release.hpp"

#include <algorithm>
#include <array>

namespace aperture {

namespace {

// Oldest first; the tests pin each boundary (tests/unit/libvirt/libvirt_memlock_release_test.cpp).
constexpr std::array kBranches{
    // qemu_domain.c getPPC64MemLockLimitBytes, commit 1a922648 "PPC64 support for NVIDIA V100 GPU with
    // NVLink2 passthrough" (D. H. Barboza): its message cites libvir-list 2019-April/msg00527, so it landed
    // after v5.2.0 (2019-04-03); the first release after is v5.3.0 (2019-05-04).
    LibvirtMemlockRelease{LibvirtMemlockBranch::Ppc64Nvlink2, {5, 3, 0},
                          "commit 1a922648 (getPPC64MemLockLimitBytes), after v5.2.0 of 2019-04-03"},
    // qemu_domain.c qemuDomainNeedsVFIO, added with <disk type='nvme'> (v6.0.0 NEWS "Support for NVMe disks").
    LibvirtMemlockRelease{LibvirtMemlockBranch::NvmeDisks, {6, 0, 0}, "v6.0.0 NEWS: NVMe disks; qemuDomainNeedsVFIO"},
    // qemu_domain.c qemuDomainGetMemLockLimitBytes, virDomainDefHasVDPANet (v7.2.0 NEWS "qemu: increase
    // locked memory limit when a vDPA device is present").
    LibvirtMemlockRelease{LibvirtMemlockBranch::VdpaInterfaces, {7, 2, 0}, "v7.2.0 NEWS: vDPA raises the locked memory limit"},
    // qemu_domain.c qemuDomainGetMemLockLimitBytes (v8.7.0 NEWS "increase memlock limit for a domain with
    // multiple vfio/vdpa devices"); the shape read in Debian 12's 9.0.0 build.
    LibvirtMemlockRelease{LibvirtMemlockBranch::PerDeviceFactor, {8, 7, 0}, "v8.7.0 NEWS; Debian 12's 9.0.0 binary"},
    // qemu_domain.c qemuDomainGetMemLockLimitBytes, nnvme (v9.3.0 NEWS "Properly configure locked memory
    // limit for VMs with <disk type='nvme'>").
    LibvirtMemlockRelease{LibvirtMemlockBranch::NvmeApart, {9, 3, 0}, "v9.3.0 NEWS; 9.8.0 source"},
    // qemu_domain.c qemuDomainGetNumVDPADevices counts vhostvdpa disks (v9.8.0 NEWS "Add support for vDPA
    // block devices").
    LibvirtMemlockRelease{LibvirtMemlockBranch::VdpaDisks, {9, 8, 0}, "v9.8.0 NEWS; 9.8.0 source"},
};

static_assert(std::is_sorted(kBranches.begin(), kBranches.end(),
                             [](const LibvirtMemlockRelease& a, const LibvirtMemlockRelease& b) { return a.since < b.since; }),
              "the memlock branch table is oldest first");

}  // namespace

std::span<const LibvirtMemlockRelease> libvirt_memlock_releases() { return kBranches; }

LibvirtVersion libvirt_memlock_branch_since(LibvirtMemlockBranch branch) {
    for (const auto& row : kBranches) {
        if (row.branch == branch) return row.since;
    }
    return {};  // unreachable: every branch has a row (pinned by a test)
}

bool libvirt_has_memlock_branch(const LibvirtVersion& version, LibvirtMemlockBranch branch) {
    return version >= libvirt_memlock_branch_since(branch);
}

const char* to_string(LibvirtMemlockBranch branch) {
    switch (branch) {
        case LibvirtMemlockBranch::Ppc64Nvlink2: return "ppc64 NVLink2 term";
        case LibvirtMemlockBranch::NvmeDisks: return "NVMe disks count as VFIO";
        case LibvirtMemlockBranch::VdpaInterfaces: return "vDPA interfaces count";
        case LibvirtMemlockBranch::PerDeviceFactor: return "a RAM per device";
        case LibvirtMemlockBranch::NvmeApart: return "NVMe disks counted apart";
        case LibvirtMemlockBranch::VdpaDisks: return "vDPA disks count";
    }
    return "";
}

}  // namespace aperture
