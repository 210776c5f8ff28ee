#pragma once
// host.memlock for a pSeries libvirt domain: the locked-memory limit libvirt will give QEMU (its formula
// at the release that starts the domain, or the domain's <memtune><hard_limit>) against what VFIO and
// NVLink2 need on POWER. The need is libvirt's ppc64 formula at the newest release read, fed with the
// plan's PHBs and the GPUs QEMU maps: every branch libvirt added since (the NVLink2 TCE term of 5.3.0)
// was a need found on real systems.

#include <optional>

#include "diagnostics/finding.hpp"
#include "libvirt/libvirt_version.hpp"
#include "libvirt/memlock_limit.hpp"
#include "plan/spapr_plan.hpp"

namespace aperture {

struct SpaprMemlockInput {
    const SpaprPlan& plan;
    const LibvirtMemlockInput& domain;  // what libvirt's formula reads from the domain (nPHB from its address assignment)
    LibvirtVersion version;             // the libvirt that starts the domain
};

// What QEMU needs locked: the ppc64 formula with every branch, ignoring <hard_limit> and <locked/>.
LibvirtMemlockLimit spapr_memlock_need(const SpaprMemlockInput& input);

// nullopt when no VFIO device is in the plan (nothing is pinned).
std::optional<Finding> check_spapr_memlock(const SpaprMemlockInput& input);

}  // namespace aperture
