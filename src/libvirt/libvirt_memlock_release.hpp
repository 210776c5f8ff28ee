#pragma once
// The libvirt release that introduced each branch of its locked-memory formula
// (src/qemu/qemu_domain.c qemuDomainGetMemLockLimitBytes and its ppc64 helper getPPC64MemLockLimitBytes).
// A release older than a branch's first computes the limit without it: libvirt 5.2.0 gives an NVLink2
// guest the plain-VFIO ppc64 limit, far below what the GPU's DMA window needs. The evidence for each row
// is in the table (libvirt_memlock_release.cpp) and docs/libvirt-memlock.md.

#include <span>

#include "libvirt/libvirt_version.hpp"

namespace aperture {

// One branch or term of the formula, named after what it adds.
enum class LibvirtMemlockBranch {
    Ppc64Nvlink2,        // getPPC64MemLockLimitBytes: maxMemory + 256 GiB of TCEs per PHB + 8 MiB for an NVLink2 GPU
    NvmeDisks,           // qemuDomainNeedsVFIO counts <disk type='nvme'> (the element itself is new then)
    VdpaInterfaces,      // <interface type='vdpa'> raises the limit as a VFIO device does
    PerDeviceFactor,     // x86: factor × RAM + 1 GiB, a RAM per device behind a vIOMMU, instead of RAM + 1 GiB once
    NvmeApart,           // x86: each NVMe disk adds a RAM of its own instead of sharing the VFIO devices'
    VdpaDisks,           // <disk type='vhostvdpa'> counts as a vDPA device
};

struct LibvirtMemlockRelease {
    LibvirtMemlockBranch branch;
    LibvirtVersion since;  // the first release with the branch
    const char* evidence;  // where the release was read
};

// Every branch, oldest first.
std::span<const LibvirtMemlockRelease> libvirt_memlock_releases();

// The first release with `branch`.
LibvirtVersion libvirt_memlock_branch_since(LibvirtMemlockBranch branch);

// Whether libvirt `version` has `branch`.
bool libvirt_has_memlock_branch(const LibvirtVersion& version, LibvirtMemlockBranch branch);

const char* to_string(LibvirtMemlockBranch branch);

}  // namespace aperture
