#pragma once
// A fix is a change to the inputs, proven by the whole check: apply it to the VM (and to the host facts it
// changes), plan again, run every check on the source host and on every migration target, and call it
// proven only when its finding passes and nothing FAILs that did not FAIL before (for a reason the fix
// does not touch). check_vm does the checking and the proving; the checks only propose.

#include <optional>
#include <string>
#include <vector>

#include "diagnostics/checks.hpp"

namespace aperture {

// A host the VM may migrate to: its host checks are run against the plan made on the source host.
struct MigrationTarget {
    std::string name;  // "Intel(R) Xeon(R) CPU E3-1230 V2 @ 3.30GHz"
    HostSnapshot host;
};

// Everything a check reads that a fix may change.
struct CheckSubject {
    VmSpec spec;
    PlanOptions options;  // options.host is the source host's context, kept in step with `host`
    std::optional<HostSnapshot> host;
    std::vector<MigrationTarget> targets;
    std::vector<PlannedHotplug> hotplug;
    std::optional<LibvirtMemlockContext> libvirt;
};

// The plan and its findings: on the source host, and each target's host findings.
struct CheckedVm {
    Plan plan;
    std::vector<Finding> findings;
    std::vector<std::vector<Finding>> target_findings;  // parallel to CheckSubject::targets
};

// Plans and checks; with FixSearch::Propose every fix the checks propose is proven or refuted by checking
// the changed subject again (with FixSearch::VerdictsOnly), and each finding's fixes are ranked.
CheckedVm check_vm(const CheckSubject& subject, FixSearch search = FixSearch::Propose);

// The name a finding is known by in a check of several hosts: "host.phys-bits" on the source,
// "target.host.phys-bits" on the only target, "target2.host.phys-bits" on the second of several; one of
// several findings of a check adds what it is about: "hotplug.reservation(rp2)".
std::string finding_key(const Finding& finding, std::optional<std::size_t> target, std::size_t target_count);

}  // namespace aperture
