// `aperture fix`: a libvirt domain with every proven fix for its FAIL findings written in, then read,
// planned and checked again from the written XML itself.

#include <fmt/format.h>
#include <fstream>
#include <sstream>

#include "app/pseries_vm.hpp"
#include "app/qemu_x86_vm.hpp"
#include "app/use_cases.hpp"
#include "core/error.hpp"
#include "core/input_file.hpp"
#include "diagnostics/domain_fixes.hpp"
#include "diagnostics/fix_proof.hpp"
#include "diagnostics/spapr_checks.hpp"
#include "libvirt/domain_fix.hpp"
#include "report/labels.hpp"
#include "report/stack_words.hpp"

namespace aperture::app {

namespace {

struct DomainFindings {
    std::vector<Finding> findings;
    std::vector<std::string> stack;  // the stack modelled and where each part came from
};

// The findings for a domain, against the VM's host.
DomainFindings domain_findings(const QemuX86Vm& vm, const std::vector<PlannedHotplug>& hotplug, const std::string& libvirt_version) {
    CheckedVm checked = check_vm(check_subject(vm, hotplug, libvirt_version, {}));
    const Plan& plan = checked.plan;
    DomainFindings result{std::move(checked.findings), {}};
    result.stack.push_back(fmt::format("{} ({})", stack_title(plan), stack_origins(plan)));
    for (const auto& entry : stack_entries(plan)) {
        for (const auto& note : entry.notes) result.stack.push_back("note: " + note);
    }
    return result;
}

// The findings for a pSeries domain: the spapr checks with libvirt's memlock limit.
DomainFindings pseries_findings(const PseriesVm& vm) {
    const SpaprPlan plan = make_spapr_plan(vm.spec, vm.release, vm.host);
    SpaprCheckInput input{vm.spec, vm.release, vm.host, plan};
    input.libvirt_memlock = &vm.libvirt->domain.memlock_input.input;
    input.libvirt_version = vm.libvirt->version;
    DomainFindings result{run_spapr_checks(input), {}};
    result.stack.push_back(fmt::format("QEMU {} {} with SLOF 20220719 (modelled from source), libvirt {}", spapr::release_info(vm.release).name,
                                       plan.machine.type.name, to_string(vm.libvirt->version)));
    for (const auto& note : vm.libvirt->domain.notes) result.stack.push_back("note: " + note);
    return result;
}

FixResult fix_pseries(const FixRequest& request) {
    const std::string& xml_file = request.vm.source.libvirt_xml;
    if (!request.will_attach.empty()) throw InputError("--will-attach: hotplug is not modelled for pSeries domains");
    const PseriesVm vm = prepare_pseries_vm(request.vm);
    DomainFindings before = pseries_findings(vm);
    CombinedDomainFix combined = combine_domain_fixes(before.findings);

    FixResult result;
    result.fixed_xml = apply_domain_fix(read_input_file(xml_file, kDomainXmlKind), xml_file, combined.edit);
    // Proven on what was written: the fixed text is read, planned and checked like any domain.
    const PseriesVm fixed = with_pseries_domain(vm, result.fixed_xml, xml_file + " (fixed)", request.vm);
    for (const auto& f : pseries_findings(fixed).findings) {
        if (f.verdict == Verdict::Fail) result.still_failing.push_back(fmt::format("{}: {}", to_string(f.kind), f.evidence));
    }
    result.stack = std::move(before.stack);
    result.applied = std::move(combined.applied);
    result.not_applied = std::move(combined.not_applied);
    result.prediction = result.still_failing.empty() ? Prediction::Works : Prediction::Fails;
    return result;
}

}  // namespace

FixResult fix(const FixRequest& request) {
    const std::string& xml_file = request.vm.source.libvirt_xml;
    if (xml_file.empty()) throw InputError("aperture fix needs --xml FILE: it writes fixes into a libvirt domain");
    if (platform_of(request.vm) == Platform::QemuPseries) return fix_pseries(request);
    const QemuX86Vm vm = prepare_qemu_x86_vm(request.vm, HostNeed::Always);
    const std::vector<PlannedHotplug> hotplug = planned_hotplug(request.will_attach);
    DomainFindings before = domain_findings(vm, hotplug, request.vm.libvirt_version);
    CombinedDomainFix combined = combine_domain_fixes(before.findings);

    FixResult result;
    result.fixed_xml = apply_domain_fix(read_input_file(xml_file, kDomainXmlKind), xml_file, combined.edit);
    // Proven on what was written, not on the edit's intent: the fixed text is read like any domain.
    LibvirtReadOptions read_options;
    read_options.qemu = vm.options.qemu;
    read_options.libvirt = parse_libvirt_version(request.vm.libvirt_version);
    const QemuX86Vm fixed = with_domain(vm, read_libvirt_domain(result.fixed_xml, xml_file + " (fixed)", read_options));
    for (const auto& f : domain_findings(fixed, hotplug, request.vm.libvirt_version).findings) {
        if (f.verdict == Verdict::Fail) result.still_failing.push_back(fmt::format("{}: {}", to_string(f.kind), f.evidence));
    }
    result.stack = std::move(before.stack);
    result.applied = std::move(combined.applied);
    result.not_applied = std::move(combined.not_applied);
    result.prediction = result.still_failing.empty() ? Prediction::Works : Prediction::Fails;
    return result;
}

}  // namespace aperture::app
