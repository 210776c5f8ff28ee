#pragma once
// `aperture check` for pseries: findings derived from the plan (QEMU 7.2/8.1/8.2 spapr + SLOF 20220719).
// Fixes are changes to the VM as written, proven by planning again where a QEMU argument can express them.

#include <vector>

#include "diagnostics/finding.hpp"
#include "libvirt/libvirt_version.hpp"
#include "libvirt/memlock_limit.hpp"
#include "plan/spapr_plan.hpp"

namespace aperture {

struct SpaprCheckInput {
    const VmSpec& spec;
    spapr::QemuRelease release;
    const spapr::SpaprHost& host;
    const SpaprPlan& plan;
    // A libvirt domain: what its memlock formula reads and the release that starts it (host.memlock).
    const LibvirtMemlockInput* libvirt_memlock = nullptr;
    LibvirtVersion libvirt_version{};
};

std::vector<Finding> run_spapr_checks(const SpaprCheckInput& input);

}  // namespace aperture
