#pragma once
// A QEMU x86 VM made ready to plan: its VmSpec (from a command line or a libvirt domain), the plan options
// and the host (a saved snapshot, or this host probed when it is needed).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/request.hpp"
#include "diagnostics/checks.hpp"
#include "diagnostics/fix_proof.hpp"
#include "host/host_snapshot.hpp"
#include "input/libvirt_xml/domain.hpp"
#include "plan/plan.hpp"
#include "report/check_report.hpp"

namespace aperture::app {

struct QemuX86Vm {
    VmSpec spec;
    PlanOptions options;
    std::shared_ptr<const HostSnapshot> host;  // the request's or this host's; null when none is needed
    std::optional<LibvirtDomain> domain;  // a libvirt domain: as read
};

enum class HostNeed {
    WhenPassingThrough,  // probe this host only for vfio-pci BARs no --passthrough names (plan)
    Always,              // the host checks need one (check, fix)
};

// Throws InputError when the request gives both or neither of a command line and a domain.
QemuX86Vm prepare_qemu_x86_vm(const VmRequest& request, HostNeed need);

// The same VM, read again from `domain` (a domain's text after an edit); the host and options stay.
QemuX86Vm with_domain(QemuX86Vm vm, LibvirtDomain domain);

// --will-attach PORT=DEVICE (app/will_attach_option.hpp): a host BDF names a device of the VM's host
// snapshot or a --passthrough. Throws InputError for anything else.
std::vector<PlannedHotplug> planned_hotplug(const std::vector<std::string>& will_attach, const QemuX86Vm& vm);

// Throws InputError naming the ports the plan has when a --will-attach names a port id it lacks: a typo is
// the user's, not a prediction that the VM fails.
void require_hotplug_ports(const Plan& plan, const std::vector<std::string>& will_attach);

// A libvirt domain: what libvirt sets the locked-memory limit from, and which libvirt starts it.
std::optional<LibvirtMemlockContext> libvirt_context(const QemuX86Vm& vm, const std::string& libvirt_version);

// What check_vm checks and proves fixes against: the VM, its host, the migration targets' snapshots.
CheckSubject check_subject(const QemuX86Vm& vm, std::vector<PlannedHotplug> hotplug, const std::string& libvirt_version,
                           const std::vector<std::string>& migrate_to);

// The report of a checked VM: its subject, stack, findings and each migration target's findings (the plan's
// JSON is left to the caller that renders it).
CheckReport check_report(const QemuX86Vm& vm, const CheckSubject& subject, const CheckedVm& checked);

// "Intel(R) Core(TM) i7-12700", or "host /" when the snapshot has no model name.
std::string host_name(const HostSnapshot& host);

}  // namespace aperture::app
